import { runWorker } from '#libs/platform';
import { CaptchaModule } from './captcha.module.js';

await runWorker('captcha', (config, logger) => CaptchaModule.register(config, logger), 3011);
