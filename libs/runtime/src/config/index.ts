export { ConfigError, loadConfig, parseDurationList } from './load-config.js';
export type { AppName, LoadConfigOptions, PlatformConfig } from './platform-config.js';
export type { CaptchaConfig, CaptchaPowConfig } from './captcha-config.js';
export { evenPortCount, type SipConfig } from './sip-config.js';
export {
  parseSmppUrl,
  type SmppConfig,
  type SmsConfig,
  type SmsDefaults,
  type SmsVelocityConfig,
} from './sms-config.js';
export type { VerificationConfig, VerificationFraudConfig } from './verification-config.js';
