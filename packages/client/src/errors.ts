/** Which of Verigate's APIs answered: each has its own error body. */
export type VerigateApi = 'voice' | 'sdk' | 'admin' | 'platform';

/** `resultcode` of a failure that got no readable answer from the gateway. */
export const NO_ANSWER_CODES = {
  /** The gateway could not be reached (refused, reset, DNS). */
  network: 'NETWORK_ERROR',
  /** No answer within `timeoutMs`. */
  timeout: 'TIMEOUT',
  /** An answer that is not the API's JSON (a proxy's HTML page, a truncated body). */
  invalidResponse: 'INVALID_RESPONSE',
} as const;

/**
 * Every failure of a call through this library. `resultcode` is the code of the answer:
 * the voice API's `resultcode` (e.g. `"1010010"`), the SDK APIs' `error_code`
 * (`"SMS.CODE_WRONG"`), the management API's `error_code` (`"NOT_FOUND"`), or one of
 * NO_ANSWER_CODES with `status` 0 when there was no readable answer.
 */
export class VerigateError extends Error {
  override readonly name = 'VerigateError';

  constructor(
    readonly resultcode: string,
    message: string,
    /** The HTTP status of the answer; 0 when there was none. */
    readonly status: number,
    readonly api: VerigateApi,
    /** The answer's body as parsed (JSON) or text, for logging and debugging. */
    readonly body?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** True when the gateway gave no answer (network failure, time-out): the request may or may not have been taken. */
  get noAnswer(): boolean {
    return this.status === 0;
  }
}

/** The code and message of an error body of `api`, or null when the body is not one. */
export function errorOfBody(api: VerigateApi, body: unknown): { code: string; message: string } | null {
  if (typeof body !== 'object' || body === null) return null;
  const fields = body as Record<string, unknown>;
  const [codeField, messageField] = api === 'voice' ? ['resultcode', 'resultdesc'] : ['error_code', 'error_msg'];
  const code = fields[codeField];
  if (typeof code !== 'string') return null;
  const message = fields[messageField];
  return { code, message: typeof message === 'string' ? message : code };
}
