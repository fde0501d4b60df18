import { runWorker } from '#libs/platform';
import { NotifierModule } from './notifier.module.js';

await runWorker('notifier', (config, logger) => NotifierModule.register(config, logger), 3014);
