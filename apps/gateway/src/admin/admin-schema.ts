import * as z from 'zod';
import type { AdminErrorCode } from '#libs/contracts';
import { parseCidr, validate, withCodes } from '#libs/runtime';
import { InvalidJsonBody } from '../http/invalid-json-body.js';
import { AdminError } from '../http/rest-error.js';
import { PHONE_NUMBER, PHONE_NUMBER_RULE } from '../policy/phone-number.js';

/**
 * The management API's bodies and queries are zod schemas (one per request, next to its
 * controller: `<resource>.schema.ts`); these are their shared field builders and the check that
 * turns the first refused field into `400 INVALID_FIELD` with `<field> must be <rule>`.
 */
const INVALID_FIELD = 'INVALID_FIELD' satisfies AdminErrorCode;

/** The body as an object: not JSON → 400 INVALID_JSON, not an object → 400 INVALID_BODY, no body → {}. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body instanceof InvalidJsonBody && body.kind === 'media-type')
    throw new AdminError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as Content-Type: application/json');
  if (body instanceof InvalidJsonBody)
    throw new AdminError(400, 'INVALID_JSON', `the body is not valid JSON (${body.reason})`);
  if (body === undefined) return {};
  // A JSON `null` is not an object: the document (generated from the schemas) refuses it, so must the server.
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new AdminError(400, 'INVALID_BODY', 'the body must be a JSON object');
  return body as Record<string, unknown>;
}

/**
 * `input` checked against `schema` (every field, or `keys` only), in the schema's order: the
 * first refused field is `400 INVALID_FIELD` with its check's message.
 */
export function adminValidate<S extends z.ZodObject>(
  schema: S,
  input: Record<string, unknown>,
  keys?: readonly (keyof S['shape'] & string)[],
): z.output<S> {
  const result = validate(schema, input, keys);
  if (result.ok) return result.value;
  throw new AdminError(400, (result.code ?? INVALID_FIELD) as AdminErrorCode, result.message);
}

export function invalid(name: string, expected: string): AdminError {
  return new AdminError(400, 'INVALID_FIELD', `${name} must be ${expected}`);
}

export function notFound(what: string): AdminError {
  return new AdminError(404, 'NOT_FOUND', `${what} not found`);
}

const coded = <S extends z.ZodType>(schema: S, description?: string): S =>
  withCodes(schema, { 'x-error-code': INVALID_FIELD, ...(description ? { description } : {}) });

/** A string of 1-`max` characters, or null (which clears the stored value). */
export function clearableString(name: string, max = 256) {
  const rule = `${name} must be a string of 1-${max} characters`;
  return coded(z.string(rule).min(1, rule).max(max, rule).nullish());
}

/** A string of 1-`max` characters; null is taken as absent. */
export function optionalString(name: string, max = 256) {
  const rule = `${name} must be a string of 1-${max} characters`;
  return coded(
    z
      .string(rule)
      .min(1, rule)
      .max(max, rule)
      .nullish()
      .transform((value) => value ?? undefined),
  );
}

function presentString(name: string, max: number) {
  const rule = `${name} must be a string of 1-${max} characters`;
  return z
    .string({
      error: (issue) => (issue.input === undefined || issue.input === null ? `${name} must be present` : rule),
    })
    .min(1, rule)
    .max(max, rule);
}

/** A string of 1-`max` characters that must be there. */
export function requiredString(name: string, max = 256) {
  return coded(presentString(name, max));
}

/** A phone number that must be there: a string of 1-32 characters, then the seed's rule (PHONE_NUMBER). */
export function requiredPhoneNumber(name: string) {
  return coded(presentString(name, 32).regex(PHONE_NUMBER, `${name} must be ${PHONE_NUMBER_RULE}`));
}

/** An IP address or CIDR that must be there: a string of 1-64 characters that parses. */
export function requiredCidr(name: string) {
  return coded(
    presentString(name, 64).refine((cidr) => parseCidr(cidr) !== null, `${name} must be an IP address or CIDR`),
    'an IP address or CIDR',
  );
}

/** One of `allowed`; null is taken as absent. `absent`: the rule an absent value breaks (then it is required). */
export function optionalEnum<const T extends readonly [string, ...string[]]>(
  name: string,
  allowed: T,
): z.ZodType<T[number] | undefined>;
export function optionalEnum<const T extends readonly [string, ...string[]]>(
  name: string,
  allowed: T,
  absent: string,
): z.ZodType<T[number]>;
export function optionalEnum<const T extends readonly [string, ...string[]]>(
  name: string,
  allowed: T,
  absent?: string,
) {
  const rule = `${name} must be one of ${allowed.join(', ')}`;
  if (absent === undefined)
    return coded(
      z
        .enum(allowed, rule)
        .nullish()
        .transform((value) => value ?? undefined),
    );
  return coded(
    z.enum(allowed, {
      error: (issue) => (issue.input === undefined || issue.input === null ? `${name} must be ${absent}` : rule),
    }),
  );
}

/** The rule of an http(s) URL field, as its refusal says it. */
export function httpUrlRule(name: string, max: number): string {
  return `${name} must be an absolute http or https URL of at most ${max} characters, or null`;
}

/** An absolute URL with an http(s) scheme and a host. */
export function isAbsoluteHttpUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const { protocol, hostname } = new URL(url);
  return (protocol === 'http:' || protocol === 'https:') && hostname !== '';
}

/** An absolute http(s) URL of at most `max` characters, null to clear, undefined when absent. */
export function httpUrl(name: string, max = 2048) {
  const rule = httpUrlRule(name, max);
  return coded(z.string(rule).max(max, rule).refine(isAbsoluteHttpUrl, rule).nullish());
}

/** An absolute http(s) URL field of `body` (see httpUrl). */
export function optionalHttpUrl(body: Record<string, unknown>, name: string, max = 2048): string | null | undefined {
  return adminValidate(z.object({ [name]: httpUrl(name, max) }), body)[name] as string | null | undefined;
}

/** An optional ISO 8601 time of a query string ('' = absent). */
export function isoTime(name: string) {
  const rule = `${name} must be an ISO 8601 time`;
  return coded(
    z
      .string(rule)
      .optional()
      .transform((value, ctx) => {
        if (value === undefined || value === '') return undefined;
        const time = new Date(value);
        if (!Number.isNaN(time.getTime())) return time;
        ctx.issues.push({ code: 'custom', message: rule, input: value });
        return z.NEVER;
      }),
    'ISO 8601',
  );
}

/** A page size of a query string: 1-1000, 100 by default ('' = absent). */
export const pageLimitField = withCodes(
  z
    .string('limit must be an integer 1-1000')
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return 100;
      const n = Number(value);
      if (Number.isInteger(n) && n >= 1 && n <= 1000) return n;
      ctx.issues.push({ code: 'custom', message: 'limit must be an integer 1-1000', input: value });
      return z.NEVER;
    }),
  { 'x-error-code': INVALID_FIELD, type: 'integer', minimum: 1, maximum: 1000, description: '1-1000' },
);

/** The paging fields of a listing's query (`from`/`to` are checked where the listing reads them). */
export const pageQuery = z.object({
  limit: pageLimitField,
  before: coded(z.string().optional(), '`nextBefore` of the previous page, or an ISO time'),
  from: coded(z.string().optional(), 'ISO 8601'),
  to: coded(z.string().optional(), 'ISO 8601'),
});

/** `format` of a listing: json (default) or csv. */
export const listFormatField = withCodes(z.enum(['json', 'csv'], 'format must be json or csv').optional(), {
  'x-error-code': 'UNSUPPORTED_FORMAT' satisfies AdminErrorCode,
  description: 'json (default) or csv',
});

/** An optional ISO 8601 time of a query string. */
export function optionalTime(name: string, value: string | undefined): Date | undefined {
  return adminValidate(z.object({ [name]: isoTime(name) }), { [name]: value })[name] as Date | undefined;
}

/** A page size of a query string: 1-1000, 100 by default. */
export function pageLimit(value: string | undefined): number {
  return adminValidate(pageQuery, { limit: value }, ['limit']).limit;
}
