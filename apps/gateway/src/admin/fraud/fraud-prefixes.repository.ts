import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '#libs/persistence';

export interface FraudPrefixView {
  /** `+` and the prefix's digits (country code and the next ones). */
  prefix: string;
  blockedAt: string;
  /** Sends and approvals in the window when the prefix was blocked. */
  sends: number;
  approvals: number;
  reason: string;
  liftedAt: string | null;
  /** Sends and approvals in the sliding window now. */
  windowSends: number;
  windowApprovals: number;
}

/**
 * verification_prefix_blocks and the window's minutes, for operators (gateway only): the prefixes
 * the fraud guard blocked, with their figures and why, and the lift.
 */
@Injectable()
export class FraudPrefixesRepository {
  constructor(private readonly dataSource: DataSource) {}

  list(windowSeconds: number, includeLifted: boolean): Promise<FraudPrefixView[]> {
    return queryRows<FraudPrefixView>(
      this.dataSource,
      `SELECT '+' || b.prefix AS prefix, b.blocked_at AS "blockedAt", b.sends, b.approvals, b.reason, b.lifted_at AS "liftedAt",
              COALESCE(w.sends, 0)::int AS "windowSends", COALESCE(w.approvals, 0)::int AS "windowApprovals"
         FROM verification_prefix_blocks b
         LEFT JOIN LATERAL (SELECT sum(m.sends) AS sends, sum(m.approvals) AS approvals FROM verification_prefix_minutes m
                             WHERE m.prefix = b.prefix AND m.minute > date_trunc('minute', now() - make_interval(secs => $1))) w ON true
        WHERE $2 OR b.lifted_at IS NULL
        ORDER BY b.blocked_at DESC LIMIT 1000`,
      [windowSeconds, includeLifted],
    );
  }

  /**
   * Lifts a block, in one statement: sends to the prefix are accepted again, and the window's
   * figures so far are forgotten (they would block it again at once). False when it was not blocked.
   */
  async lift(prefix: string): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource,
      `WITH lifted AS (UPDATE verification_prefix_blocks SET lifted_at = now(), lifted_by = 'operator'
                        WHERE prefix = $1 AND lifted_at IS NULL RETURNING 1),
            forgotten AS (DELETE FROM verification_prefix_minutes WHERE prefix = $1 AND EXISTS (SELECT 1 FROM lifted))
       SELECT 1 FROM lifted`,
      [prefix],
    );
    return rows.length > 0;
  }
}
