import type { CallEnding } from '#libs/contracts';

/** What a carrier needs to place one verification call. */
export interface CallRequest {
  sessionId: string;
  /** The app whose approved tones are played (the sip carrier reads them by app and name). */
  appKey: string;
  caller: string;
  callee: string;
  languageType: number;
  /** The digits to speak. Never logged. */
  verifyCode: string;
  /** An approved tone of the app; '' for none (the verification API's calls speak the digits alone). */
  preTone: string;
  posTone: string | null;
  /** How many times the prompt is played; 0 = until the callee hangs up (bounded by maxCallMs). */
  times: number;
  maxCallMs: number;
  ringTimeoutMs: number;
}

export interface CallProgress {
  onAlerting(): Promise<void>;
  onAnswer(): Promise<void>;
}

/**
 * The port every carrier adapter implements (sim now, sip later): place the call, report progress,
 * resolve with how it ended. Aborting the signal ends the call cleanly (CANCEL or BYE).
 */
export interface Carrier {
  readonly name: string;
  placeCall(request: CallRequest, progress: CallProgress, signal: AbortSignal): Promise<CallEnding>;
  /** Optional: acquire what the carrier needs (sockets) at start-up, so a bad setting fails the start. */
  start?(): Promise<unknown>;
  /** Optional: release it after the last call ended (may wait, briefly, for what is still on the wire). */
  close?(): void | Promise<void>;
}

export const CARRIER = Symbol('CARRIER');
