import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  Exchanges,
  normaliseSmsType,
  RoutingKeys,
  SMS_STATUSES,
  type SdkLanguage,
  type SendSmsCommand,
  type SmsErrorCode,
  type SmsType,
} from '#libs/contracts';
import { outboxHeaders, outboxInsertFrom, type OutboxRow } from '#libs/messaging';
import { preparedRows, queryRows } from '../query-rows.js';
import { READ_DATA_SOURCE } from '../read-data-source.js';
import { openRowCursor, type RowCursor } from './row-cursor.js';
import { addBefore, cursorTimeSql, InvalidFilterValue, SqlFilter } from './sql-filter.js';
import {
  SMS_COLUMNS,
  type SmsAcceptance,
  type SmsFilter,
  type SmsPart,
  type SmsRow,
  type SmsVerification,
} from './sms-message-rows.js';

/** A provider's delivery receipt of one segment, as the SMS worker's providers report it. */
export interface DeliveryReceiptRecord {
  providerId: string;
  status: string;
  doneAt: Date | null;
  errorCode: string | null;
}

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The segments of each message, in order, as one JSON array (times in ISO 8601 UTC like the message's). */
const PARTS_SQL = `COALESCE((SELECT json_agg(json_build_object('providerId', p.provider_id, 'partNo', p.part_no, 'status', p.status,
    'doneAt', to_char(p.done_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'errorCode', p.error_code) ORDER BY p.part_no)
  FROM sms_message_parts p WHERE p.message_id = m.id), '[]'::json) AS parts`;

function smsWhere(filter: SmsFilter): SqlFilter {
  const where = new SqlFilter();
  if (filter.appKey) where.add('m.app_key = ?', filter.appKey);
  if (filter.mobile) where.add('m.mobile = ?', filter.mobile);
  if (filter.messageId) {
    if (!UUID.test(filter.messageId)) throw new InvalidFilterValue('messageId', 'a message id (UUID)');
    where.add('m.id = ?::uuid', filter.messageId);
  }
  if (filter.status) {
    if (!(SMS_STATUSES as readonly string[]).includes(filter.status))
      throw new InvalidFilterValue('status', `one of ${SMS_STATUSES.join(', ')}`);
    where.add('m.status = ?', filter.status);
  }
  if (filter.type) {
    const type = normaliseSmsType(filter.type);
    if (!type) throw new InvalidFilterValue('type', 'an SMS type such as LOGIN_SMS');
    where.add('m.type = ?', type);
  }
  where.addTimeRange('m.created_at', filter.from, filter.to);
  return where;
}

/**
 * sms_messages: the gateway's accepting and verifying statements, the worker's claims and status
 * changes, the operators' listings. Every status change goes through the database functions
 * of the SMS migration, which write the notification into the outbox in the same transaction;
 * each method returns those outbox rows for the caller to dispatch.
 */
@Injectable()
export class SmsMessagesRepository {
  constructor(
    private readonly dataSource: DataSource,
    /** The operators' listing, lookup and export (page, get, exportCursor): the replica when configured. */
    @Inject(READ_DATA_SOURCE) private readonly readDataSource: DataSource,
  ) {}

  /**
   * The gateway's accepting statement, one round trip: the captcha credential is consumed, the
   * cool-down, caps, daily budget and prefix velocity are checked (verigate_admit_sms), the
   * message is stored and its send command goes into the outbox. One row either way: the outbox
   * row of the accepted send, or the refusal (the credential stays consumed).
   */
  accept(a: SmsAcceptance): Promise<Array<Partial<OutboxRow> & { refusal: SmsErrorCode | null }>> {
    const command: SendSmsCommand = { messageId: a.messageId };
    return preparedRows<Partial<OutboxRow> & { refusal: SmsErrorCode | null }>(
      this.dataSource,
      `WITH admitted AS (
         SELECT * FROM verigate_admit_sms($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $23, $24, $25, $26)
       ), message AS (
         INSERT INTO sms_messages (id, app_id, app_key, mobile, type, lang, code_hash, code_sealed, code_expires_at,
                                   max_verify_attempts, captcha_token, fingerprint, client_ip, created_at, updated_at)
         SELECT $13, $1, $2, $3, $4, $14, $15, $16, admitted.admitted_at + make_interval(secs => $17), $18, admitted.captcha_token,
                $5, $6, admitted.admitted_at, admitted.admitted_at
           FROM admitted WHERE admitted.refusal IS NULL
         RETURNING id
       ), outboxed AS (
         ${outboxInsertFrom('SELECT $19, $20, message.id::text, $21::json FROM message', '$22')}
       )
       SELECT o.*, admitted.refusal FROM admitted LEFT JOIN outboxed o ON true`,
      [
        a.appId,
        a.appKey,
        a.mobile,
        a.type,
        a.fingerprint,
        a.addressBucket,
        a.credentialHash,
        a.resendCooldownSeconds,
        a.perMobilePerHour,
        a.perMobilePerDay,
        a.perDevicePerHour,
        a.perIpPerHour,
        a.messageId,
        a.lang,
        a.codeHash,
        a.codeSealed,
        a.codeTtlSeconds,
        a.verifyAttempts,
        Exchanges.commands,
        RoutingKeys.sendSms,
        JSON.stringify(command),
        outboxHeaders(),
        a.dailyBudget,
        a.velocityPrefix,
        a.velocityMultiple,
        a.velocityFloor,
      ],
    );
  }

  /**
   * The gateway's verifying statement: the caller's verify budget per device and per IP (fixed
   * hourly windows; over it, nothing is compared) and the comparison against the newest code sent
   * to (mobile, type): right once; wrong ones count until the code is dead.
   */
  verify(v: SmsVerification): Promise<Array<{ outcome: 'OK' | SmsErrorCode }>> {
    return preparedRows<{ outcome: 'OK' | SmsErrorCode }>(
      this.dataSource,
      `WITH allowed AS (SELECT verigate_take_counters($5, $6, $7, $8))
       SELECT verigate_verify_sms_code($1, $2, $3, $4) AS outcome FROM allowed`,
      [
        v.appId,
        v.mobile,
        v.type,
        v.codeHash,
        [`sms-verify-device:${v.appId}:${v.fingerprint}`, `sms-verify-ip:${v.appId}:${v.addressBucket}`],
        [v.perDeviceHour, v.perIpHour],
        [3600, 3600],
        [v.refusal, v.refusal],
      ],
    );
  }

  /** Operators: a page of messages with their segments, newest first (keyset paging on created_at, id). */
  page(
    filter: SmsFilter,
    before: string | undefined,
    take: number,
  ): Promise<Array<SmsRow & { parts: SmsPart[]; cursor_time: string }>> {
    const where = smsWhere(filter);
    addBefore(where, before, 'm.created_at', 'm.id');
    return queryRows<SmsRow & { parts: SmsPart[]; cursor_time: string }>(
      this.readDataSource,
      `SELECT ${SMS_COLUMNS}, ${PARTS_SQL}, ${cursorTimeSql('m.created_at')} AS cursor_time
         FROM sms_messages m ${where.where} ORDER BY m.created_at DESC, m.id DESC LIMIT ${where.param(take)}`,
      where.params,
    );
  }

  /** Operators: every matching message, oldest first, from a server-side cursor (see openRowCursor). */
  exportCursor(
    filter: SmsFilter,
    options: { timeoutSeconds: number; onConnectionError: (error: Error) => void },
  ): Promise<RowCursor> {
    const where = smsWhere(filter);
    return openRowCursor(this.readDataSource, {
      sql: `SELECT ${SMS_COLUMNS} FROM sms_messages m ${where.where} ORDER BY m.created_at, m.id`,
      params: where.params,
      ...options,
    });
  }

  /** Operators: one message with its segments; null when there is none (or the id is no UUID). */
  async get(messageId: string): Promise<(SmsRow & { parts: SmsPart[] }) | null> {
    if (!UUID.test(messageId)) return null;
    const [row] = await queryRows<SmsRow & { parts: SmsPart[] }>(
      this.readDataSource,
      `SELECT ${SMS_COLUMNS}, ${PARTS_SQL} FROM sms_messages m WHERE m.id = $1`,
      [messageId],
    );
    return row ?? null;
  }

  /** Takes the message for `owner` (a token of this one attempt) if nobody holds it. */
  async claim(messageId: string, owner: string): Promise<Claim> {
    const rows = await preparedRows<{
      mobile: string;
      type: SmsType;
      lang: SdkLanguage;
      code_sealed: string | null;
      code_expired: boolean;
      ttl_seconds: number;
      signature: string;
      submit_attempts: number;
      created_at: Date;
    }>(
      this.dataSource,
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
          mobile: row.mobile,
          type: row.type,
          lang: row.lang,
          codeSealed: row.code_sealed,
          codeExpired: row.code_expired,
          ttlSeconds: row.ttl_seconds,
          signature: row.signature,
          submitAttempts: row.submit_attempts,
          acceptedAt: row.created_at,
        },
      };
    }
    const state = await preparedRows<{ status: string; leased: boolean }>(
      this.dataSource,
      `SELECT status, COALESCE(submit_lease_until >= now(), false) AS leased FROM sms_messages WHERE id = $1`,
      [messageId],
    );
    if (!state[0]) return { outcome: 'unknown' };
    return state[0].status === 'accepted' && state[0].leased ? { outcome: 'leased' } : { outcome: 'done' };
  }

  /** Extends `owner`'s hold; false when it no longer holds the message (released, taken over, or done). */
  async renew(messageId: string, owner: string): Promise<boolean> {
    const rows = await preparedRows(
      this.dataSource,
      `UPDATE sms_messages SET submit_lease_until = now() + make_interval(secs => $3)
        WHERE id = $1 AND submit_lease_owner = $2 AND submit_lease_until IS NOT NULL AND status = 'accepted' RETURNING 1`,
      [messageId, owner, SUBMIT_LEASE_SECONDS],
    );
    return rows.length === 1;
  }

  /** Gives a claimed message back (a transient failure): the next delivery of its command may take it at once. */
  async release(messageId: string, owner: string): Promise<void> {
    await preparedRows(
      this.dataSource,
      `UPDATE sms_messages SET submit_lease_until = NULL, submit_lease_owner = NULL WHERE id = $1 AND submit_lease_owner = $2 AND status = 'accepted'`,
      [messageId, owner],
    );
  }

  submitted(messageId: string, provider: string, providerIds: string[]): Promise<OutboxRow[]> {
    return preparedRows<OutboxRow>(this.dataSource, `SELECT * FROM verigate_sms_submitted($1, $2, $3, $4)`, [
      messageId,
      provider,
      providerIds,
      Exchanges.smsEvents,
    ]);
  }

  failed(messageId: string, reason: string): Promise<OutboxRow[]> {
    return preparedRows<OutboxRow>(
      this.dataSource,
      `SELECT * FROM verigate_sms_set_status($1, 'failed', ARRAY['accepted'], $2, $3)`,
      [messageId, reason.slice(0, 500), Exchanges.smsEvents],
    );
  }

  receipt(provider: string, receipt: DeliveryReceiptRecord): Promise<OutboxRow[]> {
    return preparedRows<OutboxRow>(this.dataSource, `SELECT * FROM verigate_sms_receipt($1, $2, $3, $4, $5, $6)`, [
      provider,
      receipt.providerId,
      receipt.status,
      receipt.doneAt,
      receipt.errorCode,
      Exchanges.smsEvents,
    ]);
  }

  /**
   * Fails messages still `accepted` a minute after their code expired and held by nobody: their
   * command was dead-lettered or lost to an operator's purge. Their sealed code is wiped with it.
   */
  failExpired(): Promise<OutboxRow[]> {
    return preparedRows<OutboxRow>(
      this.dataSource,
      `SELECT o.* FROM (SELECT id FROM sms_messages
                          WHERE status = 'accepted' AND code_expires_at < now() - interval '1 minute'
                            AND (submit_lease_until IS NULL OR submit_lease_until < now())
                          ORDER BY code_expires_at LIMIT 500) stale,
              LATERAL verigate_sms_set_status(stale.id, 'failed', ARRAY['accepted'], 'the code expired before the message could be submitted', $1) o`,
      [Exchanges.smsEvents],
    );
  }

  /** Forgets receipts that matched no submission within a day (ids of other systems, or lost records). */
  async sweepReceipts(): Promise<void> {
    await this.dataSource.query(`DELETE FROM sms_receipts WHERE received_at < now() - interval '1 day'`);
  }
}
