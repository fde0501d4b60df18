import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretBox, verificationHash } from '#libs/auth';
import type { CaptchaType } from '#libs/contracts';
import { preparedRows } from '../query-rows.js';

export interface NewSession {
  token: string;
  appKey: string;
  captchaType: CaptchaType;
  answer: unknown;
  secretKey: string;
  ttlSeconds: number;
  fingerprint: string;
  clientIp: string;
  addressBucket: string;
  /** Risk signals raised at this get (managed mode escalates on any of them). */
  getRisk: string[];
}

/** Who asked for a still open captcha, and what its get saw (managed mode). */
export interface IssuedSession {
  fingerprint: string;
  /** Null for a session older than the column. */
  addressBucket: string | null;
  getRisk: string[] | null;
}

export interface ClaimedSession {
  answer: unknown;
  secretKey: string;
}

/**
 * Captcha sessions in PostgreSQL (any worker serves any step). Every transition is one
 * compare-and-set statement on `state`:
 *   issued ─claim→ attempted ─→ passed ─verify→ verified
 *                            └─→ failed
 * `claim` burns the token whatever the answer turns out to be (one attempt per token).
 */
@Injectable()
export class CaptchaSessions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly secretBox: SecretBox,
  ) {}

  /**
   * A new captcha. The commit does not wait for the disk (synchronous_commit off for this
   * statement only): a session lost in a database crash costs its user a fresh captcha, and a
   * `get` saves the ~5–10 ms of a WAL flush (docs/architecture.md, "Pre-render pool").
   */
  async insert(s: NewSession): Promise<void> {
    await preparedRows(
      this.dataSource,
      `INSERT INTO captcha_sessions (token, app_key, captcha_type, answer, secret_key_sealed, expires_at, fingerprint, client_ip, address_bucket, get_risk)
       SELECT $1::text, $2::text, $3::text, $4::json, $5::text, now() + make_interval(secs => $6::int), $7::text, $8::text, $9::text, $10::text[]
       FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit`,
      [
        s.token,
        s.appKey,
        s.captchaType,
        JSON.stringify(s.answer),
        this.secretBox.seal(s.secretKey),
        s.ttlSeconds,
        s.fingerprint,
        s.clientIp,
        s.addressBucket,
        s.getRisk,
      ],
    );
  }

  /** issued → attempted, if the token exists, belongs to the app, has this type and has not expired. */
  async claim(token: string, appKey: string, captchaType: CaptchaType): Promise<ClaimedSession | null> {
    const rows = await preparedRows<{ answer: unknown; secret_key_sealed: string }>(
      this.dataSource,
      `UPDATE captcha_sessions SET state = 'attempted'
        WHERE token = $1 AND app_key = $2 AND captcha_type = $3 AND state = 'issued' AND expires_at > now()
        RETURNING answer, secret_key_sealed`,
      [token, appKey, captchaType],
    );
    const row = rows[0];
    return row ? { answer: row.answer, secretKey: this.secretBox.open(row.secret_key_sealed) } : null;
  }

  /** An open (issued, unexpired) captcha of the app: who asked for it and what its get saw; null if none. */
  async issued(token: string, appKey: string): Promise<IssuedSession | null> {
    const rows = await preparedRows<{ fingerprint: string; address_bucket: string | null; get_risk: string[] | null }>(
      this.dataSource,
      `SELECT fingerprint, address_bucket, get_risk FROM captcha_sessions
        WHERE token = $1 AND app_key = $2 AND state = 'issued' AND expires_at > now()`,
      [token, appKey],
    );
    const row = rows[0];
    return row ? { fingerprint: row.fingerprint, addressBucket: row.address_bucket, getRisk: row.get_risk } : null;
  }

  /** issued → attempted whatever the captcha type (managed mode passes a captcha without its puzzle). */
  async claimAnyType(token: string, appKey: string): Promise<ClaimedSession | null> {
    const rows = await preparedRows<{ answer: unknown; secret_key_sealed: string }>(
      this.dataSource,
      `UPDATE captcha_sessions SET state = 'attempted'
        WHERE token = $1 AND app_key = $2 AND state = 'issued' AND expires_at > now()
        RETURNING answer, secret_key_sealed`,
      [token, appKey],
    );
    const row = rows[0];
    return row ? { answer: row.answer, secretKey: this.secretBox.open(row.secret_key_sealed) } : null;
  }

  async pass(token: string, captchaVerification: string, ttlSeconds: number): Promise<boolean> {
    const rows = await preparedRows(
      this.dataSource,
      `UPDATE captcha_sessions SET state = 'passed', verification_hash = $2, verification_expires_at = now() + make_interval(secs => $3)
        WHERE token = $1 AND state = 'attempted' RETURNING 1`,
      [token, verificationHash(captchaVerification), ttlSeconds],
    );
    return rows.length === 1;
  }

  async fail(token: string): Promise<void> {
    await preparedRows(
      this.dataSource,
      `UPDATE captcha_sessions SET state = 'failed' WHERE token = $1 AND state = 'attempted'`,
      [token],
    );
  }

  /** passed → verified, once, within the credential's lifetime, for the same app. */
  async consumeVerification(captchaVerification: string, appKey: string): Promise<boolean> {
    const rows = await preparedRows(
      this.dataSource,
      `UPDATE captcha_sessions SET state = 'verified'
        WHERE verification_hash = $1 AND app_key = $2 AND state = 'passed' AND verification_expires_at > now() RETURNING 1`,
      [verificationHash(captchaVerification), appKey],
    );
    return rows.length === 1;
  }

  /** The secretKey of a session whose credential is still to be verified (for the plain form of an AES credential). */
  async secretKeyOfPassed(token: string, appKey: string): Promise<string | null> {
    const rows = await preparedRows<{ secret_key_sealed: string }>(
      this.dataSource,
      `SELECT secret_key_sealed FROM captcha_sessions WHERE token = $1 AND app_key = $2 AND state = 'passed'`,
      [token, appKey],
    );
    return rows[0] ? this.secretBox.openOrNull(rows[0].secret_key_sealed) : null;
  }

  /** Deletes sessions an hour past any use (expired captchas and credentials). */
  async sweep(): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM captcha_sessions WHERE expires_at < now() - interval '1 hour'
         AND (verification_expires_at IS NULL OR verification_expires_at < now() - interval '1 hour')`,
    );
  }
}
