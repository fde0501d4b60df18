/**
 * One table from a call's ending to everything derived from it: the disconnect event's
 * stateCode/stateDesc and the CDR's sipStatusCode, callOutUnaswRsn (Q.850 cause) and ulFailReason.
 * Every carrier (sim, sip) reports a `CallEnding` and this table is the only place that turns it
 * into codes.
 */
export type CallEnding =
  | { kind: 'completed'; by: 'platform' | 'callee' }
  | {
      kind: 'sip-final';
      sipStatus: number;
      /** Q.850 cause the far end gave (`Reason: Q.850;cause=N`, RFC 3326); overrides the table's. */ q850?: number;
    }
  | { kind: 'ring-timeout' }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'no-ports' }
  | { kind: 'internal'; reason: string };

export interface CallOutcome {
  readonly stateCode: number;
  readonly stateDesc: string;
  /** The SIP status of the final response (or of the BYE transaction for answered calls). */
  readonly sipStatusCode: number;
  /** Q.850 cause of an unanswered call; 0 when the call was answered. */
  readonly callOutUnaswRsn: number;
  /** Platform failure reason; 0 when nothing failed. */
  readonly ulFailReason: number;
}

interface Row {
  stateCode: number;
  stateDesc: string;
  q850: number;
  ulFailReason: number;
}

/** SIP final responses (RFC 3261 §21) → outcome; Q.850 per RFC 3398 §7.2.4.1 (inverse mapping). */
const SIP_FINAL_RESPONSES: ReadonlyMap<number, Row> = new Map([
  [404, { stateCode: 8100, stateDesc: 'The number does not exist', q850: 1, ulFailReason: 2 }],
  [410, { stateCode: 8100, stateDesc: 'The number does not exist', q850: 22, ulFailReason: 2 }],
  [484, { stateCode: 8100, stateDesc: 'The number does not exist', q850: 28, ulFailReason: 2 }],
  [604, { stateCode: 8100, stateDesc: 'The number does not exist', q850: 1, ulFailReason: 2 }],
  [408, { stateCode: 8101, stateDesc: 'No answer', q850: 18, ulFailReason: 3 }],
  [480, { stateCode: 8101, stateDesc: 'No answer', q850: 19, ulFailReason: 3 }],
  [486, { stateCode: 8102, stateDesc: 'The user is busy', q850: 17, ulFailReason: 4 }],
  [600, { stateCode: 8102, stateDesc: 'The user is busy', q850: 17, ulFailReason: 4 }],
  [503, { stateCode: 8103, stateDesc: 'The user is unreachable', q850: 41, ulFailReason: 5 }],
  [502, { stateCode: 8103, stateDesc: 'The user is unreachable', q850: 27, ulFailReason: 5 }],
  [504, { stateCode: 8103, stateDesc: 'The user is unreachable', q850: 102, ulFailReason: 5 }],
  [603, { stateCode: 8004, stateDesc: 'The call was rejected while ringing', q850: 21, ulFailReason: 7 }],
  [403, { stateCode: 8004, stateDesc: 'The call was rejected while ringing', q850: 21, ulFailReason: 7 }],
  // Added with the sip carrier (RFC 3398 §8.2.6.1). A trunk refusing our credentials or the
  // request itself is unreachable from the platform's side.
  [400, { stateCode: 8103, stateDesc: 'The user is unreachable', q850: 41, ulFailReason: 5 }],
  [401, { stateCode: 8103, stateDesc: 'The user is unreachable', q850: 21, ulFailReason: 5 }],
  [407, { stateCode: 8103, stateDesc: 'The user is unreachable', q850: 21, ulFailReason: 5 }],
  [485, { stateCode: 8100, stateDesc: 'The number does not exist', q850: 1, ulFailReason: 2 }],
  [488, { stateCode: 8103, stateDesc: 'The user is unreachable', q850: 65, ulFailReason: 5 }],
  [501, { stateCode: 8103, stateDesc: 'The user is unreachable', q850: 79, ulFailReason: 5 }],
  [606, { stateCode: 8103, stateDesc: 'The user is unreachable', q850: 58, ulFailReason: 5 }],
]);

const OTHER_FAILURE: Row = { stateCode: 8103, stateDesc: 'The user is unreachable', q850: 31, ulFailReason: 5 };

/** Turns how a call ended into its state code and CDR causes. */
export function callOutcome(ending: CallEnding): CallOutcome {
  switch (ending.kind) {
    case 'completed':
      return {
        stateCode: 0,
        stateDesc: 'Normal call clearing',
        sipStatusCode: 200,
        callOutUnaswRsn: 0,
        ulFailReason: 0,
      };
    case 'ring-timeout':
      // The platform gave up ringing (CANCEL → 487 Request Terminated).
      return {
        stateCode: 8003,
        stateDesc: 'Ringing timed out',
        sipStatusCode: 487,
        callOutUnaswRsn: 19,
        ulFailReason: 6,
      };
    case 'unreachable':
      return {
        stateCode: 8103,
        stateDesc: 'The user is unreachable',
        sipStatusCode: 408,
        callOutUnaswRsn: 102,
        ulFailReason: 5,
      };
    case 'no-ports':
      return {
        stateCode: 7109,
        stateDesc: 'No voice ports available',
        sipStatusCode: 503,
        callOutUnaswRsn: 34,
        ulFailReason: 8,
      };
    case 'internal':
      return { stateCode: 8000, stateDesc: 'Internal error', sipStatusCode: 500, callOutUnaswRsn: 41, ulFailReason: 1 };
    case 'sip-final': {
      const row = SIP_FINAL_RESPONSES.get(ending.sipStatus) ?? OTHER_FAILURE;
      const q850 =
        ending.q850 !== undefined && Number.isInteger(ending.q850) && ending.q850 > 0 && ending.q850 < 128
          ? ending.q850
          : row.q850;
      return {
        stateCode: row.stateCode,
        stateDesc: row.stateDesc,
        sipStatusCode: ending.sipStatus,
        callOutUnaswRsn: q850,
        ulFailReason: row.ulFailReason,
      };
    }
  }
}

/**
 * The stateCodes of calls that failed because of the callee (no such number, no answer, busy,
 * ring timeout, rejected while ringing), as opposed to the platform's or the network's own
 * failures (8000 internal, 7109 no ports, 8103 unreachable). Used by the abnormal-callee rule.
 */
export const CALLEE_SIDE_FAILURE_STATE_CODES: readonly number[] = [8100, 8101, 8102, 8003, 8004];
