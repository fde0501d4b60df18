import type { DataSource } from 'typeorm';
import { SmsDevInboxRepository } from '#libs/persistence';
import type { JsonLogger, PlatformConfig } from '#libs/runtime';
import { HttpSmsProvider } from './http/http.provider.js';
import { LogSmsProvider } from './log/log.provider.js';
import type { SmsProvider } from './sms-provider.js';
import { SmppProvider } from './smpp/smpp.provider.js';

/** The provider VERIGATE_SMS_PROVIDER names (the configuration has checked its settings). */
export function createSmsProvider(config: PlatformConfig, dataSource: DataSource, logger: JsonLogger): SmsProvider {
  const sms = config.sms;
  const log = logger.child({ component: `sms-provider-${sms.provider}` });
  switch (sms.provider) {
    case 'smpp':
      return new SmppProvider(sms.smpp!, log);
    case 'http':
      return new HttpSmsProvider(sms.http!.url, sms.http!.secret, log);
    case 'log':
      return new LogSmsProvider(new SmsDevInboxRepository(dataSource), sms.logFile, log);
  }
}
