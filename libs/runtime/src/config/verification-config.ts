import type { EnvReader } from './env-reader.js';

/**
 * The fraud guard of the verification API: per destination prefix, sends and approvals over a
 * sliding window; a prefix whose approval rate falls below `minApprovalRate` once it had at least
 * `minSends` sends in the window is blocked until an operator lifts it.
 */
export interface VerificationFraudConfig {
  /** VERIGATE_VERIFY_FRAUD_PREFIX_DIGITS (6): digits after the `+` that form a prefix (country code and the next digits); 0 turns the guard off. */
  prefixDigits: number;
  /** VERIGATE_VERIFY_FRAUD_WINDOW_S (3600): the sliding window (minute buckets). */
  windowSeconds: number;
  /** VERIGATE_VERIFY_FRAUD_MIN_SENDS (50): sends in the window before the rate is judged. */
  minSends: number;
  /** VERIGATE_VERIFY_FRAUD_MIN_APPROVAL_PCT (10): approvals per 100 sends below which the prefix is blocked. */
  minApprovalRate: number;
}

/** The verification API (docs/verifications.md); README "Verification configuration" documents each variable. */
export interface VerificationConfig {
  /** VERIGATE_VERIFY_CODE_LENGTH (6): digits of a code when the request does not say. */
  codeLength: number;
  /** VERIGATE_VERIFY_TTL_S (600): how long a code can be checked when the request does not say. */
  ttlSeconds: number;
  /** VERIGATE_VERIFY_ATTEMPTS (5): wrong checks before the verification fails. */
  attempts: number;
  /** VERIGATE_VERIFY_FALLBACK_S (30): `auto` calls when no `delivered` receipt came within this time. */
  fallbackSeconds: number;
  /** VERIGATE_VERIFY_SWEEP_MS (1000): how often the sms worker looks for fallbacks due and verifications expired. */
  sweepIntervalMs: number;
  /** VERIGATE_VERIFY_CALL_TIMES (2): how many times the call speaks the code. */
  callTimes: number;
  fraud: VerificationFraudConfig;
}

export function loadVerificationConfig(read: EnvReader): VerificationConfig {
  return {
    codeLength: read.int('VERIGATE_VERIFY_CODE_LENGTH', 6, 4, 10),
    ttlSeconds: read.int('VERIGATE_VERIFY_TTL_S', 600, 30, 86_400),
    attempts: read.int('VERIGATE_VERIFY_ATTEMPTS', 5, 1, 100),
    fallbackSeconds: read.int('VERIGATE_VERIFY_FALLBACK_S', 30, 1, 3600),
    sweepIntervalMs: read.int('VERIGATE_VERIFY_SWEEP_MS', 1000, 100, 60_000),
    callTimes: read.int('VERIGATE_VERIFY_CALL_TIMES', 2, 1, 9),
    fraud: {
      prefixDigits: read.int('VERIGATE_VERIFY_FRAUD_PREFIX_DIGITS', 6, 0, 15),
      windowSeconds: read.int('VERIGATE_VERIFY_FRAUD_WINDOW_S', 3600, 60, 30 * 86_400),
      minSends: read.int('VERIGATE_VERIFY_FRAUD_MIN_SENDS', 50, 1, 1_000_000),
      minApprovalRate: read.int('VERIGATE_VERIFY_FRAUD_MIN_APPROVAL_PCT', 10, 0, 100) / 100,
    },
  };
}
