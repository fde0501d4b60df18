import { expectJson } from './http.js';
import { SignedPoster, type SignedClientOptions } from './signed.js';
import type {
  ResendChannel,
  StartVerificationRequest,
  VerificationCheck,
  VerificationEventBody,
  VerificationEventType,
  VerificationStarted,
} from './types.js';

export type VerificationClientOptions = SignedClientOptions;

const VERIFICATIONS_PATH = '/api/v3/verifications';
const EVENT_TYPES: readonly VerificationEventType[] = [
  'verification.pending',
  'verification.fallback',
  'verification.approved',
  'verification.expired',
  'verification.failed',
];

/**
 * The verification API (`/api/v3/verifications`, docs/verifications.md): the platform draws the
 * code, sends it by SMS, by a call, or SMS with a call as fallback (`auto`), and checks it. Signed
 * with AKSK like callVerify; the app needs the `verify` permission. A refusal throws a
 * VerigateError (`api: 'verify'`) with the answer's `resultcode` (e.g. 403 `1013130`: the
 * destination's prefix is blocked by the fraud guard; 403 `1020180`: not pending any more).
 * A `noAnswer` error leaves it unknown whether the request was taken: do not start again blindly.
 */
export class VerificationClient {
  private readonly poster: SignedPoster;

  constructor(options: VerificationClientOptions) {
    if (!options.appKey || !options.appSecret) throw new TypeError('VerificationClient needs appKey and appSecret');
    this.poster = new SignedPoster('verify', options);
  }

  /** Starts a verification: `{verificationId, status: "pending", channel, expiresAt}`. */
  start(request: StartVerificationRequest, { signal }: { signal?: AbortSignal } = {}): Promise<VerificationStarted> {
    return this.poster.post(
      VERIFICATIONS_PATH,
      request,
      (a) => expectJson<VerificationStarted>('verify', a, 201),
      signal,
    );
  }

  /**
   * Checks a code: `{status: "approved"}` once for the right code, `{status: "denied"}` for
   * anything else (a wrong code, an unknown, expired, used or failed verification: no oracle).
   * A denial is an answer, not an error; the 5th wrong code fails the verification.
   */
  check(verificationId: string, code: string, { signal }: { signal?: AbortSignal } = {}): Promise<VerificationCheck> {
    return this.poster.post(
      `${VERIFICATIONS_PATH}/${encodeURIComponent(verificationId)}/check`,
      { code },
      (a) => expectJson<VerificationCheck>('verify', a),
      signal,
    );
  }

  /** Sends the same code again on `channel` (e.g. a call instead of the SMS; at most 3 times). */
  resend(
    verificationId: string,
    channel: ResendChannel,
    { signal }: { signal?: AbortSignal } = {},
  ): Promise<VerificationStarted> {
    return this.poster.post(
      `${VERIFICATIONS_PATH}/${encodeURIComponent(verificationId)}/resend`,
      { channel },
      (a) => expectJson<VerificationStarted>('verify', a),
      signal,
    );
  }
}

/**
 * A verification webhook's body, parsed (after its signatures were verified over the raw bytes),
 * or null when it is not one (another event kind, or not JSON).
 */
export function parseVerificationEvent(rawBody: string | Uint8Array): VerificationEventBody | null {
  let body: unknown;
  try {
    body = JSON.parse(typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8'));
  } catch {
    return null;
  }
  const candidate = body as Partial<VerificationEventBody> | null;
  if (!candidate || typeof candidate !== 'object') return null;
  if (!EVENT_TYPES.includes(candidate.eventType as VerificationEventType)) return null;
  const v = candidate.verification;
  return v && typeof v === 'object' && typeof v.verificationId === 'string'
    ? (candidate as VerificationEventBody)
    : null;
}
