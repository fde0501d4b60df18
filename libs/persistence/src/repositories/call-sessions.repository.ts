import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  buildFeeInfo,
  callOutcome,
  CALLEE_SIDE_FAILURE_STATE_CODES,
  Exchanges,
  formatUtc,
  RoutingKeys,
  VOICE_WORKER_STALE_SECONDS,
  type CallEnding,
  type CallEventMessage,
  type CallEventType,
  type CallFeeMessage,
  type PlaceCallCommand,
  type StatusInfo,
} from '#libs/contracts';
import { Outbox, outboxHeaders, outboxInsertFrom, type OutboxRow } from '#libs/messaging';
import { CallSessionEntity } from '../entities/index.js';
import { preparedRows, queryRows } from '../query-rows.js';
import { SESSION_COLUMNS, toClaimedCall, type ClaimedCall, type ClaimResult } from './claimed-call.js';
import { PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';

/** What the gateway records when it accepts a call request (see `CallSessionsRepository.accept`). */
export interface CallAcceptance {
  /** The request's nonce, remembered until its Created leaves the window (a replay violates its key). */
  nonce: { appKey: string; nonce: string; expiresAt: Date };
  sessionId: string;
  appId: string;
  displayNbr: string;
  requestedDisplayNbr: string;
  calleeNbr: string;
  languageType: number;
  preTone: string;
  posTone: string | null;
  verifyCodeSealed: string;
  times: number;
  statusUrl: string | null;
  feeUrl: string | null;
  userData: string | null;
  /** verigate_take_counters' arrays: keys, limits, windows (s), refusals. */
  counters: readonly [string[], number[], number[], string[]];
  appVoicePorts: number | null;
  /** Whether the platform's idle ports are counted exactly (serialised) rather than trusted from the cache. */
  exactPlatformCheck: boolean;
  abnormalCalleeFailures: number;
  abnormalCalleeWindowSeconds: number;
}

/** Session columns an event sets, with the state the session must be in for the event to apply. */
interface SessionChange {
  requiredState: 'accepted' | 'calling';
  set: Record<string, unknown>;
}

/**
 * Every database effect of a call. Each step is ONE statement (a chain of data-modifying CTEs,
 * atomic on its own): the session update, guarded by a compare-and-set on its state and event
 * seq; the call_events row; the outbox rows of the messages it produces. A step that finds the
 * session already moved on changes nothing, so replays and races are harmless.
 */
@Injectable()
export class CallSessionsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  /**
   * The gateway's accepting statement, one round trip: the callee's recent failures (a callee
   * whose calls keep failing on its side — no such number, no answer, busy, ring timeout,
   * rejected — is being pumped or harassed; the platform's own failures do not count), the
   * frequency caps and port limits (a refusal raises SQLSTATE VG001 and rolls everything back),
   * the nonce (a replay violates its key, likewise), the session and its place-call command
   * commit together or not at all. Returns the outbox rows to dispatch.
   */
  accept(a: CallAcceptance): Promise<OutboxRow[]> {
    const command: PlaceCallCommand = { sessionId: a.sessionId };
    return preparedRows<OutboxRow>(
      this.dataSource,
      `WITH admitted AS (
         SELECT verigate_check_callee($8, $27, $28, $29) AND verigate_take_counters($20, $21, $22, $23)
                AND verigate_take_voice_port($5, $24, $25, $26) AS ok
       ), nonce AS (
         INSERT INTO auth_nonces (app_key, nonce, expires_at) SELECT $1, $2, $3 FROM admitted WHERE ok RETURNING 1
       ), session AS (
         INSERT INTO call_sessions (id, app_id, app_key, display_nbr, requested_display_nbr, callee_nbr, language_type,
                                    pre_tone, pos_tone, verify_code_sealed, times, status_url, fee_url, user_data)
         SELECT $4, $5, $1, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16 FROM nonce
         RETURNING id
       )
       ${outboxInsertFrom('SELECT $17, $18, session.id, $19::json FROM session', '$30')}`,
      [
        a.nonce.appKey,
        a.nonce.nonce,
        a.nonce.expiresAt,
        a.sessionId,
        a.appId,
        a.displayNbr,
        a.requestedDisplayNbr,
        a.calleeNbr,
        a.languageType,
        a.preTone,
        a.posTone,
        a.verifyCodeSealed,
        a.times,
        a.statusUrl,
        a.feeUrl,
        a.userData,
        Exchanges.commands,
        RoutingKeys.placeCall,
        JSON.stringify(command),
        ...a.counters,
        a.appVoicePorts,
        a.exactPlatformCheck,
        VOICE_WORKER_STALE_SECONDS,
        a.abnormalCalleeFailures,
        a.abnormalCalleeWindowSeconds,
        CALLEE_SIDE_FAILURE_STATE_CODES,
        outboxHeaders(),
      ],
    );
  }

  /** A session as operators see it (the management API's call detail). */
  find(sessionId: string): Promise<CallSessionEntity | null> {
    return this.dataSource.getRepository(CallSessionEntity).findOneBy({ id: sessionId });
  }

  /**
   * Takes an accepted session for this worker and records `callout`. A session that is no longer
   * `accepted` was already taken (a redelivered command): the caller skips it, so a call is never
   * placed twice.
   */
  async claim(sessionId: string, workerId: string, isLiveHere: (sessionId: string) => boolean): Promise<ClaimResult> {
    const [row] = await preparedRows(this.dataSource, `SELECT ${SESSION_COLUMNS} FROM call_sessions WHERE id = $1`, [
      sessionId,
    ]);
    if (!row) return { outcome: 'unknown-session' };
    // This worker's own claim whose reply was lost (the command came back to it): place the call.
    if (row.state === 'calling' && row.worker_id === workerId && !isLiveHere(sessionId))
      return { outcome: 'claimed', call: toClaimedCall(row) };
    if (row.state !== 'accepted') return { outcome: 'already-handled' };
    const call = toClaimedCall(row);
    call.icid = randomUUID();
    call.startedAt = new Date();
    const recorded = await this.record(call, 'callout', call.startedAt, {
      requiredState: 'accepted',
      set: { state: 'calling', worker_id: workerId, icid: call.icid, started_at: call.startedAt },
    });
    return recorded ? { outcome: 'claimed', call } : { outcome: 'already-handled' };
  }

  /** Records `alerting` or `answer`. */
  async progress(call: ClaimedCall, eventType: 'alerting' | 'answer'): Promise<void> {
    const at = new Date();
    if (eventType === 'alerting') call.alertingAt = at;
    else call.answeredAt = at;
    await this.record(call, eventType, at, {
      requiredState: 'calling',
      set: { [eventType === 'alerting' ? 'alerting_at' : 'answered_at']: at },
    });
  }

  /**
   * Ends the call: the `disconnect` event, the CDR (and its fee message), the session's final
   * state, and the sealed verification code wiped, in one statement. Only a `calling` session
   * ends, so the CDR exists exactly once.
   */
  async finish(call: ClaimedCall, ending: CallEnding): Promise<boolean> {
    const outcome = callOutcome(ending);
    const endedAt = new Date();
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
      endedAt,
      ending,
    });
    const cdrId = randomUUID();
    const fee: CallFeeMessage = {
      cdrId,
      sessionId: call.sessionId,
      appKey: call.appKey,
      feeUrl: call.feeUrl,
      body: { eventType: 'fee', feeLst: [feeInfo] },
    };
    return this.record(
      call,
      'disconnect',
      endedAt,
      {
        requiredState: 'calling',
        set: {
          state: 'ended',
          ended_at: endedAt,
          state_code: outcome.stateCode,
          state_desc: outcome.stateDesc,
          verify_code_sealed: null,
        },
      },
      { stateCode: outcome.stateCode, stateDesc: outcome.stateDesc },
      {
        // $1 … $N of the shared part are followed by these.
        cte: (p) => `cdr AS (
            INSERT INTO cdrs (id, session_id, app_key, caller_num, callee_num, call_start, call_end, state_code, fee_info)
            SELECT $${p}, id, $${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}, $${p + 7}::json FROM s RETURNING id
          )`,
        params: [
          cdrId,
          call.appKey,
          call.displayNbr,
          call.calleeNbr,
          call.startedAt,
          endedAt,
          outcome.stateCode,
          JSON.stringify(feeInfo),
        ],
        message: (p) => `SELECT $${p}, $${p + 1}, cdr.id::text, $${p + 2}::json FROM cdr`,
        messageParams: [Exchanges.callEvents, RoutingKeys.callEvent('fee'), JSON.stringify(fee)],
      },
    );
  }

  /**
   * Sessions still `calling` that nobody will finish: their worker stopped heart-beating, or the
   * call has lasted longer than any call can (its worker lost track of it, e.g. the database was
   * away when the call ended).
   */
  async findOrphans(staleWorkerSeconds: number, longestCallSeconds: number, limit = 100): Promise<ClaimedCall[]> {
    const rows = await queryRows(
      this.dataSource,
      `SELECT ${SESSION_COLUMNS} FROM call_sessions s
        WHERE s.state = 'calling'
          AND (s.started_at < now() - ($2::int * interval '1 second')
               OR NOT EXISTS (SELECT 1 FROM voice_workers w
                               WHERE w.id = s.worker_id AND w.heartbeat_at > now() - ($1::int * interval '1 second')))
        ORDER BY s.started_at LIMIT $3`,
      [staleWorkerSeconds, longestCallSeconds, limit],
    );
    return rows.map(toClaimedCall);
  }

  /**
   * The one statement behind every step. Returns false (and changes nothing) when the session is
   * not in the required state or another writer recorded an event first.
   */
  private async record(
    call: ClaimedCall,
    eventType: CallEventType,
    at: Date,
    change: SessionChange,
    extra: Pick<StatusInfo, 'stateCode' | 'stateDesc'> = {},
    also?: { cte: (p: number) => string; params: unknown[]; message: (p: number) => string; messageParams: unknown[] },
  ): Promise<boolean> {
    const seq = call.eventSeq + 1;
    const eventId = call.pendingEvent?.seq === seq ? call.pendingEvent.id : randomUUID();
    call.pendingEvent = { seq, id: eventId };
    const statusInfo: StatusInfo = {
      sessionId: call.sessionId,
      timestamp: formatUtc(at),
      caller: call.displayNbr,
      called: call.calleeNbr,
      ...(call.userData ? { userData: call.userData } : {}),
      ...extra,
    };
    const body = { eventType, statusInfo };
    const message: CallEventMessage = {
      eventId,
      sessionId: call.sessionId,
      appKey: call.appKey,
      seq,
      eventType,
      statusUrl: call.statusUrl,
      body,
    };

    const columns = Object.keys(change.set);
    const params: unknown[] = [
      call.sessionId,
      seq,
      change.requiredState,
      eventId,
      eventType,
      JSON.stringify(body),
      Exchanges.callEvents,
      RoutingKeys.callEvent(eventType),
      JSON.stringify(message),
      ...columns.map((c) => change.set[c]),
    ];
    const assignments = columns.map((c, i) => `${c} = $${10 + i}`).join(', ');
    let next = params.length + 1;
    let extraCte = '';
    let extraMessage = '';
    if (also) {
      extraCte = `, ${also.cte(next)}`;
      params.push(...also.params);
      next += also.params.length;
      extraMessage = ` UNION ALL ${also.message(next)}`;
      params.push(...also.messageParams);
    }
    // The request id of the place-call command handled now (none for the orphan sweeper).
    params.push(outboxHeaders());
    const headersParam = `$${params.length}`;
    const rows = await preparedRows<OutboxRow>(
      this.dataSource,
      `WITH s AS (
         UPDATE call_sessions SET event_seq = $2${assignments ? `, ${assignments}` : ''}
          WHERE id = $1 AND state = $3 AND event_seq = $2 - 1 RETURNING id
       ), e AS (
         INSERT INTO call_events (id, session_id, seq, event_type, body) SELECT $4, id, $2, $5, $6::json FROM s RETURNING id
       )${extraCte}
       ${outboxInsertFrom(`SELECT $7, $8, e.id::text, $9::json FROM e${extraMessage}`, headersParam)}`,
      params,
    );
    if (rows.length === 0) {
      // A retry after a commit whose reply was lost finds its own event: that is success (the
      // outbox rows committed with it; the relay publishes them).
      const [own] = await preparedRows(this.dataSource, 'SELECT 1 FROM call_events WHERE id = $1', [eventId]);
      if (!own) return false;
    } else {
      void this.outbox.dispatch(rows);
    }
    call.eventSeq = seq;
    call.pendingEvent = undefined;
    return true;
  }
}
