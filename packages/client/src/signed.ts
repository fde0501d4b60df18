import { signAksk } from './aksk.js';
import { VerigateError, type VerigateApi } from './errors.js';
import { exchange, type ClientOptions, type HttpAnswer } from './http.js';

/** What the clients of the AKSK-signed APIs (callVerify, the verification API) take. */
export interface SignedClientOptions extends ClientOptions {
  appKey: string;
  appSecret: string;
  /**
   * When the gateway refuses `Created` as outside its window (401 1010013), take its clock from
   * the answer's `Date` header and sign once more with that time and a fresh nonce (default true).
   * The refused request was not taken, so this never does anything twice.
   */
  correctClockSkew?: boolean;
  /** The local clock (tests); default Date.now. */
  now?: () => number;
}

/** The seed fixes this Content-Type; anything else is refused with 403 1010002. */
const SIGNED_CONTENT_TYPE = 'application/json;charset=UTF-8';
const CREATED_OUTSIDE_WINDOW = '1010013';

type Attempt<T> = { ok: true; result: T } | { ok: false; error: VerigateError; answer: HttpAnswer };

/**
 * A POST signed with AKSK (a fresh nonce each time), read by `accept` (which throws a VerigateError
 * for a refusal), with one more signed attempt when the refusal is a clock skew the answer explains.
 */
export class SignedPoster {
  /** Server clock minus local clock (ms), learnt from a 1010013 answer; added to every `Created`. */
  clockOffsetMs = 0;

  constructor(
    private readonly api: VerigateApi,
    private readonly options: SignedClientOptions,
  ) {
    if (!options.appKey || !options.appSecret) throw new TypeError(`${api} client needs appKey and appSecret`);
  }

  async post<T>(path: string, json: unknown, accept: (answer: HttpAnswer) => T, signal?: AbortSignal): Promise<T> {
    const first = await this.attempt(path, json, accept, signal);
    if (first.ok) return first.result;
    const offset = this.skewCorrection(first.error, first.answer);
    if (offset === null) throw first.error;
    this.clockOffsetMs = offset;
    const second = await this.attempt(path, json, accept, signal);
    if (second.ok) return second.result;
    throw second.error;
  }

  private async attempt<T>(
    path: string,
    json: unknown,
    accept: (answer: HttpAnswer) => T,
    signal?: AbortSignal,
  ): Promise<Attempt<T>> {
    const now = new Date(this.localNow() + this.clockOffsetMs);
    const answer = await exchange(this.api, this.options, {
      method: 'POST',
      path,
      headers: {
        'content-type': SIGNED_CONTENT_TYPE,
        ...signAksk(this.options.appKey, this.options.appSecret, { now }),
      },
      json,
      signal,
    });
    try {
      return { ok: true, result: accept(answer) };
    } catch (error) {
      if (error instanceof VerigateError) return { ok: false, error, answer };
      throw error;
    }
  }

  private localNow(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The clock offset to sign again with, when a first attempt was refused for its `Created`; else null. */
  private skewCorrection(error: VerigateError, answer: HttpAnswer): number | null {
    if (this.options.correctClockSkew === false || error.resultcode !== CREATED_OUTSIDE_WINDOW) return null;
    const serverTime = Date.parse(answer.headers.get('date') ?? '');
    if (Number.isNaN(serverTime)) return null;
    const offset = serverTime - this.localNow();
    // Within 2 s of what was used already: the clock was not the reason.
    return Math.abs(offset - this.clockOffsetMs) < 2_000 ? null : offset;
  }
}
