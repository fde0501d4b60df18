import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Exchanges, type SdkLanguage, type SmsType } from '#libs/contracts';
import type { OutboxRow } from '#libs/messaging';
import { preparedRows } from '#libs/persistence';
import type { DeliveryReceipt } from '../providers/sms-provider.js';

/**
 * How long a worker's hold on a message it is submitting lasts without renewal. The holder
 * renews it every SUBMIT_LEASE_RENEW_SECONDS for as long as it works on the message (queued at
 * the SMS centre's window, throttled, recording), so two workers never submit one message at
 * once; after a crash another worker takes the message over once the lease ran out.
 */
export const SUBMIT_LEASE_SECONDS = 90;
export const SUBMIT_LEASE_RENEW_SECONDS = 30;

export interface ClaimedMessage {
  mobile: string;
  type: SmsType;
  lang: SdkLanguage;
  codeSealed: string | null;
  codeExpired: boolean;
  ttlSeconds: number;
  signature: string;
  submitAttempts: number;
  /** When the gateway accepted the message (for the acceptance-to-submit latency metric). */
  acceptedAt?: Date;
}

export type Claim =
  | { outcome: 'claimed'; message: ClaimedMessage }
  /** Already submitted or final: a duplicate command. */
  | { outcome: 'done' }
  /** Another worker is submitting it right now. */
  | { outcome: 'leased' }
  | { outcome: 'unknown' };

/**
 * sms_messages as the worker sees it. Every status change goes through the database functions
 * of the SMS migration, which write the notification into the outbox in the same transaction;
 * each method returns those outbox rows for the caller to dispatch.
 */
@Injectable()
export class SmsMessagesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Takes the message for `owner` (a token of this one attempt) if nobody holds it. */
  async claim(messageId: string, owner: string): Promise<Claim> {
    const rows = await preparedRows<{
      mobile: string; type: SmsType; lang: SdkLanguage; code_sealed: string | null; code_expired: boolean;
      ttl_seconds: number; signature: string; submit_attempts: number; created_at: Date;
    }>(this.dataSource,
      // The claim's commit does not wait for the disk: a lease lost in a database crash only
      // lets another worker take the message over sooner (its status is what prevents a resend).
      `WITH no_flush AS (SELECT set_config('synchronous_commit', 'off', true))
       UPDATE sms_messages m SET submit_lease_until = now() + make_interval(secs => $2), submit_lease_owner = $3,
              submit_attempts = m.submit_attempts + 1, updated_at = now()
         FROM apps a, no_flush
        WHERE m.id = $1 AND a.id = m.app_id AND m.status = 'accepted' AND (m.submit_lease_until IS NULL OR m.submit_lease_until < now())
       RETURNING m.mobile, m.type, m.lang, m.code_sealed, m.code_expires_at <= now() AS code_expired,
                 round(extract(epoch FROM m.code_expires_at - m.created_at))::int AS ttl_seconds,
                 COALESCE(NULLIF(a.signature, ''), a.name) AS signature, m.submit_attempts, m.created_at`,
      [messageId, SUBMIT_LEASE_SECONDS, owner],
    );
    const row = rows[0];
    if (row) {
      return {
        outcome: 'claimed',
        message: {
          mobile: row.mobile, type: row.type, lang: row.lang, codeSealed: row.code_sealed, codeExpired: row.code_expired,
          ttlSeconds: row.ttl_seconds, signature: row.signature, submitAttempts: row.submit_attempts, acceptedAt: row.created_at,
        },
      };
    }
    const state = await preparedRows<{ status: string; leased: boolean }>(this.dataSource,
      `SELECT status, COALESCE(submit_lease_until >= now(), false) AS leased FROM sms_messages WHERE id = $1`, [messageId]);
    if (!state[0]) return { outcome: 'unknown' };
    return state[0].status === 'accepted' && state[0].leased ? { outcome: 'leased' } : { outcome: 'done' };
  }

  /** Extends `owner`'s hold; false when it no longer holds the message (released, taken over, or done). */
  async renew(messageId: string, owner: string): Promise<boolean> {
    const rows = await preparedRows(this.dataSource,
      `UPDATE sms_messages SET submit_lease_until = now() + make_interval(secs => $3)
        WHERE id = $1 AND submit_lease_owner = $2 AND submit_lease_until IS NOT NULL AND status = 'accepted' RETURNING 1`, [messageId, owner, SUBMIT_LEASE_SECONDS]);
    return rows.length === 1;
  }

  /** Gives a claimed message back (a transient failure): the next delivery of its command may take it at once. */
  async release(messageId: string, owner: string): Promise<void> {
    await preparedRows(this.dataSource,
      `UPDATE sms_messages SET submit_lease_until = NULL, submit_lease_owner = NULL WHERE id = $1 AND submit_lease_owner = $2 AND status = 'accepted'`, [messageId, owner]);
  }

  submitted(messageId: string, provider: string, providerIds: string[]): Promise<OutboxRow[]> {
    return preparedRows<OutboxRow>(this.dataSource, `SELECT * FROM verigate_sms_submitted($1, $2, $3, $4)`,
      [messageId, provider, providerIds, Exchanges.smsEvents]);
  }

  failed(messageId: string, reason: string): Promise<OutboxRow[]> {
    return preparedRows<OutboxRow>(this.dataSource, `SELECT * FROM verigate_sms_set_status($1, 'failed', ARRAY['accepted'], $2, $3)`,
      [messageId, reason.slice(0, 500), Exchanges.smsEvents]);
  }

  receipt(provider: string, receipt: DeliveryReceipt): Promise<OutboxRow[]> {
    return preparedRows<OutboxRow>(this.dataSource, `SELECT * FROM verigate_sms_receipt($1, $2, $3, $4, $5, $6)`,
      [provider, receipt.providerId, receipt.status, receipt.doneAt, receipt.errorCode, Exchanges.smsEvents]);
  }

  /**
   * Fails messages still `accepted` a minute after their code expired and held by nobody: their
   * command was dead-lettered or lost to an operator's purge. Their sealed code is wiped with it.
   */
  failExpired(): Promise<OutboxRow[]> {
    return preparedRows<OutboxRow>(this.dataSource,
      `SELECT o.* FROM (SELECT id FROM sms_messages
                          WHERE status = 'accepted' AND code_expires_at < now() - interval '1 minute'
                            AND (submit_lease_until IS NULL OR submit_lease_until < now())
                          ORDER BY code_expires_at LIMIT 500) stale,
              LATERAL verigate_sms_set_status(stale.id, 'failed', ARRAY['accepted'], 'the code expired before the message could be submitted', $1) o`,
      [Exchanges.smsEvents]);
  }

  /** Forgets receipts that matched no submission within a day (ids of other systems, or lost records). */
  async sweepReceipts(): Promise<void> {
    await this.dataSource.query(`DELETE FROM sms_receipts WHERE received_at < now() - interval '1 day'`);
  }
}
