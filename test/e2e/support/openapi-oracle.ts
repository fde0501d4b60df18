import { ERROR_CODE_FIELD, openApiDocument, type Operation } from '../../../apps/gateway/src/docs/openapi.js';

/**
 * The OpenAPI document as the oracle of what an endpoint may answer: its documented statuses and,
 * per error status, its documented codes. The property suites check every answer against it, so
 * the document and the behaviour are checked against each other.
 */
export const document = openApiDocument();

/** With FC_STATS set: how often each (endpoint, status, code) was answered, to see what the generators reach. */
export const answersSeen = new Map<string, number>();
/** Called after a suite: writes the answers seen to stderr (FC_STATS only). */
export function reportAnswersSeen(): void {
  if (process.env.FC_STATS)
    process.stderr.write(
      [...answersSeen]
        .sort()
        .map(([key, n]) => `${n}  ${key}\n`)
        .join(''),
    );
}

/** Codes the document lists because they can happen, but that a bad request must never cause. */
const FAULT_CODES = new Set([
  'CAPTCHA.INTERNAL_ERROR',
  'SMS.INTERNAL_ERROR',
  'CAPTCHA.SERVICE_UNAVAILABLE',
  'SMS.SERVICE_UNAVAILABLE',
  'INTERNAL_ERROR',
  '1010001',
  '1020002',
  '1023001',
  '1023002',
]);

export function operation(method: string, path: string): Operation {
  const op = document.paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${path} is not in the OpenAPI document`);
  return op;
}

function codeField(path: string): string {
  return path.startsWith('/rest/')
    ? ERROR_CODE_FIELD.rest
    : path.startsWith('/api/v2/sdk/')
      ? ERROR_CODE_FIELD.sdk
      : ERROR_CODE_FIELD.admin;
}

/** The documented codes of `status` for an operation (empty for success statuses). */
export function documentedCodes(method: string, path: string, status: number): string[] {
  const response = operation(method, path).responses[String(status)] as
    { content?: Record<string, { schema?: { properties?: Record<string, { enum?: string[] }> } }> } | undefined;
  return response?.content?.['application/json']?.schema?.properties?.[codeField(path)]?.enum ?? [];
}

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
};

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/**
 * Where `value` breaks `schema` (the keywords the document uses), or null. Written from the
 * document alone, not from the gateway's validation, so the two are checked against each other.
 */
export function schemaBreach(schema: Schema | undefined, value: unknown, at = 'body'): string | null {
  if (!schema) return null;
  if (schema.$ref)
    return schemaBreach(
      (document.components.schemas as Record<string, Schema>)[schema.$ref.split('/').pop()!],
      value,
      at,
    );
  const types = schema.type === undefined ? [] : [schema.type].flat();
  const type = jsonType(value);
  if (types.length && !types.includes(type) && !(type === 'integer' && types.includes('number')))
    return `${at} is ${type}, not ${types.join('|')}`;
  if (schema.enum && !schema.enum.includes(value)) return `${at} is not one of ${JSON.stringify(schema.enum)}`;
  if ('const' in schema && schema.const !== value) return `${at} is not ${JSON.stringify(schema.const)}`;
  if (typeof value === 'string') return stringBreach(schema, value, at);
  if (typeof value === 'number') return numberBreach(schema, value, at);
  if (Array.isArray(value)) return arrayBreach(schema, value, at);
  if (type === 'object') return objectBreach(schema, value as Record<string, unknown>, at);
  return null;
}

function stringBreach(schema: Schema, value: string, at: string): string | null {
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength) return `${at} is shorter than ${schema.minLength}`;
  if (schema.maxLength !== undefined && length > schema.maxLength) return `${at} is longer than ${schema.maxLength}`;
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value))
    return `${at} does not match ${schema.pattern}`;
  return null;
}

function numberBreach(schema: Schema, value: number, at: string): string | null {
  if (schema.minimum !== undefined && value < schema.minimum) return `${at} is below ${schema.minimum}`;
  if (schema.maximum !== undefined && value > schema.maximum) return `${at} is above ${schema.maximum}`;
  return null;
}

function arrayBreach(schema: Schema, value: unknown[], at: string): string | null {
  if (schema.minItems !== undefined && value.length < schema.minItems)
    return `${at} has fewer than ${schema.minItems} items`;
  if (schema.maxItems !== undefined && value.length > schema.maxItems)
    return `${at} has more than ${schema.maxItems} items`;
  for (const [i, item] of value.entries()) {
    const breach = schemaBreach(schema.items, item, `${at}[${i}]`);
    if (breach) return breach;
  }
  return null;
}

function objectBreach(schema: Schema, object: Record<string, unknown>, at: string): string | null {
  for (const key of schema.required ?? []) if (!(key in object)) return `${at}.${key} is missing`;
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    if (!(key in object)) continue;
    const breach = schemaBreach(sub, object[key], `${at}.${key}`);
    if (breach) return breach;
  }
  return null;
}

/** Why the document refuses this JSON request body (unparsable, or against its schema), or null; null also when the operation documents no JSON body. */
export function requestBodyBreach(method: string, path: string, requestBody: string | Buffer): string | null {
  const schema = (operation(method, path).requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)
    ?.content?.['application/json']?.schema;
  if (!schema) return null;
  let value: unknown;
  try {
    value = JSON.parse(typeof requestBody === 'string' ? requestBody : requestBody.toString('utf8'));
  } catch {
    return 'the body is not JSON';
  }
  return schemaBreach(schema, value);
}

/**
 * Why an answer breaks the document, or null when it conforms: the status must be documented for
 * the operation, an error body must have the documented shape and one of that status's codes,
 * and no answer may be a fault (an internal error, or the dependency-down 503). With the request
 * body sent: a body the document's schema refuses must not be accepted (a 2xx; callVerify's
 * resultcode 0), whatever code a refusal carries.
 */
export function violation(
  method: string,
  path: string,
  status: number,
  bodyText: string,
  requestBody?: string | Buffer,
): string | null {
  const op = operation(method, path);
  const accepted =
    status >= 200 && status < 300 && (codeField(path) !== 'resultcode' || /"resultcode":"0"/.test(bodyText));
  if (accepted && requestBody !== undefined) {
    const breach = requestBodyBreach(method, path, requestBody);
    if (breach)
      return `${method} ${path} accepted (${status} ${bodyText.slice(0, 120)}) a body the document refuses: ${breach}`;
  }
  if (process.env.FC_STATS) countAnswer(method, path, status, bodyText);
  const at = `${method} ${path} answered ${status} ${bodyText.slice(0, 300)}`;
  if (!(String(status) in op.responses))
    return `${at}: status not in the document (${Object.keys(op.responses).join(', ')})`;
  const field = codeField(path);
  const codes = documentedCodes(method, path, status);
  if (status >= 200 && status < 300 && field !== 'resultcode') return null;
  return answerBodyBreach(at, field, codes, status, bodyText);
}

/** FC_STATS: counts each (operation, status, code) answer seen. */
function countAnswer(method: string, path: string, status: number, bodyText: string): void {
  const key = `${method} ${path} ${status} ${/"(?:error_code|resultcode)":"([^"]*)"/.exec(bodyText)?.[1] ?? ''}`;
  answersSeen.set(key, (answersSeen.get(key) ?? 0) + 1);
}

/** The body of a documented non-2xx answer (or of callVerify's 200) against its documented shape and codes. */
function answerBodyBreach(
  at: string,
  field: ReturnType<typeof codeField>,
  codes: string[],
  status: number,
  bodyText: string,
): string | null {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(bodyText) as Record<string, unknown>;
  } catch {
    return `${at}: not JSON`;
  }
  if (field === 'resultcode' && status === 200)
    return body.resultcode === '0' ? null : `${at}: 200 without resultcode 0`;
  const code = body[field];
  const message = body[field === 'resultcode' ? 'resultdesc' : 'error_msg'];
  if (typeof code !== 'string' || typeof message !== 'string')
    return `${at}: not the documented error shape {${field}, …}`;
  if (!codes.includes(code)) return `${at}: code ${code} not documented for ${status} (${codes.join(', ')})`;
  if (FAULT_CODES.has(code)) return `${at}: a fault (${code}) caused by a request`;
  return null;
}
