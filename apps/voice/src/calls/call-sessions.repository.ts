import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import {
  buildFeeInfo, callOutcome, Exchanges, formatUtc, RoutingKeys,
  type CallEnding, type CallEventMessage, type CallEventType, type CallFeeMessage, type StatusInfo,
} from '#libs/contracts';
import { Outbox } from '#libs/messaging';
import { queryRows } from '#libs/persistence';
import { PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';

/** A claimed session: what the worker needs to place and report the call. */
export interface ClaimedCall {
  sessionId: string;
  appKey: string;
  displayNbr: string;
  calleeNbr: string;
  languageType: number;
  preTone: string;
  posTone: string | null;
  verifyCodeSealed: string | null;
  times: number;
  statusUrl: string | null;
  feeUrl: string | null;
  userData: string | null;
  icid: string;
  startedAt: Date;
  alertingAt: Date | null;
  answeredAt: Date | null;
}

export type ClaimResult =
  | { outcome: 'claimed'; call: ClaimedCall }
  | { outcome: 'already-handled' }
  | { outcome: 'unknown-session' };

const SESSION_COLUMNS = `id, app_key, display_nbr, callee_nbr, language_type, pre_tone, pos_tone, verify_code_sealed,
  times, status_url, fee_url, user_data, icid, started_at, alerting_at, answered_at`;

/** Every database effect of a call, each in one transaction with the messages it produces. */
@Injectable()
export class CallSessionsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  /**
   * Takes an accepted session for this worker and records `callout`, atomically. A session that
   * is no longer `accepted` was already taken (a redelivered command): the caller skips it, so a
   * call is never placed twice.
   */
  async claim(sessionId: string, workerId: string): Promise<ClaimResult> {
    const icid = randomUUID();
    let rows: Array<{ dispatch: () => Promise<void>; call: ClaimedCall }> = [];
    await this.dataSource.transaction(async (manager) => {
      const claimed = await queryRows(manager,
        `UPDATE call_sessions SET state = 'calling', worker_id = $2, icid = $3, started_at = clock_timestamp()
          WHERE id = $1 AND state = 'accepted' RETURNING ${SESSION_COLUMNS}`,
        [sessionId, workerId, icid],
      );
      if (claimed.length === 0) return;
      const call = toClaimedCall(claimed[0]!);
      const outboxRows = await this.appendEvent(manager, call, 'callout', call.startedAt);
      rows = [{ call, dispatch: () => this.outbox.dispatch(outboxRows) }];
    });
    if (rows.length === 1) {
      void rows[0]!.dispatch();
      return { outcome: 'claimed', call: rows[0]!.call };
    }
    const existing: unknown[] = await this.dataSource.query('SELECT 1 FROM call_sessions WHERE id = $1', [sessionId]);
    return existing.length ? { outcome: 'already-handled' } : { outcome: 'unknown-session' };
  }

  /** Records `alerting` or `answer`. */
  async progress(call: ClaimedCall, eventType: 'alerting' | 'answer'): Promise<void> {
    const column = eventType === 'alerting' ? 'alerting_at' : 'answered_at';
    const outboxRows = await this.dataSource.transaction(async (manager) => {
      const [row] = await queryRows<{ at: Date }>(manager,
        `UPDATE call_sessions SET ${column} = clock_timestamp() WHERE id = $1 AND state = 'calling' RETURNING ${column} AS at`,
        [call.sessionId],
      );
      if (!row) return [];
      if (eventType === 'alerting') call.alertingAt = row.at;
      else call.answeredAt = row.at;
      return this.appendEvent(manager, call, eventType, row.at);
    });
    void this.outbox.dispatch(outboxRows);
  }

  /**
   * Ends the call: the `disconnect` event, the CDR, the session's final state, and the
   * verification code wiped, all in one transaction. Idempotent (only a `calling` session ends).
   */
  async finish(call: ClaimedCall, ending: CallEnding): Promise<void> {
    const outcome = callOutcome(ending);
    const outboxRows = await this.dataSource.transaction(async (manager) => {
      const [row] = await queryRows<{ ended_at: Date }>(manager,
        `UPDATE call_sessions SET state = 'ended', ended_at = clock_timestamp(), state_code = $2, state_desc = $3,
                verify_code_sealed = NULL
          WHERE id = $1 AND state = 'calling' RETURNING ended_at`,
        [call.sessionId, outcome.stateCode, outcome.stateDesc],
      );
      if (!row) return [];
      const eventRows = await this.appendEvent(manager, call, 'disconnect', row.ended_at, {
        stateCode: outcome.stateCode,
        stateDesc: outcome.stateDesc,
      });
      const feeInfo = buildFeeInfo({
        sessionId: call.sessionId,
        appKey: call.appKey,
        spId: this.config.spId,
        icid: call.icid,
        displayNbr: call.displayNbr,
        calleeNbr: call.calleeNbr,
        userData: call.userData,
        hostName: this.config.hostName,
        startedAt: call.startedAt,
        alertingAt: call.alertingAt,
        answeredAt: call.answeredAt,
        endedAt: row.ended_at,
        ending,
      });
      const [cdr]: Array<{ id: string }> = await manager.query(
        `INSERT INTO cdrs (session_id, app_key, caller_num, callee_num, call_start, call_end, state_code, fee_info)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [call.sessionId, call.appKey, call.displayNbr, call.calleeNbr, call.startedAt, row.ended_at, outcome.stateCode, feeInfo],
      );
      const fee: CallFeeMessage = {
        cdrId: cdr!.id,
        sessionId: call.sessionId,
        appKey: call.appKey,
        feeUrl: call.feeUrl,
        body: { eventType: 'fee', feeLst: [feeInfo] },
      };
      const feeRows = await this.outbox.add(manager, [
        { exchange: Exchanges.callEvents, routingKey: RoutingKeys.callEvent('fee'), payload: fee, messageId: cdr!.id },
      ]);
      return [...eventRows, ...feeRows];
    });
    void this.outbox.dispatch(outboxRows);
  }

  /** Sessions still `calling` whose worker stopped heart-beating: their worker is gone. */
  async findOrphans(staleSeconds: number, limit = 100): Promise<ClaimedCall[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${SESSION_COLUMNS} FROM call_sessions s
        WHERE s.state = 'calling'
          AND NOT EXISTS (SELECT 1 FROM voice_workers w
                           WHERE w.id = s.worker_id AND w.heartbeat_at > now() - ($1::int * interval '1 second'))
        ORDER BY s.started_at LIMIT $2`,
      [staleSeconds, limit],
    );
    return rows.map(toClaimedCall);
  }

  private async appendEvent(
    manager: EntityManager,
    call: ClaimedCall,
    eventType: CallEventType,
    at: Date,
    extra: Pick<StatusInfo, 'stateCode' | 'stateDesc'> = {},
  ) {
    const statusInfo: StatusInfo = {
      sessionId: call.sessionId,
      timestamp: formatUtc(at),
      caller: call.displayNbr,
      called: call.calleeNbr,
      ...(call.userData ? { userData: call.userData } : {}),
      ...extra,
    };
    const body = { eventType, statusInfo };
    const [event]: Array<{ id: string; seq: number }> = await manager.query(
      `WITH next AS (UPDATE call_sessions SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq)
       INSERT INTO call_events (session_id, seq, event_type, body) SELECT $1, event_seq, $2, $3 FROM next RETURNING id, seq`,
      [call.sessionId, eventType, body],
    );
    const message: CallEventMessage = {
      eventId: event!.id,
      sessionId: call.sessionId,
      appKey: call.appKey,
      seq: event!.seq,
      eventType,
      statusUrl: call.statusUrl,
      body,
    };
    return this.outbox.add(manager, [
      { exchange: Exchanges.callEvents, routingKey: RoutingKeys.callEvent(eventType), payload: message, messageId: event!.id },
    ]);
  }
}

function toClaimedCall(row: Record<string, unknown>): ClaimedCall {
  return {
    sessionId: row.id as string,
    appKey: row.app_key as string,
    displayNbr: row.display_nbr as string,
    calleeNbr: row.callee_nbr as string,
    languageType: row.language_type as number,
    preTone: row.pre_tone as string,
    posTone: (row.pos_tone as string | null) ?? null,
    verifyCodeSealed: (row.verify_code_sealed as string | null) ?? null,
    times: row.times as number,
    statusUrl: (row.status_url as string | null) ?? null,
    feeUrl: (row.fee_url as string | null) ?? null,
    userData: (row.user_data as string | null) ?? null,
    icid: row.icid as string,
    startedAt: row.started_at as Date,
    alertingAt: (row.alerting_at as Date | null) ?? null,
    answeredAt: (row.answered_at as Date | null) ?? null,
  };
}
