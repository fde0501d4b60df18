import { runWorker } from '#libs/platform';
import { SmsModule } from './sms.module.js';

await runWorker('sms', (config, logger) => SmsModule.register(config, logger), 3012);
