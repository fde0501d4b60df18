import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CaptchaCaller } from '#libs/contracts';
import { preparedRows } from '#libs/persistence';
import { PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';

export type GetAdmission = 'ok' | 'RATE_LIMITED' | 'LOCKED_OUT';

/**
 * Counter keys: the device fingerprint counts per app (apps do not share devices), the address
 * platform-wide by its bucket (IPv4 address, IPv6 /64: the gateway computes it). A request from
 * a gateway older than the bucket falls back to the full address.
 */
export function limitKeys(caller: CaptchaCaller): { fingerprint: string; ip: string } {
  return {
    fingerprint: `fp:${caller.appKey}:${caller.fingerprint}`,
    ip: `ip:${caller.addressBucket ?? caller.clientIp}`,
  };
}

/** What the counters say about a caller right now (the risk signals of docs/captcha-threat-model.md). */
export interface CallerActivity {
  fingerprintGets: number;
  ipGets: number;
  fingerprintFailures: number;
  ipFailures: number;
}

function activityOf(
  rows: Array<{ key: string; gets: number; failures: number }>,
  keys: { fingerprint: string; ip: string },
): CallerActivity {
  const of = (key: string) => rows.find((r) => r.key === key);
  return {
    fingerprintGets: of(keys.fingerprint)?.gets ?? 0,
    ipGets: of(keys.ip)?.gets ?? 0,
    fingerprintFailures: of(keys.fingerprint)?.failures ?? 0,
    ipFailures: of(keys.ip)?.failures ?? 0,
  };
}

/**
 * Rate limits on `get` and lock-outs after failed checks, per device fingerprint and per client
 * address bucket (IPv6 by /64), in PostgreSQL (`captcha_limits`) so every worker instance sees the same counts. Each change
 * is one atomic `INSERT … ON CONFLICT DO UPDATE` over both keys, so concurrent requests never
 * lose a count (fixed windows: a window restarts at the first event after it ended).
 */
@Injectable()
export class CallerLimits {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  /**
   * Counts a `get` and says whether it is admitted, with the caller's activity as the same
   * statement leaves it (the risk signals of the captcha's proof of work: no second read).
   */
  async admitGet(caller: CaptchaCaller): Promise<{ admission: GetAdmission; activity: CallerActivity }> {
    const keys = limitKeys(caller);
    const c = this.config.captcha;
    const rows = await preparedRows<{ key: string; gets: number; failures: number; locked: boolean }>(
      this.dataSource,
      // Counts lost in a database crash are harmless: the commit does not wait for the disk.
      `INSERT INTO captcha_limits AS l (key, get_window_start, gets)
       SELECT k, now(), 1 FROM (VALUES ($1::text), ($2::text)) AS v(k), (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
       ON CONFLICT (key) DO UPDATE SET
         gets = CASE WHEN l.get_window_start <= now() - make_interval(secs => $3) THEN 1 ELSE l.gets + 1 END,
         get_window_start = CASE WHEN l.get_window_start <= now() - make_interval(secs => $3) THEN now() ELSE l.get_window_start END
       RETURNING key, gets,
                 CASE WHEN fail_window_start > now() - make_interval(secs => $4) THEN failures ELSE 0 END AS failures,
                 COALESCE(locked_until > now(), false) AS locked`,
      [keys.fingerprint, keys.ip, c.getWindowSeconds, c.failWindowSeconds],
    );
    const activity = activityOf(rows, keys);
    if (rows.some((r) => r.locked)) return { admission: 'LOCKED_OUT', activity };
    for (const row of rows) {
      const limit = row.key === keys.fingerprint ? c.getLimitPerFingerprint : c.getLimitPerIp;
      if (row.gets > limit) return { admission: 'RATE_LIMITED', activity };
    }
    return { admission: 'ok', activity };
  }

  async lockedOut(caller: CaptchaCaller): Promise<boolean> {
    const keys = limitKeys(caller);
    const rows = await preparedRows<{ locked: boolean | null }>(
      this.dataSource,
      `SELECT bool_or(locked_until > now()) AS locked FROM captcha_limits WHERE key IN ($1, $2)`,
      [keys.fingerprint, keys.ip],
    );
    return rows[0]?.locked === true;
  }

  /** Gets within the get window and failures within the fail window, per device and per address (the larger). */
  async activity(caller: CaptchaCaller): Promise<CallerActivity> {
    const keys = limitKeys(caller);
    const c = this.config.captcha;
    const rows = await preparedRows<{ key: string; gets: number; failures: number }>(
      this.dataSource,
      `SELECT key,
              CASE WHEN get_window_start > now() - make_interval(secs => $3) THEN gets ELSE 0 END AS gets,
              CASE WHEN fail_window_start > now() - make_interval(secs => $4) THEN failures ELSE 0 END AS failures
         FROM captcha_limits WHERE key IN ($1, $2)`,
      [keys.fingerprint, keys.ip, c.getWindowSeconds, c.failWindowSeconds],
    );
    return activityOf(rows, keys);
  }

  /** Counts a failed check; returns true when this failure locked the caller out. */
  async recordFailure(caller: CaptchaCaller): Promise<boolean> {
    const keys = limitKeys(caller);
    const c = this.config.captcha;
    const rows = await preparedRows<{ locked: boolean }>(
      this.dataSource,
      `INSERT INTO captcha_limits AS l (key, fail_window_start, failures, locked_until)
         VALUES ($1, now(), 1, CASE WHEN 1 >= $3 THEN now() + make_interval(secs => $6) END),
                ($2, now(), 1, CASE WHEN 1 >= $4 THEN now() + make_interval(secs => $6) END)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN l.fail_window_start <= now() - make_interval(secs => $5) THEN 1 ELSE l.failures + 1 END,
         fail_window_start = CASE WHEN l.fail_window_start <= now() - make_interval(secs => $5) THEN now() ELSE l.fail_window_start END,
         locked_until = CASE
           WHEN (CASE WHEN l.fail_window_start <= now() - make_interval(secs => $5) THEN 1 ELSE l.failures + 1 END)
                >= (CASE WHEN l.key = $1 THEN $3 ELSE $4 END)
           THEN now() + make_interval(secs => $6) ELSE l.locked_until END
       RETURNING COALESCE(locked_until > now(), false) AS locked`,
      [keys.fingerprint, keys.ip, c.failLimitPerFingerprint, c.failLimitPerIp, c.failWindowSeconds, c.lockoutSeconds],
    );
    return rows.some((r) => r.locked);
  }

  /** Forgets counters that no window or lock-out needs any more. */
  async sweep(): Promise<void> {
    const c = this.config.captcha;
    const keep = Math.max(c.getWindowSeconds, c.failWindowSeconds);
    await this.dataSource.query(
      `DELETE FROM captcha_limits WHERE get_window_start < now() - make_interval(secs => $1)
         AND fail_window_start < now() - make_interval(secs => $1) AND (locked_until IS NULL OR locked_until < now())`,
      [keep],
    );
  }
}
