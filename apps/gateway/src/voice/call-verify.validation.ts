import { PHONE_NUMBER, PHONE_NUMBER_RULE } from '../policy/phone-number.js';

/**
 * The seed's table 4 (docs/contract.md#callverify-request-body), field by field. Pure: takes the parsed JSON body, returns either the normalised
 * request or the precise reason for 1020001.
 */
export interface CallVerifyRequest {
  displayNbr: string;
  calleeNbr: string;
  languageType: number;
  preTone: string;
  verifyCode: string;
  posTone: string | null;
  times: number;
  statusUrl: string | null;
  feeUrl: string | null;
  returnIdlePort: boolean;
  userData: string | null;
}

/** A refusal: 1020001 unless `code` names a more specific row (a malformed displayNbr is 1010023). */
export type ValidationResult =
  { ok: true; request: CallVerifyRequest } | { ok: false; detail: string; code?: 'INVALID_DISPLAY_NUMBER' };

/** 1 = English (an extension of the seed), 2 = Chinese (the seed's only value). */
export const LANGUAGE_TYPES = [1, 2] as const;

const DIGITS = /^[0-9]{2,8}$/;
const URL_CHARS = /^[A-Za-z0-9\-:./]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// CJK ideographs and punctuation, fullwidth forms: the seed forbids Chinese in userData.
const CHINESE =
  /[\u2E80-\u2FDF\u3000-\u303F\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]|[\u{20000}-\u{2FA1F}]/u;
// eslint-disable-next-line no-control-regex -- a tone is a file name: no control characters, no path separators
const TONE_NAME = /^[^\u0000-\u001f/\\]{1,128}$/;

function field(body: Record<string, unknown>, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(body, name) ? body[name] : undefined;
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

/** statusUrl/feeUrl: base64 of an http(s) URL made only of the seed's allowed characters. */
export function decodeNotifyUrl(
  name: string,
  value: unknown,
): { ok: true; url: string | null } | { ok: false; detail: string } {
  if (isAbsent(value) || value === '') return { ok: true, url: null };
  if (typeof value !== 'string') return { ok: false, detail: `${name} must be a string` };
  if (value.length > 128) return { ok: false, detail: `${name} must be at most 128 characters` };
  if (!BASE64.test(value) || value.length % 4 !== 0) return { ok: false, detail: `${name} must be Base64-encoded` };
  const url = Buffer.from(value, 'base64').toString('utf8');
  if (!URL_CHARS.test(url)) return { ok: false, detail: `${name} may contain only letters, digits, - : . /` };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, detail: `${name} is not a valid URL` };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return { ok: false, detail: `${name} must be an http or https URL` };
  return { ok: true, url };
}

type Refusal = Extract<ValidationResult, { ok: false }>;

function refuse(detail: string): Refusal {
  return { ok: false, detail };
}

/** The required fields, checked in the table's order: the first refusal, or null when all are valid. */
function requiredFieldsRefusal(body: Record<string, unknown>): Refusal | null {
  const displayNbr = field(body, 'displayNbr');
  if (isAbsent(displayNbr)) return refuse('displayNbr is required');
  if (typeof displayNbr !== 'string' || !PHONE_NUMBER.test(displayNbr))
    return { ok: false, detail: `displayNbr must be ${PHONE_NUMBER_RULE}`, code: 'INVALID_DISPLAY_NUMBER' };

  const calleeNbr = field(body, 'calleeNbr');
  if (isAbsent(calleeNbr)) return refuse('calleeNbr is required');
  if (typeof calleeNbr !== 'string' || !PHONE_NUMBER.test(calleeNbr))
    return refuse(`calleeNbr must be ${PHONE_NUMBER_RULE}`);

  const languageType = field(body, 'languageType');
  if (isAbsent(languageType)) return refuse('languageType is required');
  if (typeof languageType !== 'number' || !(LANGUAGE_TYPES as readonly number[]).includes(languageType)) {
    return refuse('languageType must be the integer 2 (Chinese) or 1 (English)');
  }

  const preTone = field(body, 'preTone');
  if (isAbsent(preTone)) return refuse('preTone is required');
  if (typeof preTone !== 'string' || !TONE_NAME.test(preTone))
    return refuse('preTone must be a file name of 1-128 characters');

  const verifyCode = field(body, 'verifyCode');
  if (isAbsent(verifyCode)) return refuse('verifyCode is required');
  if (typeof verifyCode !== 'string' || !DIGITS.test(verifyCode))
    return refuse('verifyCode must be a string of 2-8 digits 0-9');
  return null;
}

/** posTone and times (both optional). */
function toneAndTimesRefusal(body: Record<string, unknown>): Refusal | null {
  const posTone = field(body, 'posTone');
  if (!isAbsent(posTone) && (typeof posTone !== 'string' || !TONE_NAME.test(posTone))) {
    return refuse('posTone must be a file name of 1-128 characters');
  }
  const times = field(body, 'times');
  if (!isAbsent(times) && (typeof times !== 'number' || !Number.isInteger(times) || times < 0 || times > 9)) {
    return refuse('times must be an integer from 0 to 9');
  }
  return null;
}

/** returnIdlePort and userData (both optional). */
function portAndUserDataRefusal(body: Record<string, unknown>): Refusal | null {
  const returnIdlePort = field(body, 'returnIdlePort');
  if (!isAbsent(returnIdlePort) && returnIdlePort !== 'true' && returnIdlePort !== 'false')
    return refuse('returnIdlePort must be "true" or "false"');

  const userData = field(body, 'userData');
  if (isAbsent(userData)) return null;
  if (typeof userData !== 'string' || userData.length < 1 || userData.length > 256)
    return refuse('userData must be a string of 1-256 characters');
  if (/[{}]/.test(userData)) return refuse('userData must not contain { or }');
  if (CHINESE.test(userData)) return refuse('userData must not contain Chinese characters (Base64-encode them)');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what the seed forbids here
  if (/[\u0000-\u001f\u007f]/.test(userData)) return refuse('userData must not contain control characters');
  return null;
}

export function validateCallVerify(input: unknown): ValidationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return refuse('the body must be a JSON object');
  const body = input as Record<string, unknown>;

  const early = requiredFieldsRefusal(body) ?? toneAndTimesRefusal(body);
  if (early) return early;
  const status = decodeNotifyUrl('statusUrl', field(body, 'statusUrl'));
  if (!status.ok) return status;
  const fee = decodeNotifyUrl('feeUrl', field(body, 'feeUrl'));
  if (!fee.ok) return fee;
  const late = portAndUserDataRefusal(body);
  if (late) return late;

  // Every field is valid from here on.
  const posTone = field(body, 'posTone');
  const times = field(body, 'times');
  const userData = field(body, 'userData');
  return {
    ok: true,
    request: {
      displayNbr: field(body, 'displayNbr') as string,
      calleeNbr: field(body, 'calleeNbr') as string,
      languageType: field(body, 'languageType') as number,
      preTone: field(body, 'preTone') as string,
      verifyCode: field(body, 'verifyCode') as string,
      posTone: isAbsent(posTone) ? null : (posTone as string),
      times: isAbsent(times) ? 3 : (times as number),
      statusUrl: status.url,
      feeUrl: fee.url,
      returnIdlePort: field(body, 'returnIdlePort') === 'true',
      userData: isAbsent(userData) ? null : (userData as string),
    },
  };
}
