/**
 * The image captcha (SPEC §2.1): RPC names and payloads between the gateway and the captcha
 * worker, and the SDK error codes with their messages in both languages.
 */

/**
 * The captcha worker's durable RPC queue (bound to `verigate.commands` with the same key). `.v2`:
 * an RPC queue without dead-lettering and with a length cap (libs/messaging topology.ts); queue
 * arguments cannot change in place, so the old queue is replaced, not redeclared.
 */
export const CAPTCHA_RPC_QUEUE = 'captcha.rpc.v2';

/** The queue of earlier versions (a work queue with `.dead` and `.retry`): obsolete. */
export const LEGACY_CAPTCHA_RPC_QUEUE = 'captcha.rpc';

export const CAPTCHA_TYPES = ['blockPuzzle', 'clickWord'] as const;
export type CaptchaType = (typeof CAPTCHA_TYPES)[number];
export type CaptchaLanguage = 'zh' | 'en';

/** Who is asking, as the gateway established it (used for rate limits and lock-outs). */
export interface CaptchaCaller {
  appKey: string;
  fingerprint: string;
  clientIp: string;
}

export type CaptchaRpcRequest =
  | { op: 'get'; caller: CaptchaCaller; captchaType: CaptchaType; lang: CaptchaLanguage }
  | { op: 'check'; caller: CaptchaCaller; captchaType: CaptchaType; token: string; pointJson: string; trajectory?: unknown }
  | { op: 'verify'; caller: CaptchaCaller; captchaVerification: string };

/** The seed's response body (every field present; unused ones are null). */
export interface CaptchaResponseBody {
  captchaId: string | null;
  projectCode: null;
  captchaOriginalPath: null;
  captchaFontType: null;
  captchaFontSize: null;
  secretKey: string | null;
  originalImageBase64: string | null;
  point: null;
  jigsawImageBase64: string | null;
  wordList: string[] | null;
  pointList: null;
  pointJson: string | null;
  token: string | null;
  result: boolean;
  captchaVerification: string | null;
}

export type CaptchaRpcReply = { ok: true; body: CaptchaResponseBody } | { ok: false; code: CaptchaErrorCode };

export function emptyCaptchaBody(): CaptchaResponseBody {
  return {
    captchaId: null, projectCode: null, captchaOriginalPath: null, captchaFontType: null, captchaFontSize: null,
    secretKey: null, originalImageBase64: null, point: null, jigsawImageBase64: null, wordList: null,
    pointList: null, pointJson: null, token: null, result: false, captchaVerification: null,
  };
}

interface CaptchaErrorRow {
  readonly httpStatus: 400 | 429 | 500 | 503;
  readonly zh: string;
  readonly en: string;
}

/** SDK error codes of the captcha API: stable strings, the HTTP status and the message per `X-L`. */
export const CAPTCHA_ERRORS = {
  HEADER_MISSING: { httpStatus: 400, zh: '缺少必填请求头', en: 'A required header is missing' },
  CLIENT_ID_INVALID: { httpStatus: 400, zh: 'X-client-id 无效', en: 'Unknown X-client-id' },
  APP_NOT_PERMITTED: { httpStatus: 400, zh: '应用未开通图形验证码或状态不可用', en: 'The app may not use the captcha API or is not in normal status' },
  PARAMETER_INVALID: { httpStatus: 400, zh: '请求参数错误', en: 'Invalid request parameter' },
  CLIENT_ADDRESS_MISSING: { httpStatus: 400, zh: '无法确定客户端地址：受信任代理未通过 X-Forwarded-For 提供客户端 IP', en: 'The client address is unknown: the trusted proxy did not send it in X-Forwarded-For' },
  CAPTCHA_TYPE_INVALID: { httpStatus: 400, zh: 'captchaType 必须是 blockPuzzle 或 clickWord', en: 'captchaType must be blockPuzzle or clickWord' },
  TOKEN_INVALID: { httpStatus: 400, zh: '验证码已失效，请重新获取', en: 'The captcha is invalid, used or expired; get a new one' },
  CAPTCHA_WRONG: { httpStatus: 400, zh: '验证失败，请重新获取验证码', en: 'Wrong answer; get a new captcha' },
  VERIFICATION_INVALID: { httpStatus: 400, zh: '二次校验凭证无效、已使用或已过期', en: 'The captchaVerification is invalid, used or expired' },
  RATE_LIMITED: { httpStatus: 429, zh: '请求过于频繁，请稍后再试', en: 'Too many captcha requests; try again later' },
  LOCKED_OUT: { httpStatus: 429, zh: '失败次数过多，请稍后再试', en: 'Too many failed attempts; try again later' },
  SERVICE_UNAVAILABLE: { httpStatus: 503, zh: '验证码服务暂不可用', en: 'The captcha service is unavailable; try again' },
  INTERNAL_ERROR: { httpStatus: 500, zh: '系统内部错误', en: 'Internal error' },
} as const satisfies Record<string, CaptchaErrorRow>;

export type CaptchaErrorCode = keyof typeof CAPTCHA_ERRORS;

/** Error code as sent on the wire: `CAPTCHA.` + key (stable). */
export function captchaErrorBody(code: CaptchaErrorCode, lang: CaptchaLanguage, detail?: string): { error_code: string; error_msg: string } {
  const row = CAPTCHA_ERRORS[code];
  return { error_code: `CAPTCHA.${code}`, error_msg: detail ? `${row[lang]}: ${detail}` : row[lang] };
}
