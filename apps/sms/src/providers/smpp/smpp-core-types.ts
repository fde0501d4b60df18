import type { DeliveryReceipt } from '../sms-provider.js';

/**
 * The data of the ESME state machine (smpp-core.ts): its state, the events fed into it and the
 * effects it asks the shell (smpp.provider.ts) to carry out. `S` is a session handle, compared by
 * identity; `P` an incoming PDU, only handed back in effects that answer it.
 */

export const ESME_ROK = 0x00;
export const ESME_RSYSERR = 0x08;
export const ESME_RINVCMDID = 0x03;
export const ESME_RMSGQFUL = 0x14;
export const ESME_RSUBMITFAIL = 0x45;
export const ESME_RTHROTTLED = 0x58;
export const ESME_RX_T_APPN = 0x64;

/** Back-off and shutdown bounds; tests shorten them, production uses the defaults. */
export interface SmppTimings {
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  throttleBaseMs: number;
  throttleMaxMs: number;
  /** A message throttled for longer than this fails (transient) instead of waiting on. */
  throttleGiveUpMs: number;
  stopDrainMs: number;
  unbindWaitMs: number;
}

export const DEFAULT_TIMINGS: SmppTimings = {
  reconnectBaseMs: 500,
  reconnectMaxMs: 30_000,
  throttleBaseMs: 1_000,
  throttleMaxMs: 16_000,
  throttleGiveUpMs: 60_000,
  stopDrainMs: 5_000,
  unbindWaitMs: 2_000,
};

export interface SmppSettings extends SmppTimings {
  window: number;
  responseTimeoutMs: number;
  enquireLinkSeconds: number;
}

/** One submit_sm to send (again, if throttled) until it gets a final answer. */
export interface SegmentJob {
  /** FIFO position: a throttled PDU goes back to its place, not to the end. */
  order: number;
  /** The message it belongs to (one failure drops its segments still queued) and its index there. */
  message: number;
  segment: number;
  params: Record<string, unknown>;
  queuedAt: number;
  sentAt: number;
}

/** What a request on the wire is, for its response. */
export type SmppRequest = { kind: 'bind' | 'enquire_link' | 'unbind' } | { kind: 'submit_sm'; job: SegmentJob };

export type StopPhase = 'running' | 'draining' | 'unbinding' | 'closing' | 'stopped';

export interface SmppState<S> {
  readonly settings: SmppSettings;
  readonly session: S | null;
  readonly bound: boolean;
  readonly stopping: boolean;
  readonly stopPhase: StopPhase;
  /** The session being stopped, if it was there when stop() began. */
  readonly stopSession: S | null;
  /** Consecutive connection attempts without a bind; drives the back-off. */
  readonly attempts: number;
  /** Requests sent on the current session and not yet answered. */
  readonly requests: ReadonlyMap<number, { sentAt: number; request: SmppRequest }>;
  readonly nextRequestId: number;
  readonly outstandingSubmits: number;
  readonly queue: readonly SegmentJob[];
  readonly nextOrder: number;
  readonly lastReceivedAt: number;
  readonly throttleMs: number;
  readonly pausedUntil: number;
  readonly pauseStartedAt: number;
  readonly pauseTimerSet: boolean;
}

/** The fields of an incoming PDU the state machine looks at. */
export interface IncomingPdu<P> {
  pdu: P;
  command: string;
  isResponse: boolean;
  /** deliver_sm only, parsed: `receipt` null for a mobile-originated message or an unreadable receipt. */
  deliver?: { receipt: DeliveryReceipt | null; esmClass: unknown };
}

export type SmppEvent<S, P> =
  | { type: 'start'; now: number }
  | { type: 'connect' }
  | { type: 'opened'; session: S; now: number }
  | { type: 'connected'; session: S }
  | { type: 'connect-timeout'; session: S }
  | { type: 'sent'; requestId: number; request: SmppRequest; now: number }
  | { type: 'unsent'; requestId: number; request: SmppRequest; session: S }
  | {
      type: 'response';
      requestId: number;
      request: SmppRequest;
      session: S;
      status: number;
      messageId?: unknown;
      now: number;
    }
  | { type: 'pdu'; session: S; incoming: IncomingPdu<P>; now: number }
  /** onReceipt settled for a deliver_sm (`error`: it threw). */
  | { type: 'receipt-stored'; session: S; pdu: P; providerId: string; error?: string }
  | { type: 'session-error'; session: S; message: string }
  | { type: 'closed'; session: S }
  | { type: 'enquire-tick'; session: S; now: number }
  | { type: 'watchdog-tick'; now: number }
  | { type: 'pause-over'; now: number }
  | { type: 'submit'; message: number; segments: Record<string, unknown>[]; now: number }
  | { type: 'stop' }
  | { type: 'drained' }
  | { type: 'unbind-over' }
  | { type: 'destroyed' };

export type SmppTimer = 'connect' | 'enquire' | 'pause' | 'reconnect' | 'watchdog' | 'unbind';

export interface SubmitFailure {
  message: string;
  transient: boolean;
  providerCode?: string;
}

export type SmppEffect<S, P> =
  /** smpp.connect(), then feed `opened` with the new session. */
  | { type: 'open-session' }
  | { type: 'destroy'; session: S }
  /** session.destroy(cb), then feed `destroyed` back in. */
  | { type: 'destroy-and-wait'; session: S }
  | {
      type: 'send';
      session: S;
      requestId: number;
      request: SmppRequest;
      pdu: { command: string; params?: Record<string, unknown> };
    }
  /** Answers an incoming PDU on its session; `thenClose`: close the session once written. */
  | { type: 'respond'; session: S; pdu: P; status?: number; thenClose?: boolean }
  | { type: 'store-receipt'; session: S; pdu: P; receipt: DeliveryReceipt }
  | { type: 'start-timer'; timer: SmppTimer; ms: number; session?: S; repeat?: boolean }
  | { type: 'clear-timer'; timer: SmppTimer }
  | { type: 'resolve'; message: number; segment: number; providerId: string }
  /** One error for all the given segments. */
  | { type: 'reject'; jobs: { message: number; segment: number }[]; error: SubmitFailure }
  /** Wait (bounded by stopDrainMs) until no submit is outstanding or the session is gone, then `drained`. */
  | { type: 'wait-drain'; session: S }
  /** Re-check whatever waits for bind, stop or a free window slot. */
  | { type: 'wake' }
  | { type: 'stopped' }
  | { type: 'log'; level: 'info' | 'warn'; message: string; fields: Record<string, unknown> };

export interface SmppTransition<S, P> {
  state: SmppState<S>;
  effects: SmppEffect<S, P>[];
}
