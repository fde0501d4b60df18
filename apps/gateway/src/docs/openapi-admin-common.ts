/** The building blocks of the management API's description (openapi-admin.ts): error sets, query parameters, app fields. */
import type { AdminErrorCode } from '#libs/contracts';
import { adminErrors, json, type Operation, type Schema } from './openapi-schema.js';

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
  body?: Schema;
  query?: Schema[];
  errors: readonly AdminErrorCode[];
  csv?: boolean;
  /** The answer is a file of this media type (e.g. audio/wav), not JSON. */
  file?: string;
}

/** Fastify refuses a body over its limit or with an unreadable Content-Type before any handler runs. */
const ADMIN_ANY_BODY: readonly AdminErrorCode[] = ['BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];

export function adminOperation(op: AdminOp, pathParams: string[]): Operation {
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
      ...(op.query ?? []),
    ],
    ...(op.body ? { requestBody: { required: true, content: json(op.body) } } : {}),
    responses: {
      [String(op.ok ?? 200)]: { description: op.okDescription ?? 'Done.', content },
      ...adminErrors([...new Set([...op.errors, ...ADMIN_ANY_BODY])]),
    },
  };
}

export const q = (name: string, description = '', schema: Schema = { type: 'string' }): Schema => ({
  name,
  in: 'query',
  required: false,
  schema,
  ...(description ? { description } : {}),
});
export const page = [
  q('limit', '1-1000', { type: 'integer', minimum: 1, maximum: 1000 }),
  q('before', '`nextBefore` of the previous page, or an ISO time'),
  q('from', 'ISO 8601'),
  q('to', 'ISO 8601'),
];
export const listOf = (item: Schema) => ({
  type: 'object',
  properties: {
    items: { type: 'array', items: item },
    count: { type: 'integer' },
    nextBefore: { type: ['string', 'null'] },
  },
});

export const appFields = {
  name: { type: 'string', maxLength: 256 },
  signature: { type: ['string', 'null'] },
  permissions: {
    type: 'array',
    items: { type: 'string', enum: ['captcha', 'sms', 'voice', 'verify'] },
    description: 'default `captcha`, `sms`, `voice`; `verify` (the verification API) is granted explicitly',
  },
  ipWhitelist: { type: 'array', items: { type: 'string' } },
  restHours: {
    type: ['object', 'null'],
    properties: { from: { type: 'string' }, to: { type: 'string' }, tz: { type: 'string' } },
  },
  voicePorts: { type: ['integer', 'null'] },
  smsStatusUrl: {
    type: ['string', 'null'],
    maxLength: 2048,
    description:
      'Shown with its credentials as `***@`; sent back unchanged it keeps the stored ones, any other URL with `***@` credentials is refused (400 INVALID_FIELD).',
  },
  verificationStatusUrl: {
    type: ['string', 'null'],
    maxLength: 2048,
    description:
      'Where verification events (`verification.pending`, `.fallback`, `.approved`, `.expired`, `.failed`) are posted; credentials shown and kept as for smsStatusUrl.',
  },
  captchaPow: {
    type: 'boolean',
    description: 'captcha proof of work required (default true; apps created before the feature: false)',
  },
  captchaUnderAttack: {
    type: 'boolean',
    description: 'harder proof of work for every client; managed mode always shows the puzzle (default false)',
  },
};

/** A route under /admin/v1/apps/{appKey}: the app may not exist. */
export const withApp = (errors: readonly AdminErrorCode[]) => [...errors, 'NOT_FOUND' as const];
