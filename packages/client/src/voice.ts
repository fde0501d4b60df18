import { NO_ANSWER_CODES, VerigateError } from './errors.js';
import { expectJson } from './http.js';
import { SignedPoster, type SignedClientOptions } from './signed.js';
import type { CallVerifyRequest, CallVerifyResult } from './types.js';

export type VoiceClientOptions = SignedClientOptions;

const CALL_VERIFY_PATH = '/rest/httpsessions/callVerify/v1.0';

/** `statusUrl` / `feeUrl` travel as Base64 of the URL (the seed's rule). */
export function base64Url(url: string): string {
  return Buffer.from(url, 'utf8').toString('base64');
}

/** The voice verification call API, signed with AKSK. */
export class VoiceClient {
  private readonly poster: SignedPoster;

  constructor(options: VoiceClientOptions) {
    if (!options.appKey || !options.appSecret) throw new TypeError('VoiceClient needs appKey and appSecret');
    this.poster = new SignedPoster('voice', options);
  }

  /** Server clock minus local clock (ms), learnt from a 1010013 answer; added to every `Created`. */
  get clockOffsetMs(): number {
    return this.poster.clockOffsetMs;
  }
  set clockOffsetMs(offsetMs: number) {
    this.poster.clockOffsetMs = offsetMs;
  }

  /**
   * Places a verification call: `{resultcode: "0", resultdesc, sessionId, idlePort?}`; any other
   * answer throws a VerigateError with its `resultcode` (e.g. 403 `1013004`: blacklisted callee).
   * A `noAnswer` error (network, time-out) leaves it unknown whether the call was taken: look it up
   * (management API) before placing it again.
   */
  callVerify(body: CallVerifyRequest, { signal }: { signal?: AbortSignal } = {}): Promise<CallVerifyResult> {
    return this.poster.post(
      CALL_VERIFY_PATH,
      body,
      (answer) => {
        const result = expectJson<CallVerifyResult>('voice', answer);
        if (result?.resultcode === '0') return result;
        throw new VerigateError(
          NO_ANSWER_CODES.invalidResponse,
          `unexpected answer: ${answer.text}`,
          answer.status,
          'voice',
          result,
        );
      },
      signal,
    );
  }
}

/** One call without keeping a client: `callVerify({baseUrl, appKey, appSecret}, body)`. */
export function callVerify(options: VoiceClientOptions, body: CallVerifyRequest): Promise<CallVerifyResult> {
  return new VoiceClient(options).callVerify(body);
}
