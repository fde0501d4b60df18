import { runWorker } from '#libs/platform';
import { SMS_PROVIDER, type SmsProvider } from './providers/sms-provider.js';
import { SmsModule } from './sms.module.js';

await runWorker(
  'sms',
  (config, logger) => SmsModule.register(config, logger),
  3012,
  (app) => ({
    // Ready only while the SMS centre can take messages (SMPP: bound).
    smsProvider: async () => {
      const provider = app.get<SmsProvider>(SMS_PROVIDER);
      if (!provider.isReady()) throw new Error(`${provider.name} provider not connected`);
    },
  }),
);
