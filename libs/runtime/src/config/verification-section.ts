import * as z from 'zod';
import { documented, envInt } from './env-schema.js';

/**
 * The `verify` section: VERIGATE_VERIFY_*, the verification API (docs/verifications.md). Its rows
 * are in the README's "Configuration" table (scripts/config-reference.mjs writes it from this
 * schema, after the platform sections).
 */
export const verificationSection = z.object({
  VERIGATE_VERIFY_CODE_LENGTH: documented(envInt(6, 4, 10), {
    default: '`6`',
    meaning: 'verification API: digits (4–10) when the request has no `codeLength`',
  }),
  VERIGATE_VERIFY_TTL_S: documented(envInt(600, 30, 86_400), {
    default: '`600`',
    meaning: 'verification API: validity when the request has no `ttlSeconds` (the request may ask 30–3600)',
  }),
  VERIGATE_VERIFY_ATTEMPTS: documented(envInt(5, 1, 100), {
    default: '`5`',
    meaning: 'verification API: wrong checks before the verification fails',
  }),
  VERIGATE_VERIFY_FALLBACK_S: documented(envInt(30, 1, 3600), {
    default: '`30`',
    meaning:
      'verification API, `auto`: the call comes when no `delivered` receipt arrived within this time (at once on a failure receipt)',
  }),
  VERIGATE_VERIFY_SWEEP_MS: documented(envInt(1000, 100, 60_000), {
    default: '`1000`',
    meaning:
      'verification API: how often each sms worker looks for fallbacks due, failed SMS and expiries (the fallback is at most this late)',
  }),
  VERIGATE_VERIFY_CALL_TIMES: documented(envInt(2, 1, 9), {
    default: '`2`',
    meaning: 'verification API: how many times a call speaks the code',
  }),
  VERIGATE_VERIFY_FRAUD_PREFIX_DIGITS: documented(envInt(6, 0, 15), {
    default: '`6`',
    meaning: 'verification fraud guard: digits after `+` forming a prefix; `0` turns the fraud guard off',
  }),
  VERIGATE_VERIFY_FRAUD_WINDOW_S: documented(envInt(3600, 60, 30 * 86_400), {
    default: '`3600`',
    meaning: 'verification fraud guard: the sliding window',
  }),
  VERIGATE_VERIFY_FRAUD_MIN_SENDS: documented(envInt(50, 1, 1_000_000), {
    default: '`50`',
    meaning: "verification fraud guard: sends in the window before a prefix's approval rate is judged",
  }),
  VERIGATE_VERIFY_FRAUD_MIN_APPROVAL_PCT: documented(envInt(10, 0, 100), {
    default: '`10`',
    meaning: 'verification fraud guard: approvals per 100 sends below which the prefix is blocked',
  }),
});
