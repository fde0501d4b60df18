import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ResultCodes, type ResultCodeRow } from '#libs/contracts';

/**
 * The seed's AKSK scheme:
 *   Authorization: AKSK realm="SDP",profile="UsernameToken",type="Appkey"
 *   X-AKSK: UsernameToken Username="<app_key>",PasswordDigest="<d>",Nonce="<n>",Created="<t>"
 *   d = Base64(HMAC-SHA256(app_secret, n + t))
 * Parsing is tolerant of spacing and quoting differences between Huawei's own samples.
 */
export interface AkskCredentials {
  appKey: string;
  passwordDigest: string;
  nonce: string;
  created: string;
}

export type AkskParseResult =
  { ok: true; credentials: AkskCredentials } | { ok: false; fault: ResultCodeRow; detail?: string };

/**
 * The longest `Authorization` or `X-AKSK` value read (a real one is under 300 characters). Longer
 * values are refused before parsing: header faults cost the gateway no more than this much work.
 */
export const AKSK_HEADER_MAX_LENGTH = 1024;

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isKeyChar = (c: number) => isLetter(c) || (c >= 48 && c <= 57) || c === 95 /* _ */ || c === 45; /* - */
const WHITE_SPACE = /\s/;
/** What `\s` matches (ASCII fast path; header values are Latin-1, so U+00A0 can occur). */
const isSpace = (c: number) =>
  c === 32 || (c >= 9 && c <= 13) || (c >= 128 && WHITE_SPACE.test(String.fromCharCode(c)));

/**
 * `key="value"` (or `key=value`) pairs separated by commas and/or spaces; keys case-insensitive,
 * the first of a repeated key wins. One pass over the text (linear time whatever it holds: the
 * regular expression this replaces backtracked quadratically on a long run of word characters).
 * Grammar: key = letter [letter digit _ -]*; then optional spaces, `=`, optional spaces; then a
 * quoted value up to the next `"` (an unclosed quote gives an empty value) or the run of
 * characters other than space, comma and `"`.
 */
export function parseKeyValues(text: string): Map<string, string> {
  const pairs = new Map<string, string>();
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isLetter(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const keyStart = i;
    while (i < n && isKeyChar(text.charCodeAt(i))) i++;
    const keyEnd = i;
    let j = i;
    while (j < n && isSpace(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) !== 61 /* = */) continue; // not a pair: go on after the word
    j++;
    while (j < n && isSpace(text.charCodeAt(j))) j++;
    let value: string;
    // A quote search that fails means no quote follows: it happens once per text at most.
    const close = text.charCodeAt(j) === 34 /* " */ ? text.indexOf('"', j + 1) : -1;
    if (close >= 0) {
      value = text.slice(j + 1, close);
      i = close + 1;
    } else if (text.charCodeAt(j) === 34) {
      value = '';
      i = j;
    } else {
      const valueStart = j;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (isSpace(c) || c === 44 /* , */ || c === 34) break;
        j++;
      }
      value = text.slice(valueStart, j);
      i = j;
    }
    const key = text.slice(keyStart, keyEnd).toLowerCase();
    if (!pairs.has(key)) pairs.set(key, value);
  }
  return pairs;
}

const NONCE = /^[0-9A-Za-z]{1,128}$/;

export function parseAksk(authorization: string | undefined, xAksk: string | undefined): AkskParseResult {
  if (authorization === undefined || authorization.trim() === '')
    return { ok: false, fault: ResultCodes.AUTHORIZATION_MISSING };
  if (authorization.length > AKSK_HEADER_MAX_LENGTH) {
    return {
      ok: false,
      fault: ResultCodes.AUTHORIZATION_MISSING,
      detail: `Authorization is longer than ${AKSK_HEADER_MAX_LENGTH} characters`,
    };
  }
  const auth = authorization.trim();
  if (!/^AKSK(\s|$)/i.test(auth))
    return { ok: false, fault: ResultCodes.AUTHORIZATION_MISSING, detail: 'the scheme must be AKSK' };
  const a = parseKeyValues(auth.slice(4));
  const realm = a.get('realm');
  if (realm === undefined) return { ok: false, fault: ResultCodes.REALM_MISSING };
  if (realm !== 'SDP') return { ok: false, fault: ResultCodes.REALM_INVALID };
  const profile = a.get('profile');
  if (profile === undefined) return { ok: false, fault: ResultCodes.PROFILE_MISSING };
  if (profile !== 'UsernameToken') return { ok: false, fault: ResultCodes.PROFILE_INVALID };
  const type = a.get('type');
  if (type === undefined) return { ok: false, fault: ResultCodes.TYPE_MISSING };
  if (type !== 'Appkey') return { ok: false, fault: ResultCodes.TYPE_INVALID };

  if (xAksk === undefined || xAksk.trim() === '') return { ok: false, fault: ResultCodes.XAKSK_MISSING };
  if (xAksk.length > AKSK_HEADER_MAX_LENGTH) {
    return {
      ok: false,
      fault: ResultCodes.XAKSK_MISSING,
      detail: `X-AKSK is longer than ${AKSK_HEADER_MAX_LENGTH} characters`,
    };
  }
  const x = xAksk.trim();
  if (!/^UsernameToken(\s|$)/.test(x)) return { ok: false, fault: ResultCodes.USERNAME_TOKEN_MISSING };
  const t = parseKeyValues(x.slice('UsernameToken'.length));
  const appKey = t.get('username');
  if (!appKey) return { ok: false, fault: ResultCodes.USERNAME_MISSING };
  const nonce = t.get('nonce');
  if (!nonce) return { ok: false, fault: ResultCodes.NONCE_MISSING };
  const created = t.get('created');
  if (!created) return { ok: false, fault: ResultCodes.CREATED_MISSING };
  const passwordDigest = t.get('passworddigest');
  if (!passwordDigest) return { ok: false, fault: ResultCodes.PASSWORD_DIGEST_MISSING };
  if (!NONCE.test(nonce))
    return { ok: false, fault: ResultCodes.INVALID_DIGEST, detail: 'Nonce must be 1-128 letters or digits' };
  return { ok: true, credentials: { appKey, passwordDigest, nonce, created } };
}

/** `yyyy-MM-ddTHH:mm:ssZ` → epoch ms, or null when it is not that format. */
export function parseCreated(created: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(created);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  // Reject impossible times (2024-02-31, 13th month, 10:30:60) that Date.UTC would roll over.
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute ||
    check.getUTCSeconds() !== second
  )
    return null;
  return ms;
}

export function computeDigest(appSecret: string, nonce: string, created: string): string {
  return createHmac('sha256', appSecret)
    .update(nonce + created)
    .digest('base64');
}

/** Constant-time digest comparison (length differences leak nothing useful: digests have a fixed length). */
export function digestMatches(appSecret: string, credentials: AkskCredentials): boolean {
  const expected = Buffer.from(computeDigest(appSecret, credentials.nonce, credentials.created));
  const given = Buffer.from(credentials.passwordDigest);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Headers a client sends: used by the example client, the CLI, tests and benchmarks. */
export function signAksk(
  appKey: string,
  appSecret: string,
  now = new Date(),
  nonce = randomBytes(16).toString('hex'),
): Record<string, string> {
  const created = now.toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    authorization: 'AKSK realm="SDP",profile="UsernameToken",type="Appkey"',
    'x-aksk': `UsernameToken Username="${appKey}",PasswordDigest="${computeDigest(appSecret, nonce, created)}",Nonce="${nonce}",Created="${created}"`,
  };
}
