import { InvalidJsonBody } from '../http/invalid-json-body.js';
import { AdminError } from '../http/rest-error.js';

/** Small, explicit readers for management-API bodies: each failure names the field. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body instanceof InvalidJsonBody && body.kind === 'media-type')
    throw new AdminError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as Content-Type: application/json');
  if (body instanceof InvalidJsonBody)
    throw new AdminError(400, 'INVALID_JSON', `the body is not valid JSON (${body.reason})`);
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw new AdminError(400, 'INVALID_BODY', 'the body must be a JSON object');
  return body as Record<string, unknown>;
}

export function optionalString(body: Record<string, unknown>, name: string, max = 256): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw invalid(name, `a string of 1-${max} characters`);
  return v;
}

export function requiredString(body: Record<string, unknown>, name: string, max = 256): string {
  const v = optionalString(body, name, max);
  if (v === undefined) throw invalid(name, 'present');
  return v;
}

export function optionalEnum<T extends string>(
  body: Record<string, unknown>,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !allowed.includes(v as T)) throw invalid(name, `one of ${allowed.join(', ')}`);
  return v as T;
}

/** An absolute http(s) URL of at most `max` characters, null to clear, undefined when absent. */
export function optionalHttpUrl(body: Record<string, unknown>, name: string, max = 2048): string | null | undefined {
  const v = body[name];
  if (v === undefined) return undefined;
  if (v === null) return null;
  const expected = `an absolute http or https URL of at most ${max} characters, or null`;
  if (typeof v !== 'string' || v.length > max || !URL.canParse(v)) throw invalid(name, expected);
  const { protocol, hostname } = new URL(v);
  if ((protocol !== 'http:' && protocol !== 'https:') || hostname === '') throw invalid(name, expected);
  return v;
}

export function invalid(name: string, expected: string): AdminError {
  return new AdminError(400, 'INVALID_FIELD', `${name} must be ${expected}`);
}

export function notFound(what: string): AdminError {
  return new AdminError(404, 'NOT_FOUND', `${what} not found`);
}

/** An optional ISO 8601 time of a query string. */
export function optionalTime(name: string, value: string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw invalid(name, 'an ISO 8601 time');
  return d;
}

/** A page size of a query string: 1-1000, 100 by default. */
export function pageLimit(value: string | undefined): number {
  if (value === undefined || value === '') return 100;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw invalid('limit', 'an integer 1-1000');
  return n;
}
