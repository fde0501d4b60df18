/** Risk signals and the proof-of-work difficulty they set (pure; docs/captcha-threat-model.md). */
import type { CaptchaPowConfig } from '#libs/runtime';

export type RiskSignal = 'velocity' | 'failures' | 'under-attack' | 'behaviour';

export interface RiskInput {
  /** Gets counted in the get window, this one included, by the device and by the address (IPv6: its /64). */
  fingerprintGets: number;
  ipGets: number;
  /** Failed checks in the fail window, by the device and by the address. */
  fingerprintFailures: number;
  ipFailures: number;
  underAttack: boolean;
}

/**
 * The signals a caller raises: `velocity` (more gets than a person asks for: above
 * VERIGATE_CAPTCHA_VELOCITY_FP per device or VERIGATE_CAPTCHA_VELOCITY_IP per address),
 * `failures` (VERIGATE_CAPTCHA_POW_FAILURES failed checks by the device, or ten times that by the
 * address, which many people may share), `under-attack` (the app's operator switch).
 */
export function riskSignals(input: RiskInput, pow: CaptchaPowConfig): RiskSignal[] {
  const signals: RiskSignal[] = [];
  if (input.fingerprintGets > pow.velocityPerFingerprint || input.ipGets > pow.velocityPerIp) signals.push('velocity');
  if (input.fingerprintFailures >= pow.failuresForHarder || input.ipFailures >= pow.failuresForHarder * 10)
    signals.push('failures');
  if (input.underAttack) signals.push('under-attack');
  return signals;
}

/** maxnumber: the base times `factor` per signal, at most the ceiling. */
export function powMaxnumber(signals: readonly RiskSignal[], pow: CaptchaPowConfig): number {
  return Math.min(pow.ceiling, pow.maxnumber * pow.factor ** signals.length);
}

/** Managed mode's behaviour rule: the page had the widget for at least a second (a person reads the page first). */
export function behaviourSuspicious(signals: { elapsedMs?: unknown } | undefined): boolean {
  const elapsed = signals?.elapsedMs;
  return typeof elapsed !== 'number' || !Number.isFinite(elapsed) || elapsed < 1000;
}
