import type { EnvReader } from './env-reader.js';
import { readSection } from './env-schema.js';
import { verificationSection } from './verification-section.js';

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

/** The verification API (docs/verifications.md); each variable is in verification-section.ts (README "Configuration" table). */
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
  const v = readSection(verificationSection, read.env, read.problems);
  return {
    codeLength: v.VERIGATE_VERIFY_CODE_LENGTH,
    ttlSeconds: v.VERIGATE_VERIFY_TTL_S,
    attempts: v.VERIGATE_VERIFY_ATTEMPTS,
    fallbackSeconds: v.VERIGATE_VERIFY_FALLBACK_S,
    sweepIntervalMs: v.VERIGATE_VERIFY_SWEEP_MS,
    callTimes: v.VERIGATE_VERIFY_CALL_TIMES,
    fraud: {
      prefixDigits: v.VERIGATE_VERIFY_FRAUD_PREFIX_DIGITS,
      windowSeconds: v.VERIGATE_VERIFY_FRAUD_WINDOW_S,
      minSends: v.VERIGATE_VERIFY_FRAUD_MIN_SENDS,
      minApprovalRate: v.VERIGATE_VERIFY_FRAUD_MIN_APPROVAL_PCT / 100,
    },
  };
}
