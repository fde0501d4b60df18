import { createHmac, randomBytes } from 'node:crypto';

/**
 * The AKSK headers of the voice API (Huawei's scheme, docs/contract.md):
 *   Authorization: AKSK realm="SDP",profile="UsernameToken",type="Appkey"
 *   X-AKSK: UsernameToken Username="<appKey>",PasswordDigest="<d>",Nonce="<n>",Created="<t>"
 *   d = Base64(HMAC-SHA256(appSecret, n + t))
 * The gateway accepts a nonce once within ±VERIGATE_AUTH_SKEW_S (900 s) of its clock, so every
 * request gets a fresh random nonce and the current time.
 */
export const AKSK_AUTHORIZATION = 'AKSK realm="SDP",profile="UsernameToken",type="Appkey"';

/** `yyyy-MM-ddTHH:mm:ssZ` (UTC, whole seconds): the only form `Created` may take. */
export function akskCreated(at: Date): string {
  return at.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** 32 hex digits: within the 1–128 letters and digits allowed, and never repeated in practice. */
export function akskNonce(): string {
  return randomBytes(16).toString('hex');
}

export function akskDigest(appSecret: string, nonce: string, created: string): string {
  return createHmac('sha256', appSecret)
    .update(nonce + created)
    .digest('base64');
}

/** The two headers of one request (lower-case names, as fetch sends them). */
export function signAksk(
  appKey: string,
  appSecret: string,
  { now = new Date(), nonce = akskNonce() }: { now?: Date; nonce?: string } = {},
): { authorization: string; 'x-aksk': string } {
  const created = akskCreated(now);
  return {
    authorization: AKSK_AUTHORIZATION,
    'x-aksk': `UsernameToken Username="${appKey}",PasswordDigest="${akskDigest(appSecret, nonce, created)}",Nonce="${nonce}",Created="${created}"`,
  };
}
