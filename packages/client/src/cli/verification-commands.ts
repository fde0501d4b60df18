import type { ResendChannel, VerificationChannel, VerificationLocale } from '../types.js';
import { VerificationClient } from '../verifications.js';
import type { Command, CommandContext, Options } from './commands.js';
import { integerOption, oneOf, UsageError } from './values.js';

const CHANNELS: readonly VerificationChannel[] = ['sms', 'call', 'auto'];
const RESEND_CHANNELS: readonly ResendChannel[] = ['sms', 'call'];
const LOCALES: readonly VerificationLocale[] = ['en', 'zh'];
const APP_CREDENTIALS = ['app-key', 'app-secret'];

/**
 * The verification API as the app calls it: AKSK-signed with the app's key and secret (not the
 * operator token). `--app-key` / `--app-secret`, or VERIGATE_APP_KEY / VERIGATE_APP_SECRET (which
 * keep the secret out of the shell history and the process list).
 */
export function verificationClient(options: Options, { client, env }: CommandContext): VerificationClient {
  const appKey = options['app-key'] ?? env.VERIGATE_APP_KEY;
  const appSecret = options['app-secret'] ?? env.VERIGATE_APP_SECRET;
  if (!appKey || !appSecret)
    throw new UsageError('needs --app-key and --app-secret (or VERIGATE_APP_KEY, VERIGATE_APP_SECRET)');
  return new VerificationClient({ ...client, appKey, appSecret });
}

/** `verify start|check|resend` and `fraud prefixes|lift`: the words and options of the verify branch's CLI. */
export const VERIFICATION_COMMANDS: Command[] = [
  {
    words: 'verify start',
    args: [],
    options: [...APP_CREDENTIALS, 'to', 'channel', 'locale', 'code-length', 'ttl-seconds', 'captcha-verification'],
    summary:
      'send a verification code to --to +E.164 by --channel sms|call|auto (default auto: SMS, a call as fallback), ' +
      '--locale en|zh (default en); prints verificationId, status, channel, expiresAt',
    run: (_admin, _args, o, context) => {
      if (!o.to) throw new UsageError('missing --to (the destination, +E.164)');
      const request = {
        to: o.to,
        channel: oneOf('--channel', o.channel ?? 'auto', CHANNELS),
        locale: oneOf('--locale', o.locale ?? 'en', LOCALES),
        codeLength: integerOption('code-length', o['code-length']),
        ttlSeconds: integerOption('ttl-seconds', o['ttl-seconds']),
        captchaVerification: o['captcha-verification'],
      };
      return verificationClient(o, context).start(request);
    },
  },
  {
    words: 'verify check',
    args: ['<verificationId>', '<code>'],
    options: APP_CREDENTIALS,
    summary:
      'check a code: status approved (once, for the right code) or denied (anything else); ' +
      'both are answers of the gateway (exit 0): read status',
    run: (_admin, [id, code], o, context) => verificationClient(o, context).check(id!, code!),
  },
  {
    words: 'verify resend',
    args: ['<verificationId>', '<sms|call>'],
    options: APP_CREDENTIALS,
    summary: 'send the same code again on the channel given (at most 3 times)',
    run: (_admin, [id, channel], o, context) =>
      verificationClient(o, context).resend(id!, oneOf('the channel', channel, RESEND_CHANNELS)),
  },
  {
    words: 'fraud prefixes',
    args: [],
    options: [],
    flags: ['lifted'],
    summary:
      "destination prefixes the verification API's fraud guard blocked, with their figures; --lifted: lifted ones too",
    run: (admin, _args, o) => admin.listFraudPrefixes({ lifted: o.lifted === 'true' }),
  },
  {
    words: 'fraud lift',
    args: ['<+prefix>'],
    options: [],
    summary: 'lift a block: sends to the prefix are accepted again',
    run: (admin, [prefix]) => admin.liftFraudPrefix(prefix!),
  },
];
