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
  /** Seq of the session's last recorded event (events are numbered 1, 2, 3 … per session). */
  eventSeq: number;
  /** The event being recorded: kept across retries, so a commit whose reply was lost is recognised. */
  pendingEvent?: { seq: number; id: string };
  startedAt: Date;
  alertingAt: Date | null;
  answeredAt: Date | null;
}

export type ClaimResult =
  { outcome: 'claimed'; call: ClaimedCall } | { outcome: 'already-handled' } | { outcome: 'unknown-session' };

/** The call_sessions columns a claimed call is read from. */
export const SESSION_COLUMNS = `id, worker_id, app_key, display_nbr, callee_nbr, language_type, pre_tone, pos_tone, verify_code_sealed,
  times, status_url, fee_url, user_data, icid, event_seq, started_at, alerting_at, answered_at, state`;

/** A call_sessions row (SESSION_COLUMNS) as the worker holds it. */
export function toClaimedCall(row: Record<string, unknown>): ClaimedCall {
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
    icid: (row.icid as string | null) ?? '',
    eventSeq: row.event_seq as number,
    startedAt: (row.started_at as Date | null) ?? new Date(),
    alertingAt: (row.alerting_at as Date | null) ?? null,
    answeredAt: (row.answered_at as Date | null) ?? null,
  };
}
