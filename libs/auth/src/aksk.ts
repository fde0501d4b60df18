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

export type AkskParseResult = { ok: true; credentials: AkskCredentials } | { ok: false; fault: ResultCodeRow; detail?: string };

/** `key="value"` (or `key=value`) pairs separated by commas and/or spaces; keys case-insensitive. */
export function parseKeyValues(text: string): Map<string, string> {
  const pairs = new Map<string, string>();
  const pattern = /([A-Za-z][\w-]*)\s*=\s*(?:"([^"]*)"|([^\s,"]*))/g;
  for (const match of text.matchAll(pattern)) {
    const key = match[1]!.toLowerCase();
    if (!pairs.has(key)) pairs.set(key, match[2] ?? match[3] ?? '');
  }
  return pairs;
}

const NONCE = /^[0-9A-Za-z]{1,128}$/;

export function parseAksk(authorization: string | undefined, xAksk: string | undefined): AkskParseResult {
  if (authorization === undefined || authorization.trim() === '') return { ok: false, fault: ResultCodes.AUTHORIZATION_MISSING };
  const auth = authorization.trim();
  if (!/^AKSK(\s|$)/i.test(auth)) return { ok: false, fault: ResultCodes.AUTHORIZATION_MISSING, detail: 'the scheme must be AKSK' };
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
  if (!NONCE.test(nonce)) return { ok: false, fault: ResultCodes.INVALID_DIGEST, detail: 'Nonce must be 1-128 letters or digits' };
  return { ok: true, credentials: { appKey, passwordDigest, nonce, created } };
}

/** `yyyy-MM-ddTHH:mm:ssZ` → epoch ms, or null when it is not that format. */
export function parseCreated(created: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(created);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  // Reject impossible times (2024-02-31, 13th month, 10:30:60) that Date.UTC would roll over.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day
      || check.getUTCHours() !== hour || check.getUTCMinutes() !== minute || check.getUTCSeconds() !== second) return null;
  return ms;
}

export function computeDigest(appSecret: string, nonce: string, created: string): string {
  return createHmac('sha256', appSecret).update(nonce + created).digest('base64');
}

/** Constant-time digest comparison (length differences leak nothing useful: digests have a fixed length). */
export function digestMatches(appSecret: string, credentials: AkskCredentials): boolean {
  const expected = Buffer.from(computeDigest(appSecret, credentials.nonce, credentials.created));
  const given = Buffer.from(credentials.passwordDigest);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Headers a client sends: used by the example client, the CLI, tests and benchmarks. */
export function signAksk(appKey: string, appSecret: string, now = new Date(), nonce = randomBytes(16).toString('hex')): Record<string, string> {
  const created = now.toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    authorization: 'AKSK realm="SDP",profile="UsernameToken",type="Appkey"',
    'x-aksk': `UsernameToken Username="${appKey}",PasswordDigest="${computeDigest(appSecret, nonce, created)}",Nonce="${nonce}",Created="${created}"`,
  };
}
