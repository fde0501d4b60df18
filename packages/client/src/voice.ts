import { signAksk } from './aksk.js';
import { NO_ANSWER_CODES, VerigateError } from './errors.js';
import { exchange, expectJson, type ClientOptions, type HttpAnswer } from './http.js';
import type { CallVerifyRequest, CallVerifyResult } from './types.js';

export interface VoiceClientOptions extends ClientOptions {
  appKey: string;
  appSecret: string;
  /**
   * When the gateway refuses `Created` as outside its window (401 1010013), take its clock from
   * the answer's `Date` header and sign once more with that time and a fresh nonce (default true).
   * The refused request was not taken, so this never places a call twice.
   */
  correctClockSkew?: boolean;
  /** The local clock (tests); default Date.now. */
  now?: () => number;
}

const CALL_VERIFY_PATH = '/rest/httpsessions/callVerify/v1.0';
/** The seed fixes this Content-Type; anything else is refused with 403 1010002. */
const CALL_VERIFY_CONTENT_TYPE = 'application/json;charset=UTF-8';
const CREATED_OUTSIDE_WINDOW = '1010013';

/** `statusUrl` / `feeUrl` travel as Base64 of the URL (the seed's rule). */
export function base64Url(url: string): string {
  return Buffer.from(url, 'utf8').toString('base64');
}

/** The voice verification call API, signed with AKSK. */
export class VoiceClient {
  /** Server clock minus local clock (ms), learnt from a 1010013 answer; added to every `Created`. */
  clockOffsetMs = 0;

  constructor(private readonly options: VoiceClientOptions) {
    if (!options.appKey || !options.appSecret) throw new TypeError('VoiceClient needs appKey and appSecret');
  }

  /**
   * Places a verification call: `{resultcode: "0", resultdesc, sessionId, idlePort?}`; any other
   * answer throws a VerigateError with its `resultcode` (e.g. 403 `1013004`: blacklisted callee).
   * A `noAnswer` error (network, time-out) leaves it unknown whether the call was taken: look it up
   * (management API) before placing it again.
   */
  async callVerify(body: CallVerifyRequest, { signal }: { signal?: AbortSignal } = {}): Promise<CallVerifyResult> {
    const first = await this.attempt(body, signal);
    if (first.ok) return first.result;
    const offset = this.skewCorrection(first);
    if (offset === null) throw first.error;
    this.clockOffsetMs = offset;
    const second = await this.attempt(body, signal);
    if (second.ok) return second.result;
    throw second.error;
  }

  private async attempt(body: CallVerifyRequest, signal?: AbortSignal): Promise<Attempt> {
    const now = new Date(this.localNow() + this.clockOffsetMs);
    const answer = await exchange('voice', this.options, {
      method: 'POST',
      path: CALL_VERIFY_PATH,
      headers: {
        'content-type': CALL_VERIFY_CONTENT_TYPE,
        ...signAksk(this.options.appKey, this.options.appSecret, { now }),
      },
      json: body,
      signal,
    });
    try {
      const result = expectJson<CallVerifyResult>('voice', answer);
      if (result?.resultcode === '0') return { ok: true, result };
      throw new VerigateError(
        NO_ANSWER_CODES.invalidResponse,
        `unexpected answer: ${answer.text}`,
        answer.status,
        'voice',
        result,
      );
    } catch (error) {
      if (error instanceof VerigateError) return { ok: false, error, answer };
      throw error;
    }
  }

  private localNow(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The clock offset to sign again with, when a first attempt was refused for its `Created`; else null. */
  private skewCorrection(failed: Extract<Attempt, { ok: false }>): number | null {
    if (this.options.correctClockSkew === false || failed.error.resultcode !== CREATED_OUTSIDE_WINDOW) return null;
    const serverTime = Date.parse(failed.answer.headers.get('date') ?? '');
    if (Number.isNaN(serverTime)) return null;
    const offset = serverTime - this.localNow();
    // Within 2 s of what was used already: the clock was not the reason.
    return Math.abs(offset - this.clockOffsetMs) < 2_000 ? null : offset;
  }
}

type Attempt = { ok: true; result: CallVerifyResult } | { ok: false; error: VerigateError; answer: HttpAnswer };

/** One call without keeping a client: `callVerify({baseUrl, appKey, appSecret}, body)`. */
export function callVerify(options: VoiceClientOptions, body: CallVerifyRequest): Promise<CallVerifyResult> {
  return new VoiceClient(options).callVerify(body);
}
