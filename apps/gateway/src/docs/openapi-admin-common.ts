/** The building blocks of the management API's description (openapi-admin.ts): error sets, query parameters, app fields. */
import type { AdminErrorCode } from '#libs/contracts';
import { jsonSchemaOf } from '#libs/runtime';
import { adminErrors, json, queryParameters, type Operation, type Schema } from './openapi-schema.js';
import { routeSchemas } from './route-schemas.js';
import { appCreateBody } from '../admin/apps/app.schema.js';

export const ADMIN_COMMON: readonly AdminErrorCode[] = [
  'ADMIN_UNAUTHORIZED',
  'BAD_REQUEST',
  'INVALID_FIELD',
  'INTERNAL_ERROR',
];
export const ADMIN_JSON_BODY: readonly AdminErrorCode[] = [
  ...ADMIN_COMMON,
  'INVALID_JSON',
  'INVALID_BODY',
  'INVALID_FIELD',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
];

export interface AdminOp {
  id: string;
  summary: string;
  tag: string;
  ok?: number;
  okSchema?: Schema;
  okDescription?: string;
  errors: readonly AdminErrorCode[];
  csv?: boolean;
  /** The answer is a file of this media type (e.g. audio/wav), not JSON. */
  file?: string;
}

/** Fastify refuses a body over its limit or with an unreadable Content-Type before any handler runs. */
const ADMIN_ANY_BODY: readonly AdminErrorCode[] = ['BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];

/** A management route's operation: its body and query parameters generated from its schemas (route-schemas.ts). */
export function adminOperation(op: AdminOp, method: string, path: string): Operation {
  const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const { body } = routeSchemas(method, path);
  const content: Schema = op.file
    ? { [op.file]: { schema: { type: 'string', format: 'binary' } } }
    : json(op.okSchema ?? { type: 'object' });
  if (op.csv) content['text/csv'] = { schema: { type: 'string' } };
  return {
    operationId: op.id,
    summary: op.summary,
    tags: [op.tag],
    security: [{ operatorToken: [] }],
    parameters: [
      ...pathParams.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...queryParameters(method, path),
    ],
    ...(body ? { requestBody: { required: true, content: json(jsonSchemaOf(body)) } } : {}),
    responses: {
      [String(op.ok ?? 200)]: { description: op.okDescription ?? 'Done.', content },
      ...adminErrors([...new Set([...op.errors, ...ADMIN_ANY_BODY])]),
    },
  };
}

export const listOf = (item: Schema) => ({
  type: 'object',
  properties: {
    items: { type: 'array', items: item },
    count: { type: 'integer' },
    nextBefore: { type: ['string', 'null'] },
  },
});

/** The fields of an app as the management API takes them (and shows them): generated from the create body's schema. */
export const appFields = (jsonSchemaOf(appCreateBody) as { properties: Record<string, Schema> }).properties;

/** A route under /admin/v1/apps/{appKey}: the app may not exist. */
export const withApp = (errors: readonly AdminErrorCode[]) => [...errors, 'NOT_FOUND' as const];
