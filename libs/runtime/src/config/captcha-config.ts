import { captchaSection } from './captcha-section.js';
import type { EnvReader } from './env-reader.js';
import { readSection } from './env-schema.js';

export interface CaptchaConfig {
  /** How long a captcha can be answered (VERIGATE_CAPTCHA_TTL_S, 120). */
  ttlSeconds: number;
  /** How long a captchaVerification stays valid, single use (VERIGATE_CAPTCHA_VERIFICATION_TTL_S, 180). */
  verificationTtlSeconds: number;
  /** blockPuzzle: accepted distance in px between the answer's x and the gap (VERIGATE_CAPTCHA_TOLERANCE_PX, 5). */
  tolerancePx: number;
  /** blockPuzzle: decoy gaps of other shapes drawn beside the real one (VERIGATE_CAPTCHA_DECOYS, 1). */
  decoys: number;
  /** Folder of the operator's own background images (PNG/JPEG); empty = procedural (VERIGATE_CAPTCHA_BACKGROUNDS_DIR). */
  backgroundsDir: string;
  /** Gateway → worker request timeout (VERIGATE_CAPTCHA_RPC_TIMEOUT_MS, 3000). */
  rpcTimeoutMs: number;
  /** Requests one captcha worker handles at once (VERIGATE_CAPTCHA_PREFETCH, 8). */
  prefetch: number;
  /**
   * Length cap of the captcha RPC queue (VERIGATE_CAPTCHA_RPC_QUEUE_MAX, 1000): beyond it requests
   * are refused at once (503). Same value in every process: it is an argument of the queue.
   */
  rpcQueueMaxLength: number;
  /** `get` rate limit per window: per device fingerprint and per client IP (VERIGATE_CAPTCHA_GET_LIMIT_FP 30, _IP 300, _WINDOW_S 60). */
  getLimitPerFingerprint: number;
  getLimitPerIp: number;
  getWindowSeconds: number;
  /** Failed checks within the window that lock the caller out (VERIGATE_CAPTCHA_FAIL_LIMIT_FP 15, _IP 100, _WINDOW_S 600): a ban for abuse; a person's few failures cost a harder PoW instead. */
  failLimitPerFingerprint: number;
  failLimitPerIp: number;
  failWindowSeconds: number;
  /** How long a lock-out lasts (VERIGATE_CAPTCHA_LOCKOUT_S, 600). */
  lockoutSeconds: number;
  /** Reject a blockPuzzle check that carries no drag trajectory (VERIGATE_CAPTCHA_REQUIRE_TRAJECTORY, false: AJ-Captcha clients send none). */
  requireTrajectory: boolean;
  /**
   * The gateway's own `get` budget per client address bucket (IPv4 address, IPv6 /64), a token
   * bucket held in memory by each gateway instance and checked before the captcha RPC is
   * published: `burst` gets at once (VERIGATE_CAPTCHA_FLOOD_BURST), refilled at `perMinute`
   * (VERIGATE_CAPTCHA_FLOOD_PER_MIN). Both default to the worker's per-address limit
   * (VERIGATE_CAPTCHA_GET_LIMIT_IP per VERIGATE_CAPTCHA_GET_WINDOW_S). The answers (`check`,
   * `managed`, `verify`) share a second budget of the same kind: `answerBurst`
   * (VERIGATE_CAPTCHA_FLOOD_ANSWER_BURST) refilled at `answerPerMinute`
   * (VERIGATE_CAPTCHA_FLOOD_ANSWER_PER_MIN), both twice the `get` budget by default (a person
   * answers a captcha at most about twice: managed, then the puzzle).
   */
  flood: { burst: number; perMinute: number; answerBurst: number; answerPerMinute: number };
  /**
   * Captchas each worker keeps rendered ahead, per kind (blockPuzzle, clickWord zh, clickWord en)
   * (VERIGATE_CAPTCHA_POOL_SIZE, 64; 0 = render every captcha inline).
   */
  poolSize: number;
  /** Pause between two background renders while refilling, in ms (VERIGATE_CAPTCHA_POOL_REFILL_PAUSE_MS, 0 = next turn of the event loop). */
  poolRefillPauseMs: number;
  /** Threads of each worker that render the pool (VERIGATE_CAPTCHA_RENDER_THREADS, 1; 0 = on the event loop). */
  renderThreads: number;
  /** Proof of work (apps with `captchaPow`); README "Captcha proof of work" and docs/captcha-threat-model.md explain each. */
  pow: CaptchaPowConfig;
}

export interface CaptchaPowConfig {
  /** ALTCHA maxnumber for a client with no risk signal (VERIGATE_CAPTCHA_POW_MAXNUMBER, 1600000: ~0.9 CPU-s for a script, < 1 s in a browser on two cores). */
  maxnumber: number;
  /** Multiplier per risk signal (velocity, recent failures, under attack) (VERIGATE_CAPTCHA_POW_FACTOR, 10). */
  factor: number;
  /** Ceiling of the maxnumber whatever the signals (VERIGATE_CAPTCHA_POW_MAX_MAXNUMBER, 200000000). */
  ceiling: number;
  /** Velocity signal: gets within VERIGATE_CAPTCHA_GET_WINDOW_S by one device (VERIGATE_CAPTCHA_VELOCITY_FP, 5) or one address / IPv6 /64 (VERIGATE_CAPTCHA_VELOCITY_IP, 60) above which a client is flagged. */
  velocityPerFingerprint: number;
  velocityPerIp: number;
  /** Failed checks within VERIGATE_CAPTCHA_FAIL_WINDOW_S from which the next PoW is harder (VERIGATE_CAPTCHA_POW_FAILURES, 2). */
  failuresForHarder: number;
}

/** The `captcha` section (captcha-section.ts), with the defaults that follow other variables and the rule between two of them. */
export function loadCaptchaConfig(read: EnvReader): CaptchaConfig {
  const v = readSection(captchaSection, read.env, read.problems);
  const captcha: CaptchaConfig = {
    ttlSeconds: v.VERIGATE_CAPTCHA_TTL_S,
    verificationTtlSeconds: v.VERIGATE_CAPTCHA_VERIFICATION_TTL_S,
    tolerancePx: v.VERIGATE_CAPTCHA_TOLERANCE_PX,
    decoys: v.VERIGATE_CAPTCHA_DECOYS,
    backgroundsDir: v.VERIGATE_CAPTCHA_BACKGROUNDS_DIR,
    rpcTimeoutMs: v.VERIGATE_CAPTCHA_RPC_TIMEOUT_MS,
    prefetch: v.VERIGATE_CAPTCHA_PREFETCH,
    rpcQueueMaxLength: v.VERIGATE_CAPTCHA_RPC_QUEUE_MAX,
    getLimitPerFingerprint: v.VERIGATE_CAPTCHA_GET_LIMIT_FP,
    getLimitPerIp: v.VERIGATE_CAPTCHA_GET_LIMIT_IP,
    getWindowSeconds: v.VERIGATE_CAPTCHA_GET_WINDOW_S,
    failLimitPerFingerprint: v.VERIGATE_CAPTCHA_FAIL_LIMIT_FP,
    failLimitPerIp: v.VERIGATE_CAPTCHA_FAIL_LIMIT_IP,
    failWindowSeconds: v.VERIGATE_CAPTCHA_FAIL_WINDOW_S,
    lockoutSeconds: v.VERIGATE_CAPTCHA_LOCKOUT_S,
    requireTrajectory: v.VERIGATE_CAPTCHA_REQUIRE_TRAJECTORY,
    flood: { burst: 0, perMinute: 0, answerBurst: 0, answerPerMinute: 0 }, // set below: the defaults follow the worker's per-address limit
    poolSize: v.VERIGATE_CAPTCHA_POOL_SIZE,
    poolRefillPauseMs: v.VERIGATE_CAPTCHA_POOL_REFILL_PAUSE_MS,
    renderThreads: v.VERIGATE_CAPTCHA_RENDER_THREADS,
    pow: {
      maxnumber: v.VERIGATE_CAPTCHA_POW_MAXNUMBER,
      factor: v.VERIGATE_CAPTCHA_POW_FACTOR,
      ceiling: v.VERIGATE_CAPTCHA_POW_MAX_MAXNUMBER,
      velocityPerFingerprint: v.VERIGATE_CAPTCHA_VELOCITY_FP,
      velocityPerIp: v.VERIGATE_CAPTCHA_VELOCITY_IP,
      failuresForHarder: v.VERIGATE_CAPTCHA_POW_FAILURES,
    },
  };
  if (captcha.pow.ceiling < captcha.pow.maxnumber) {
    read.problems.push(
      `VERIGATE_CAPTCHA_POW_MAX_MAXNUMBER=${captcha.pow.ceiling} must not be below VERIGATE_CAPTCHA_POW_MAXNUMBER=${captcha.pow.maxnumber} (the ceiling would lower the base difficulty)`,
    );
  }
  const burst = v.VERIGATE_CAPTCHA_FLOOD_BURST ?? captcha.getLimitPerIp;
  const perMinute =
    v.VERIGATE_CAPTCHA_FLOOD_PER_MIN ?? Math.ceil((captcha.getLimitPerIp * 60) / captcha.getWindowSeconds);
  captcha.flood = {
    burst,
    perMinute,
    answerBurst: v.VERIGATE_CAPTCHA_FLOOD_ANSWER_BURST ?? Math.min(2 * burst, 20_000_000),
    answerPerMinute: v.VERIGATE_CAPTCHA_FLOOD_ANSWER_PER_MIN ?? Math.min(2 * perMinute, 200_000_000),
  };
  return captcha;
}
