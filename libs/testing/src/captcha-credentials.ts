import { randomBytes } from 'node:crypto';

/**
 * Captcha credentials (captchaVerification, plain form) of `appKey` as the captcha worker stores
 * them after a passed check (their SHA-256), without drawing or solving a captcha: for tests that
 * need many SMS sends. Run `sql` with `params`; `sealedSecretKey` is the captcha's AES key as
 * SecretBox sealed it (the gateway opens it only to try the AES form of a refused credential).
 */
export function passedCaptchaCredentials(
  appKey: string,
  count: number,
  sealedSecretKey: string,
  client = { fingerprint: 'test', ip: '127.0.0.1' },
): {
  credentials: string[];
  sql: string;
  params: unknown[];
} {
  const credentials = Array.from({ length: count }, () => `${randomBytes(16).toString('hex')}---{"x":1,"y":1}`);
  return {
    credentials,
    sql: `INSERT INTO captcha_sessions (token, app_key, captcha_type, answer, secret_key_sealed, state, expires_at, verification_hash, verification_expires_at, fingerprint, client_ip)
          SELECT split_part(c, '---', 1), $1, 'blockPuzzle', '{"x":1,"y":1}', $3, 'passed', now() + interval '1 hour',
                 encode(sha256(convert_to(c, 'UTF8')), 'hex'), now() + interval '1 hour', $4, $5::inet
            FROM unnest($2::text[]) AS c`,
    params: [appKey, credentials, sealedSecretKey, client.fingerprint, client.ip],
  };
}
