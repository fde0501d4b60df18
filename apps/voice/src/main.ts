import { runWorker } from '#libs/platform';
import { VoiceModule } from './voice.module.js';

await runWorker('voice', (config, logger) => VoiceModule.register(config, logger), 3013);
