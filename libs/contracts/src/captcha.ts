/**
 * The image captcha (docs/contract.md#image-captcha): RPC names and payloads between the gateway and the captcha
 * worker (its error codes are in sdk-errors.ts).
 */
import type { CaptchaErrorCode, SdkLanguage } from './sdk-errors.js';

/**
 * The captcha worker's durable RPC queue (bound to `verigate.commands` with the same key). `.v2`:
 * an RPC queue without dead-lettering and with a length cap (libs/messaging topology.ts); queue
 * arguments cannot change in place, so the old queue is replaced, not redeclared.
 */
export const CAPTCHA_RPC_QUEUE = 'captcha.rpc.v2';

/** The queue of earlier versions (a work queue with `.dead` and `.retry`): obsolete. */
export const LEGACY_CAPTCHA_RPC_QUEUE = 'captcha.rpc';

export const CAPTCHA_TYPES = ['blockPuzzle', 'clickWord'] as const;
export type CaptchaType = (typeof CAPTCHA_TYPES)[number];

/** Who is asking, as the gateway established it (used for rate limits and lock-outs). */
export interface CaptchaCaller {
  appKey: string;
  fingerprint: string;
  clientIp: string;
  /**
   * What per-address limits and lock-outs count: the IPv4 address, or the IPv6 /64
   * (`2001:db8:1:2::/64`), as the gateway's `addressBucket` computes it. A client rotating
   * addresses inside its /64 stays one caller.
   */
  addressBucket: string;
}

/** The app's proof-of-work settings, as the gateway read them (admin API fields `captchaPow`, `captchaUnderAttack`). */
export interface CaptchaPowSettings {
  enabled: boolean;
  underAttack: boolean;
}

/** The ALTCHA challenge sent with a captcha (field `pow`) when the app requires proof of work. */
export interface PowChallengeBody {
  algorithm: 'SHA-256';
  challenge: string;
  maxnumber: number;
  salt: string;
  signature: string;
}

/**
 * Managed mode's behaviour signals, reported by the widget (self-reported, so only ever a reason
 * to show the puzzle, never to skip it on their own).
 */
export interface ManagedSignals {
  /** Milliseconds the page had the widget before asking. */
  elapsedMs?: number;
  /** Pointer, key and touch events seen on the page meanwhile. */
  interactions?: number;
}

export type CaptchaRpcRequest =
  | { op: 'get'; caller: CaptchaCaller; captchaType: CaptchaType; lang: SdkLanguage; pow?: CaptchaPowSettings }
  | {
      op: 'check';
      caller: CaptchaCaller;
      captchaType: CaptchaType;
      token: string;
      pointJson: string;
      trajectory?: unknown;
      pow?: CaptchaPowSettings;
      powSolution?: unknown;
    }
  | {
      op: 'managed';
      caller: CaptchaCaller;
      token: string;
      pow?: CaptchaPowSettings;
      powSolution?: unknown;
      signals?: ManagedSignals;
    }
  | { op: 'verify'; caller: CaptchaCaller; captchaVerification: string };

/** The seed's response body (every field present; unused ones are null). */
export interface CaptchaResponseBody {
  captchaId: string | null;
  projectCode: null;
  captchaOriginalPath: null;
  captchaFontType: null;
  captchaFontSize: null;
  secretKey: string | null;
  originalImageBase64: string | null;
  point: null;
  jigsawImageBase64: string | null;
  wordList: string[] | null;
  pointList: null;
  pointJson: string | null;
  token: string | null;
  result: boolean;
  captchaVerification: string | null;
  /** Extension (part 7): the proof-of-work challenge; present only when the app requires PoW. */
  pow?: PowChallengeBody;
  /** Extension (managed mode): why the puzzle is needed (`result: false`), e.g. `"velocity"`. */
  escalated?: string;
}

export type CaptchaRpcReply = { ok: true; body: CaptchaResponseBody } | { ok: false; code: CaptchaErrorCode };

export function emptyCaptchaBody(): CaptchaResponseBody {
  return {
    captchaId: null,
    projectCode: null,
    captchaOriginalPath: null,
    captchaFontType: null,
    captchaFontSize: null,
    secretKey: null,
    originalImageBase64: null,
    point: null,
    jigsawImageBase64: null,
    wordList: null,
    pointList: null,
    pointJson: null,
    token: null,
    result: false,
    captchaVerification: null,
  };
}
