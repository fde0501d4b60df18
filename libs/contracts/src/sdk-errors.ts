/**
 * Error codes of the SDK APIs (docs/contract.md#sdk-apis: captcha and SMS), one table: each code's HTTP status and
 * its message in both `X-L` languages. On the wire a code is prefixed with its API
 * (`CAPTCHA.TOKEN_INVALID`, `SMS.RESEND_TOO_SOON`); codes are stable, messages may be reworded.
 */
export type SdkLanguage = 'zh' | 'en';
export type SdkApi = 'CAPTCHA' | 'SMS';

interface SdkErrorRow {
  readonly httpStatus: 400 | 413 | 429 | 500 | 503;
  readonly zh: string;
  readonly en: string;
}

/** Codes both APIs answer. */
const COMMON = {
  HEADER_MISSING: { httpStatus: 400, zh: '缺少必填请求头', en: 'A required header is missing' },
  CLIENT_ID_INVALID: { httpStatus: 400, zh: 'X-client-id 无效', en: 'Unknown X-client-id' },
  APP_NOT_PERMITTED: {
    httpStatus: 400,
    zh: '应用未开通此接口或状态不可用',
    en: 'The app may not use this API or is not in normal status',
  },
  PARAMETER_INVALID: { httpStatus: 400, zh: '请求参数错误', en: 'Invalid request parameter' },
  BODY_TOO_LARGE: { httpStatus: 413, zh: '请求体过大', en: 'The request body is too large (at most 64 KiB)' },
  CLIENT_ADDRESS_MISSING: {
    httpStatus: 400,
    zh: '无法确定客户端地址：受信任代理未通过 X-Forwarded-For 提供客户端 IP',
    en: 'The client address is unknown: the trusted proxy did not send it in X-Forwarded-For',
  },
  SERVICE_UNAVAILABLE: { httpStatus: 503, zh: '服务暂不可用，请稍后重试', en: 'The service is unavailable; try again' },
  INTERNAL_ERROR: { httpStatus: 500, zh: '系统内部错误', en: 'Internal error' },
} as const satisfies Record<string, SdkErrorRow>;

const CAPTCHA_ONLY = {
  CAPTCHA_TYPE_INVALID: {
    httpStatus: 400,
    zh: 'captchaType 必须是 blockPuzzle 或 clickWord',
    en: 'captchaType must be blockPuzzle or clickWord',
  },
  TOKEN_INVALID: {
    httpStatus: 400,
    zh: '验证码已失效，请重新获取',
    en: 'The captcha is invalid, used or expired; get a new one',
  },
  CAPTCHA_WRONG: { httpStatus: 400, zh: '验证失败，请重新获取验证码', en: 'Wrong answer; get a new captcha' },
  VERIFICATION_INVALID: {
    httpStatus: 400,
    zh: '二次校验凭证无效、已使用或已过期',
    en: 'The captchaVerification is invalid, used or expired',
  },
  RATE_LIMITED: { httpStatus: 429, zh: '请求过于频繁，请稍后再试', en: 'Too many captcha requests; try again later' },
  LOCKED_OUT: { httpStatus: 429, zh: '失败次数过多，请稍后再试', en: 'Too many failed attempts; try again later' },
  POW_REQUIRED: {
    httpStatus: 400,
    zh: '缺少工作量证明（powSolution）',
    en: 'This app requires a proof-of-work solution (powSolution) with every check',
  },
  POW_INVALID: {
    httpStatus: 400,
    zh: '工作量证明无效、已过期或不属于此验证码',
    en: 'The proof-of-work solution is wrong, expired or not for this captcha',
  },
} as const satisfies Record<string, SdkErrorRow>;

const SMS_ONLY = {
  MOBILE_INVALID: { httpStatus: 400, zh: '手机号格式错误', en: 'The mobile number is not valid' },
  TYPE_INVALID: {
    httpStatus: 400,
    zh: '短信场景 type 无效',
    en: 'type must be one of REGISTER_SMS, LOGIN_SMS, FORGET_PWD_SMS, BIND_MOBILE_SMS, UPDATE_MOBILE_SMS, OTP_REST_SMS',
  },
  CAPTCHA_TOKEN_INVALID: {
    httpStatus: 400,
    zh: '图形验证码凭证无效、已使用或已过期',
    en: 'The captcha_token is invalid, used or expired; solve a new captcha',
  },
  RESEND_TOO_SOON: {
    httpStatus: 429,
    zh: '发送过于频繁，请稍后再试',
    en: 'A code was sent to this number for this purpose moments ago; wait before asking again',
  },
  MOBILE_HOURLY_LIMIT: {
    httpStatus: 429,
    zh: '该手机号一小时内发送次数已达上限',
    en: 'Too many codes sent to this number in the last hour',
  },
  MOBILE_DAILY_LIMIT: {
    httpStatus: 429,
    zh: '该手机号当日发送次数已达上限',
    en: 'Too many codes sent to this number in the last 24 hours',
  },
  DEVICE_LIMIT: {
    httpStatus: 429,
    zh: '该设备发送次数已达上限',
    en: 'Too many codes requested from this device in the last hour',
  },
  IP_LIMIT: {
    httpStatus: 429,
    zh: '该 IP 发送次数已达上限',
    en: 'Too many codes requested from this IP address in the last hour',
  },
  MOBILE_BLOCKED: {
    httpStatus: 400,
    zh: '平台不向该号段发送短信',
    en: 'The platform does not send SMS to this number range',
  },
  DAILY_BUDGET_EXHAUSTED: {
    httpStatus: 429,
    zh: '应用当日短信发送量已达上限',
    en: 'The app has used up its SMS budget for today (UTC)',
  },
  PREFIX_VELOCITY_LIMIT: {
    httpStatus: 429,
    zh: '该号段短信发送量异常，请稍后再试',
    en: 'Far more codes than usual were sent to this number range in this hour; try again later',
  },
  VERIFY_RATE_LIMITED: {
    httpStatus: 429,
    zh: '验证过于频繁，请稍后再试',
    en: 'Too many verifications from this device or IP address; try again later',
  },
  CODE_WRONG: {
    httpStatus: 400,
    zh: '验证码错误',
    en: 'Wrong code (or no code was sent to this number for this purpose)',
  },
  CODE_EXPIRED: { httpStatus: 400, zh: '验证码已过期，请重新获取', en: 'The code has expired; ask for a new one' },
  CODE_USED: { httpStatus: 400, zh: '验证码已使用', en: 'The code has already been used' },
  CODE_ATTEMPTS_EXCEEDED: {
    httpStatus: 400,
    zh: '验证码错误次数过多，已失效，请重新获取',
    en: 'Too many wrong attempts: the code is dead; ask for a new one',
  },
} as const satisfies Record<string, SdkErrorRow>;

export const SDK_ERRORS = { ...COMMON, ...CAPTCHA_ONLY, ...SMS_ONLY } as const;

export type SdkErrorCode = keyof typeof SDK_ERRORS;
export type CaptchaErrorCode = keyof typeof COMMON | keyof typeof CAPTCHA_ONLY;
export type SmsErrorCode = keyof typeof COMMON | keyof typeof SMS_ONLY;

/** The error body: `{error_code: "<API>.<CODE>", error_msg}` in the caller's language. */
export function sdkErrorBody(
  api: SdkApi,
  code: SdkErrorCode,
  lang: SdkLanguage,
  detail?: string,
): { error_code: string; error_msg: string } {
  const row = SDK_ERRORS[code];
  return { error_code: `${api}.${code}`, error_msg: detail ? `${row[lang]}: ${detail}` : row[lang] };
}
