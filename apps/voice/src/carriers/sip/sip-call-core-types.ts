import type { SipMessage } from 'sip';
import type { CallEnding } from '#libs/contracts';
import type { G711Codec } from '../../media/g711.js';
import type { PlayResult } from '../../media/rtp.js';

/**
 * The data of the SIP call's state machine (sip-call-core.ts): its state, the events fed into it
 * and the effects it asks the shell (sip-call.ts) to carry out.
 */

export type CallPhase = 'calling' | 'proceeding' | 'answered' | 'ending' | 'ended';
export type CancelReason = 'ring-timeout' | 'aborted';

/**
 * After a CANCEL on shutdown, how long to wait for the INVITE's final response before the call is
 * let go (instead of timer C's 32 s): well inside the consumer's 15 s drain. The INVITE transaction
 * runs on, so a late 200 OK is still ACKed and hung up while close() waits.
 */
export const ABORT_GIVE_UP_MS = 4000;
/** After a CANCEL for the ring timeout: 64×T1, RFC 3261 timer C territory. */
export const CANCEL_GIVE_UP_MS = 32_000;
/** On shutdown with nothing heard yet (no CANCEL allowed): how long to wait for a provisional response. */
export const ABORT_WAIT_MS = 2000;

export interface SipCallState {
  readonly phase: CallPhase;
  /** Which INVITE is current: 0, then 1 after the digest retry; responses to older ones are stale. */
  readonly inviteGen: number;
  readonly authTried: boolean;
  readonly cancelReason?: CancelReason;
  readonly cancelSent: boolean;
  readonly heardFromTrunk: boolean;
  readonly alerted: boolean;
  /** The dialog a 2xx created: its remote (To) tag. */
  readonly dialog?: { remoteTag: string | null | undefined };
  readonly codecs: readonly G711Codec[];
  readonly allowPrivateMedia: boolean;
  /** Credentials are configured: a 401/407 may be answered once. */
  readonly canAuthenticate: boolean;
  readonly ringTimeoutMs: number;
}

export type SipCallEvent =
  | { type: 'start'; aborted: boolean }
  | { type: 'invite-response'; gen: number; response: SipMessage }
  | { type: 'ring-timeout' }
  | { type: 'abort' }
  | { type: 'cancel-give-up' }
  | { type: 'abort-wait-over' }
  /** Our BYE was answered (or its wait ran out): the call ends as decided when it was sent. */
  | { type: 'hung-up'; ending: CallEnding }
  /** Something on the way from the 2xx to the end of the prompt threw. */
  | { type: 'answer-failed'; message: string }
  | { type: 'prompt-done'; result: PlayResult; plays: number; codec: G711Codec }
  /** A request for this call (ACK excluded); `inDialog`: tags and source match the dialog (RFC 3261 §12.2.2). */
  | { type: 'request'; request: SipMessage; inDialog: boolean; from: string; codec?: G711Codec }
  | { type: 'stray-response'; response: SipMessage };

export type SipCallEffect =
  /** The first INVITE, or (with `challenge`) the same INVITE with digest credentials. */
  | { type: 'send-invite'; gen: number; challenge?: SipMessage }
  | { type: 'send-cancel' }
  | {
      type: 'start-timer';
      timer: 'ring' | 'cancel-give-up' | 'abort-wait';
      ms: number;
      unref: boolean;
      event: SipCallEvent;
    }
  | { type: 'clear-ring-timer' }
  /** Remember the dialog of this 2xx (and its ACK). */
  | { type: 'establish-dialog'; response: SipMessage }
  | { type: 'send-ack' }
  /** A 2xx we do not want: ACK it and BYE it at once, on its own. */
  | { type: 'ack-and-bye'; response: SipMessage }
  /** BYE the dialog; when answered (or after BYE_WAIT_MS), feed `then` back in. */
  | { type: 'send-bye'; then?: SipCallEvent }
  | { type: 'connect-media'; address: string; port: number; codec: G711Codec }
  | { type: 'hold-media' }
  | { type: 'record-alerting' }
  | { type: 'record-answer' }
  /** Play the prompt; feed `prompt-done` back in. */
  | { type: 'play-prompt' }
  | { type: 'stop-prompt' }
  | { type: 'settle'; ending: CallEnding }
  | { type: 'respond'; request: SipMessage; status: number; reason: string }
  /** 200 OK to a re-INVITE, with our SDP (one codec, the call's). */
  | { type: 'respond-reinvite'; request: SipMessage; codec: G711Codec }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string; fields?: Record<string, unknown> };

export interface Transition {
  state: SipCallState;
  effects: SipCallEffect[];
}
