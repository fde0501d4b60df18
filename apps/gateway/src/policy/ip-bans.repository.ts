import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * ip_bans: address buckets (IPv4 addresses, IPv6 /64s) banned after repeated authentication
 * failures, which are counted in rate_counters (`auth-failure:<bucket>`). Gateway only.
 */
@Injectable()
export class IpBansRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Buckets banned now (as inet text). */
  active(): Promise<Array<{ ip: string }>> {
    return this.dataSource.query(`SELECT ip::text AS ip FROM ip_bans WHERE banned_until > now()`);
  }

  /**
   * Counts an authentication failure of `bucket` (verigate_auth_failure); true when it was banned
   * now. The commit does not wait for the disk (a lost count is harmless).
   */
  async recordAuthFailure(
    bucket: string,
    failuresBeforeBan: number,
    windowSeconds: number,
    banSeconds: number,
  ): Promise<boolean> {
    const [row] = (await this.dataSource.query(
      `SELECT set_config('synchronous_commit', 'off', true), verigate_auth_failure($1::inet, $2, $3, $4) AS banned`,
      [bucket, failuresBeforeBan, windowSeconds, banSeconds],
    )) as Array<{ banned: boolean }>;
    return row?.banned === true;
  }

  /** Bans in force, for operators, latest ending first. */
  list(): Promise<unknown> {
    return this.dataSource.query(
      `SELECT abbrev(ip) AS ip, banned_until AS "bannedUntil", reason FROM ip_bans WHERE banned_until > now() ORDER BY banned_until DESC`,
    );
  }

  /** Lifts the bucket's ban and forgets its failures, in one statement; false when it was not banned. */
  async lift(bucket: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH lifted AS (DELETE FROM ip_bans WHERE ip = $1::inet AND banned_until > now() RETURNING 1),
            forgotten AS (DELETE FROM rate_counters WHERE key = 'auth-failure:' || host($1::inet))
       SELECT 1 FROM lifted`,
      [bucket],
    );
    return rows.length > 0;
  }
}
