import { errorOfBody, NO_ANSWER_CODES, VerigateError, type VerigateApi } from './errors.js';

/** What every client of this library takes. */
export interface ClientOptions {
  /** The gateway, e.g. `https://verigate.example.com` (default `http://127.0.0.1:3000`). */
  baseUrl?: string;
  /** Per request; no answer by then throws a VerigateError `TIMEOUT` (default 10 000 ms). */
  timeoutMs?: number;
  /** Another fetch (a proxy agent, a test double); default: the global fetch of Node ≥ 20. */
  fetch?: typeof fetch;
}

export interface HttpRequest {
  method: string;
  path: string;
  query?: Record<string, string | number | undefined | null>;
  headers?: Record<string, string>;
  /** A JSON value (sent as JSON) or raw bytes (sent as they are, with the given Content-Type). */
  json?: unknown;
  bytes?: Uint8Array;
  signal?: AbortSignal;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON; undefined when it is empty or not JSON. */
  body: unknown;
}

export const DEFAULT_BASE_URL = 'http://127.0.0.1:3000';
const DEFAULT_TIMEOUT_MS = 10_000;

/** `?a=1&b=x` of the given parameters, leaving out the absent ones ('' when none). */
export function queryString(query: HttpRequest['query']): string {
  const pairs = Object.entries(query ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return pairs.length ? `?${new URLSearchParams(pairs.map(([k, v]) => [k, String(v)]))}` : '';
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** One HTTP exchange; only a missing answer throws here (the callers decide what a status means). */
export async function exchange(api: VerigateApi, options: ClientOptions, request: HttpRequest): Promise<HttpAnswer> {
  const base = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  // A copy on its own ArrayBuffer: what fetch's BodyInit types accept (a Buffer may share a pooled one).
  if (request.bytes !== undefined) body = new Uint8Array(request.bytes);
  else if (request.json !== undefined) {
    body = JSON.stringify(request.json);
    headers['content-type'] ??= 'application/json';
  }
  try {
    const response = await (options.fetch ?? fetch)(`${base}${request.path}${queryString(request.query)}`, {
      method: request.method,
      headers,
      body,
      signal,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: parseJson(text) };
  } catch (error) {
    const timedOut = timeout.aborted && !request.signal?.aborted;
    throw new VerigateError(
      timedOut ? NO_ANSWER_CODES.timeout : NO_ANSWER_CODES.network,
      timedOut
        ? `no answer from ${base} within ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`
        : `cannot reach ${base}: ${(error as Error).message}`,
      0,
      api,
      undefined,
      { cause: error },
    );
  }
}

/** The answer's JSON body when its status is `expected`; a VerigateError carrying its code otherwise. */
export function expectJson<T>(api: VerigateApi, answer: HttpAnswer, expected: number | number[] = 200): T {
  const ok = ([] as number[]).concat(expected).includes(answer.status);
  if (ok && (answer.body !== undefined || answer.text === '')) return answer.body as T;
  const error = errorOfBody(api, answer.body);
  if (!ok && error) throw new VerigateError(error.code, error.message, answer.status, api, answer.body);
  throw new VerigateError(
    NO_ANSWER_CODES.invalidResponse,
    `unexpected answer ${answer.status}: ${answer.text.slice(0, 200)}`,
    answer.status,
    api,
    answer.body ?? answer.text,
  );
}
