/**
 * The console's one way to the management API: same origin, `Authorization: Bearer <token>`,
 * JSON in and out; a refusal becomes an ApiError carrying the API's `error_code` and words.
 */

/** A refused or failed management-API call, as the person reads it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** "INVALID_FIELD (HTTP 400): permissions must be …": the result code first, then the API's words. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.code} (HTTP ${error.status}): ${error.message}`;
  if (error instanceof TypeError) return `NETWORK_ERROR: the gateway could not be reached (${error.message})`;
  return `UNEXPECTED_ERROR: ${error instanceof Error ? error.message : String(error)}`;
}

/** The ApiError of an answer that is not 2xx, from its `{error_code, error_msg}` body when it has one. */
export function errorOf(status: number, bodyText: string): ApiError {
  try {
    const body = JSON.parse(bodyText) as { error_code?: unknown; error_msg?: unknown };
    if (typeof body.error_code === 'string')
      return new ApiError(status, body.error_code, typeof body.error_msg === 'string' ? body.error_msg : '');
  } catch {
    // not JSON: described by its status below
  }
  const words = bodyText.trim().slice(0, 200) || 'no explanation given';
  return new ApiError(status, `HTTP_${status}`, words);
}

/** `?a=1&b=x` of the filled-in fields only (an empty field means "any"). */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface Request {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** JSON body (or raw bytes with `contentType`). */
  body?: unknown;
  contentType?: string;
}

/** The management API with one operator token. */
export class AdminApi {
  constructor(
    private readonly token: string,
    private readonly fetcher: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  private async send(path: string, request: Request): Promise<Response> {
    const raw = request.body instanceof Blob || request.body instanceof ArrayBuffer;
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (request.body !== undefined) headers['content-type'] = request.contentType ?? 'application/json';
    const response = await this.fetcher(`/admin/v1${path}`, {
      method: request.method ?? 'GET',
      headers,
      body: request.body === undefined ? undefined : raw ? (request.body as BodyInit) : JSON.stringify(request.body),
    });
    if (!response.ok) throw errorOf(response.status, await response.text());
    return response;
  }

  /** The JSON answer (undefined for an empty one). */
  async json<T>(path: string, request: Request = {}): Promise<T> {
    const text = await (await this.send(path, request)).text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** The answer as a file (a CSV export, a tone), read as the gateway streams it. */
  async blob(path: string): Promise<Blob> {
    return (await this.send(path, {})).blob();
  }
}
