import * as z from 'zod';
import { documented, envBool, envInt, envOptionalInt, envString, inRowOf, type ReadmeRow } from './env-schema.js';

/**
 * The `captcha` section: VERIGATE_CAPTCHA_*, in the order of the README's "Captcha configuration"
 * table (scripts/config-reference.mjs writes it from this schema). The flood budgets' defaults
 * follow the worker's per-address limit: loadCaptchaConfig applies them.
 */
export const captchaSection = z.object({
  VERIGATE_CAPTCHA_TTL_S: documented(envInt(120, 5, 3600), {
    default: '120',
    meaning: 'how long a captcha can be answered',
  }),
  VERIGATE_CAPTCHA_VERIFICATION_TTL_S: documented(envInt(180, 5, 3600), {
    default: '180',
    meaning: 'lifetime of a `captchaVerification` (single use)',
  }),
  VERIGATE_CAPTCHA_TOLERANCE_PX: documented(envInt(5, 1, 20), {
    default: '5',
    meaning: 'blockPuzzle: accepted distance of `x` from the gap',
  }),
  VERIGATE_CAPTCHA_DECOYS: documented(envInt(1, 0, 2), {
    default: '1',
    meaning:
      'blockPuzzle: decoy gaps of clearly other shapes beside the real one (0–2; [design](docs/architecture.md#blockpuzzle-a-picture-for-people))',
  }),
  VERIGATE_CAPTCHA_BACKGROUNDS_DIR: documented(envString(''), {
    default: '(empty)',
    meaning:
      "folder of the operator's own PNG/JPEG/WebP backgrounds (≥ 80×40; cropped, scaled, flipped and tinted per captcha); empty = procedural backgrounds",
  }),
  VERIGATE_CAPTCHA_RPC_TIMEOUT_MS: documented(envInt(3000, 100, 60_000), {
    default: '3000',
    meaning: 'gateway → worker timeout (then 503)',
  }),
  VERIGATE_CAPTCHA_PREFETCH: documented(envInt(8, 1, 1000), {
    default: '8',
    meaning: 'requests one worker handles at once',
  }),
  VERIGATE_CAPTCHA_RPC_QUEUE_MAX: documented(envInt(1000, 1, 1_000_000), {
    default: '1000',
    meaning:
      'most requests waiting in `captcha.rpc.v2`; beyond it the gateway answers 503 at once. An argument of the queue, declared by the gateway and the captcha workers: set the same value in each of them (a process with another value logs an error and uses the queue as it is); to change it, delete the queue while the platform is stopped',
  }),
  VERIGATE_CAPTCHA_GET_LIMIT_FP: documented(envInt(30, 1, 1_000_000), {
    variable: '`VERIGATE_CAPTCHA_GET_LIMIT_FP` / `_IP`',
    default: '30 / 300',
    meaning:
      '`get` calls per window per device fingerprint (per app) / per address bucket (the client address; IPv6: its /64)',
  }),
  VERIGATE_CAPTCHA_GET_LIMIT_IP: inRowOf(envInt(300, 1, 1_000_000), 'VERIGATE_CAPTCHA_GET_LIMIT_FP'),
  VERIGATE_CAPTCHA_GET_WINDOW_S: documented(envInt(60, 1, 86_400), { default: '60', meaning: 'the `get` window' }),
  VERIGATE_CAPTCHA_FAIL_LIMIT_FP: documented(envInt(15, 1, 1_000_000), {
    variable: '`VERIGATE_CAPTCHA_FAIL_LIMIT_FP` / `_IP`',
    default: '15 / 100',
    meaning:
      "failed checks per window that lock a fingerprint / an IP (IPv6: its /64) out: a ban for abuse; a person's first failures cost a harder proof of work instead",
  }),
  VERIGATE_CAPTCHA_FAIL_LIMIT_IP: inRowOf(envInt(100, 1, 1_000_000), 'VERIGATE_CAPTCHA_FAIL_LIMIT_FP'),
  VERIGATE_CAPTCHA_FAIL_WINDOW_S: documented(envInt(600, 1, 86_400), { default: '600', meaning: 'the failure window' }),
  VERIGATE_CAPTCHA_LOCKOUT_S: documented(envInt(600, 1, 86_400), {
    default: '600',
    meaning: 'how long a lock-out lasts',
  }),
  VERIGATE_CAPTCHA_FLOOD_BURST: documented(envOptionalInt(1, 10_000_000), {
    variable: '`VERIGATE_CAPTCHA_FLOOD_BURST` / `VERIGATE_CAPTCHA_FLOOD_PER_MIN`',
    default: '`_GET_LIMIT_IP` / `_GET_LIMIT_IP` per `_GET_WINDOW_S` (300 / 300)',
    meaning:
      "the gateway's `get` budget per client address (IPv6: /64), a token bucket in each gateway's memory checked before the RPC is queued: `burst` at once, refilled at `per_min`; beyond it `429 CAPTCHA.RATE_LIMITED`. Per gateway instance (N gateways admit up to N times it)",
  }),
  VERIGATE_CAPTCHA_FLOOD_PER_MIN: inRowOf(envOptionalInt(1, 100_000_000), 'VERIGATE_CAPTCHA_FLOOD_BURST'),
  VERIGATE_CAPTCHA_FLOOD_ANSWER_BURST: documented(envOptionalInt(1, 20_000_000), {
    variable: '`VERIGATE_CAPTCHA_FLOOD_ANSWER_BURST` / `VERIGATE_CAPTCHA_FLOOD_ANSWER_PER_MIN`',
    default: 'twice `_FLOOD_BURST` / twice `_FLOOD_PER_MIN` (600 / 600)',
    meaning:
      'the same kind of budget, per client address (IPv6: /64) and gateway instance, shared by `check`, `managed` and `verify` (a person answers a captcha about twice: managed, then the puzzle); beyond it `429 CAPTCHA.RATE_LIMITED`, nothing queued. A backend that calls `verify` for many users from one address needs it raised',
  }),
  VERIGATE_CAPTCHA_FLOOD_ANSWER_PER_MIN: inRowOf(envOptionalInt(1, 200_000_000), 'VERIGATE_CAPTCHA_FLOOD_ANSWER_BURST'),
  VERIGATE_CAPTCHA_REQUIRE_TRAJECTORY: documented(envBool(false), {
    default: 'false',
    meaning: 'refuse blockPuzzle checks without a drag trajectory (AJ-Captcha clients send none)',
  }),
  VERIGATE_CAPTCHA_POOL_SIZE: documented(envInt(64, 0, 10_000), {
    default: '64',
    meaning:
      'captchas each worker keeps rendered ahead, per kind (blockPuzzle, clickWord zh / en); 0 = render at every `get` ([pre-render pool](docs/architecture.md#pre-render-pool))',
  }),
  VERIGATE_CAPTCHA_POOL_REFILL_PAUSE_MS: documented(envInt(0, 0, 60_000), {
    default: '0',
    meaning:
      'pause between two background renders of the pool (0 = the next turn of the event loop); raise it to leave CPU to other work on a crowded host',
  }),
  VERIGATE_CAPTCHA_RENDER_THREADS: documented(envInt(1, 0, 64), {
    default: '1',
    meaning: 'worker threads of each captcha worker that render the pool (one core each); 0 = render on the event loop',
  }),
  VERIGATE_CAPTCHA_POW_MAXNUMBER: documented(envInt(1_600_000, 1, 1_000_000_000), {
    default: '1600000',
    meaning:
      'proof of work: ALTCHA `maxnumber` for a client with no risk signal (a script pays half of it on average in SHA-256 hashes: ~0.9 CPU-s in Node; the widget needs < 1 s at p95 on two free cores, see the benchmark)',
  }),
  VERIGATE_CAPTCHA_POW_FACTOR: documented(envInt(10, 1, 1000), {
    default: '10',
    meaning: 'the `maxnumber` is multiplied by this for each risk signal raised',
  }),
  VERIGATE_CAPTCHA_POW_MAX_MAXNUMBER: documented(envInt(200_000_000, 1, 1_000_000_000), {
    default: '200000000',
    meaning:
      'ceiling of `maxnumber` whatever the signals; must not be below `VERIGATE_CAPTCHA_POW_MAXNUMBER` (start-up refuses it, naming both)',
  }),
  VERIGATE_CAPTCHA_VELOCITY_FP: documented(envInt(5, 1, 1_000_000), {
    variable: '`VERIGATE_CAPTCHA_VELOCITY_FP` / `_IP`',
    default: '5 / 60',
    meaning:
      'risk signal `velocity`: more `get` calls than this per `VERIGATE_CAPTCHA_GET_WINDOW_S` by one device / one address (IPv6: its /64)',
  }),
  VERIGATE_CAPTCHA_VELOCITY_IP: inRowOf(envInt(60, 1, 1_000_000), 'VERIGATE_CAPTCHA_VELOCITY_FP'),
  VERIGATE_CAPTCHA_POW_FAILURES: documented(envInt(2, 1, 1000), {
    default: '2',
    meaning:
      'risk signal `failures`: this many failed checks in `VERIGATE_CAPTCHA_FAIL_WINDOW_S` by the device (ten times as many by the address)',
  }),
});

/** Rows of the captcha table that belong to another section (named there, shown here too). */
export const CAPTCHA_SEE_ALSO: readonly ReadmeRow[] = [
  {
    variable: '`VERIGATE_TRUSTED_PROXIES`',
    default: '(empty)',
    meaning:
      'shared with the voice API (see [Configuration](#configuration)): proxies whose `X-Forwarded-For` is believed',
  },
];
