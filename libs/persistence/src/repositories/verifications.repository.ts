import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Exchanges, type DeliveryChannel, type VerificationChannel, type VerificationLocale } from '#libs/contracts';
import { outboxHeaders, type OutboxRow } from '#libs/messaging';
import { preparedRows, queryRows } from '../query-rows.js';

/** A request's AKSK nonce, recorded with the request's effect (a replay violates its key: SQLSTATE 23505 on auth_nonces_pkey). */
export interface RequestNonce {
  appKey: string;
  nonce: string;
  expiresAt: Date;
}

/** What the gateway records when it accepts a verification (see `VerificationsRepository.accept`). */
export interface VerificationAcceptance {
  verificationId: string;
  appId: string;
  appKey: string;
  nonce: { nonce: string; expiresAt: Date };
  /** E.164 (`+8613800138000`). */
  destination: string;
  /** The SMS leg's mobile as the sms worker sends it (national form when the country code is the SMPP prefix's). */
  smsMobile: string;
  requestedChannel: VerificationChannel;
  firstChannel: DeliveryChannel;
  locale: VerificationLocale;
  codeHash: string;
  codeSealed: string;
  ttlSeconds: number;
  maxAttempts: number;
  displayNbr: string | null;
  fallbackSeconds: number;
  /** The consumed captcha credential's hash; null when the request carried none. */
  credentialHash: string | null;
  clientIp: string;
  /** The fraud guard: the destination's prefix (null: the guard is off) and its thresholds. */
  prefix: string | null;
  windowSeconds: number;
  minSends: number;
  minApprovalRate: number;
  callTimes: number;
}

/** The accepting statement's answer: the rows to dispatch, or the fraud guard's refusal with the prefix's figures. */
export type VerificationAdmission =
  | { accepted: true; outbox: OutboxRow[] }
  | { accepted: false; refusal: string; newlyBlocked: boolean; sends: number; approvals: number };

type FunctionRow = {
  refusal?: string | null;
  newly_blocked?: boolean;
  prefix_sends?: number | null;
  prefix_approvals?: number | null;
  outcome?: string;
  kind?: string;
} & Partial<OutboxRow>;

const OUTBOX_COLUMNS = `o_id AS id, o_exchange AS exchange, o_routing_key AS routing_key, o_message_id AS message_id,
  o_payload AS payload, o_headers AS headers`;

function outboxOf(rows: FunctionRow[]): OutboxRow[] {
  return rows.filter((row) => row.id !== null && row.id !== undefined) as OutboxRow[];
}

/**
 * verifications (docs/verifications.md): the gateway's accepting, checking and resending
 * statements and the sms worker's sweep (fallback calls, failures, expiries). Each is one database
 * function call (../sql/functions/verigate_*_verification*.sql), atomic on its own, that writes
 * its commands and webhook events into the outbox; each method returns those rows to dispatch.
 */
@Injectable()
export class VerificationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async accept(a: VerificationAcceptance): Promise<VerificationAdmission> {
    const rows = await preparedRows<FunctionRow>(
      this.dataSource,
      `SELECT refusal, newly_blocked, prefix_sends, prefix_approvals, ${OUTBOX_COLUMNS}
         FROM verigate_accept_verification($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                                           $18, $19, $20, $21, $22, $23, $24, $25, $26)`,
      [
        a.verificationId,
        a.appId,
        a.appKey,
        a.nonce.nonce,
        a.nonce.expiresAt,
        a.destination,
        a.smsMobile,
        a.requestedChannel,
        a.firstChannel,
        a.locale,
        a.codeHash,
        a.codeSealed,
        a.ttlSeconds,
        a.maxAttempts,
        a.displayNbr,
        a.fallbackSeconds,
        a.credentialHash,
        a.clientIp,
        a.prefix,
        a.windowSeconds,
        a.minSends,
        a.minApprovalRate,
        a.callTimes,
        Exchanges.commands,
        Exchanges.smsEvents,
        outboxHeaders(),
      ],
    );
    const refused = rows.find((row) => row.refusal);
    if (refused)
      return {
        accepted: false,
        refusal: refused.refusal!,
        newlyBlocked: refused.newly_blocked === true,
        sends: refused.prefix_sends ?? 0,
        approvals: refused.prefix_approvals ?? 0,
      };
    return { accepted: true, outbox: outboxOf(rows) };
  }

  /** `approved` once for the right code of a pending verification of the app; `denied` otherwise (no oracle). */
  async check(
    verificationId: string,
    appId: string,
    codeHash: string,
    nonce: RequestNonce,
  ): Promise<{ outcome: 'approved' | 'denied'; outbox: OutboxRow[] }> {
    const rows = await preparedRows<FunctionRow>(
      this.dataSource,
      `SELECT outcome, ${OUTBOX_COLUMNS} FROM verigate_check_verification($1, $2, $3, $4, $5, $6, $7)`,
      [verificationId, appId, codeHash, Exchanges.smsEvents, nonce.appKey, nonce.nonce, nonce.expiresAt],
    );
    return { outcome: rows[0]?.outcome === 'approved' ? 'approved' : 'denied', outbox: outboxOf(rows) };
  }

  /** The same code again on `channel` (refusals raise SQLSTATE VG001 with the result-code key). */
  async resend(r: {
    verificationId: string;
    appId: string;
    channel: DeliveryChannel;
    smsMobile: string;
    maxResends: number;
    callTimes: number;
    nonce: RequestNonce;
  }): Promise<OutboxRow[]> {
    const rows = await preparedRows<FunctionRow>(
      this.dataSource,
      `SELECT ${OUTBOX_COLUMNS} FROM verigate_resend_verification($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        r.verificationId,
        r.appId,
        r.channel,
        r.smsMobile,
        r.maxResends,
        r.callTimes,
        Exchanges.commands,
        Exchanges.smsEvents,
        outboxHeaders(),
        r.nonce.appKey,
        r.nonce.nonce,
        r.nonce.expiresAt,
      ],
    );
    return outboxOf(rows);
  }

  /** What a verification is now (the gateway's answer to a resend). */
  async find(
    verificationId: string,
    appId: string,
  ): Promise<{ id: string; status: string; channel: DeliveryChannel; destination: string; expires_at: Date } | null> {
    const [row] = await queryRows<{
      id: string;
      status: string;
      channel: DeliveryChannel;
      destination: string;
      expires_at: Date;
    }>(
      this.dataSource,
      `SELECT id, status, channel, destination, expires_at FROM verifications WHERE id = $1 AND app_id = $2`,
      [verificationId, appId],
    );
    return row ?? null;
  }

  /** The sms worker's sweep (verigate_sweep_verifications): fallback calls due, SMS failures, expiries. */
  async sweep(batch: number, callTimes: number): Promise<Array<OutboxRow & { kind: string }>> {
    const rows = await preparedRows<FunctionRow>(
      this.dataSource,
      `SELECT kind, ${OUTBOX_COLUMNS} FROM verigate_sweep_verifications($1, $2, $3, $4)`,
      [batch, callTimes, Exchanges.commands, Exchanges.smsEvents],
    );
    return outboxOf(rows) as Array<OutboxRow & { kind: string }>;
  }

  /** Forgets the fraud guard's minutes that left every window (older than `windowSeconds`). */
  async forgetOldPrefixMinutes(windowSeconds: number): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM verification_prefix_minutes WHERE minute < now() - make_interval(secs => $1) - interval '1 minute'`,
      [windowSeconds],
    );
  }
}
