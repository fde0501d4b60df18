/**
 * The building blocks of the OpenAPI document (openapi.ts): its types, and the error answers of
 * each API family drawn from the error tables of libs/contracts.
 */
import {
  ADMIN_ERRORS,
  ResultCodes,
  SDK_ERRORS,
  type AdminErrorCode,
  type CaptchaErrorCode,
  type ResultCodeName,
  type SdkApi,
  type SmsErrorCode,
} from '#libs/contracts';
import { jsonSchemaOf, queryParametersOf } from '#libs/runtime';
import { routeSchemas } from './route-schemas.js';

export type Schema = Record<string, unknown>;
export type Responses = Record<string, Schema>;
export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Schema[];
  requestBody?: Schema;
  responses: Responses;
}
export type OpenApiDocument = {
  openapi: string;
  info: Schema;
  servers: Schema[];
  tags: Schema[];
  paths: Record<string, Record<string, Operation>>;
  components: Schema;
};

/** The field of an error body that carries its code, per API family (the property tests read it). */
export const ERROR_CODE_FIELD = { sdk: 'error_code', rest: 'resultcode', admin: 'error_code' } as const;

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The JSON Schema of a route's body, generated from its schema in route-schemas.ts. */
export function requestBodySchema(method: string, path: string): Schema {
  const { body } = routeSchemas(method, path);
  if (!body) throw new Error(`${method} ${path} takes no JSON body`);
  return jsonSchemaOf(body);
}

/** The query parameters of a route, generated from its query schema in route-schemas.ts (none without one). */
export function queryParameters(method: string, path: string): Schema[] {
  const { query } = routeSchemas(method, path);
  return query ? queryParametersOf(query) : [];
}
export const json = (schema: Schema) => ({ 'application/json': { schema } });

/** Adds `schema` answers grouped by status into `responses` (several codes may share a status). */
function mergeErrors(
  responses: Responses,
  byStatus: Map<number, { codes: string[]; lines: string[] }>,
  shape: string,
  field: string,
): Responses {
  for (const [status, { codes, lines }] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: lines.join('\n\n'),
      content: json({ allOf: [ref(shape)], properties: { [field]: { enum: [...new Set(codes)] } } }),
    };
  }
  return responses;
}

function group<T>(
  items: readonly T[],
  statusOf: (item: T) => number,
  codeOf: (item: T) => string,
  lineOf: (item: T) => string,
) {
  const byStatus = new Map<number, { codes: string[]; lines: string[] }>();
  for (const item of items) {
    const entry = byStatus.get(statusOf(item)) ?? { codes: [], lines: [] };
    entry.codes.push(codeOf(item));
    entry.lines.push(lineOf(item));
    byStatus.set(statusOf(item), entry);
  }
  return byStatus;
}

export function sdkErrors(api: SdkApi, codes: readonly (CaptchaErrorCode | SmsErrorCode)[]): Responses {
  return mergeErrors(
    {},
    group(
      codes,
      (c) => SDK_ERRORS[c].httpStatus,
      (c) => `${api}.${c}`,
      (c) => `\`${api}.${c}\`: ${SDK_ERRORS[c].en}`,
    ),
    'SdkError',
    ERROR_CODE_FIELD.sdk,
  );
}

export function restErrors(names: readonly ResultCodeName[]): Responses {
  return mergeErrors(
    {},
    group(
      names,
      (n) => ResultCodes[n].httpStatus,
      (n) => ResultCodes[n].code,
      (n) => `\`${ResultCodes[n].code}\`: ${ResultCodes[n].description}`,
    ),
    'RestResult',
    ERROR_CODE_FIELD.rest,
  );
}

export function adminErrors(codes: readonly AdminErrorCode[]): Responses {
  return mergeErrors(
    {},
    group(
      codes,
      (c) => ADMIN_ERRORS[c].httpStatus,
      (c) => c,
      (c) => `\`${c}\`: ${ADMIN_ERRORS[c].meaning}`,
    ),
    'AdminError',
    ERROR_CODE_FIELD.admin,
  );
}
