import { normaliseSmsType, type SmsType } from '#libs/contracts';
import { SdkError } from '../sdk/sdk-error.js';
import type { SdkHeaders } from '../sdk/sdk-headers.js';

/** Longest captcha_token accepted (an AES credential of a clickWord answer is ~200 characters). */
const MAX_CAPTCHA_TOKEN = 4096;

export interface SendSmsRequest {
  mobile: string;
  type: SmsType;
  captchaToken: string;
}

export interface VerifySmsRequest {
  mobile: string;
  type: SmsType;
  code: string;
}

function mobileOf(fields: Record<string, unknown>, pattern: RegExp, sdk: SdkHeaders): string {
  const mobile = fields.mobile;
  if (mobile === undefined || mobile === null || mobile === '')
    throw new SdkError('PARAMETER_INVALID', sdk.lang, 'mobile');
  if (typeof mobile !== 'string' || mobile.length > 32 || !pattern.test(mobile))
    throw new SdkError('MOBILE_INVALID', sdk.lang);
  return mobile;
}

function typeOf(fields: Record<string, unknown>, sdk: SdkHeaders): SmsType {
  if (fields.type === undefined || fields.type === null || fields.type === '')
    throw new SdkError('PARAMETER_INVALID', sdk.lang, 'type');
  const type = normaliseSmsType(fields.type);
  if (!type) throw new SdkError('TYPE_INVALID', sdk.lang);
  return type;
}

/** table 2 (docs/contract.md#sms-request-body): `mobile` (VERIGATE_SMS_MOBILE_PATTERN), `type` (white space ignored), `captcha_token`. */
export function parseSendSms(fields: Record<string, unknown>, mobilePattern: RegExp, sdk: SdkHeaders): SendSmsRequest {
  const mobile = mobileOf(fields, mobilePattern, sdk);
  const type = typeOf(fields, sdk);
  const token = fields.captcha_token;
  if (typeof token !== 'string' || token.trim() === '')
    throw new SdkError('PARAMETER_INVALID', sdk.lang, 'captcha_token');
  if (token.length > MAX_CAPTCHA_TOKEN) throw new SdkError('CAPTCHA_TOKEN_INVALID', sdk.lang);
  return { mobile, type, captchaToken: token };
}

/** `{mobile, type, code}`; a code that cannot be one (not 1-10 digits) is refused without counting an attempt. */
export function parseVerifySms(
  fields: Record<string, unknown>,
  mobilePattern: RegExp,
  sdk: SdkHeaders,
): VerifySmsRequest {
  const mobile = mobileOf(fields, mobilePattern, sdk);
  const type = typeOf(fields, sdk);
  const code = fields.code;
  if (typeof code !== 'string' || !/^\d{1,10}$/.test(code))
    throw new SdkError('PARAMETER_INVALID', sdk.lang, 'code must be a string of digits');
  return { mobile, type, code };
}
