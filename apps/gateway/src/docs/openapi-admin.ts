/** The management API of the OpenAPI document (docs/contract.md#operating-the-platform): one compact description per route. */
import type { AdminErrorCode } from '#libs/contracts';
import { MAX_TONE_BYTES } from '../admin/tones/wav.js';
import { adminErrors, json, ref, type Operation, type Schema } from './openapi-schema.js';

const ADMIN_COMMON: readonly AdminErrorCode[] = [
  'ADMIN_UNAUTHORIZED',
  'BAD_REQUEST',
  'INVALID_FIELD',
  'INTERNAL_ERROR',
];
const ADMIN_JSON_BODY: readonly AdminErrorCode[] = [
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
}

/** Fastify refuses a body over its limit or with an unreadable Content-Type before any handler runs. */
const ADMIN_ANY_BODY: readonly AdminErrorCode[] = ['BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];

export function adminOperation(op: AdminOp, pathParams: string[]): Operation {
  const content: Schema = json(op.okSchema ?? { type: 'object' });
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

const q = (name: string, description = '', schema: Schema = { type: 'string' }): Schema => ({
  name,
  in: 'query',
  required: false,
  schema,
  ...(description ? { description } : {}),
});
const page = [
  q('limit', '1-1000', { type: 'integer', minimum: 1, maximum: 1000 }),
  q('before', '`nextBefore` of the previous page, or an ISO time'),
  q('from', 'ISO 8601'),
  q('to', 'ISO 8601'),
];
const listOf = (item: Schema) => ({
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
  permissions: { type: 'array', items: { type: 'string', enum: ['captcha', 'sms', 'voice'] } },
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
  captchaPow: {
    type: 'boolean',
    description: 'captcha proof of work required (default true; apps created before the feature: false)',
  },
  captchaUnderAttack: {
    type: 'boolean',
    description: 'harder proof of work for every client; managed mode always shows the puzzle (default false)',
  },
};

export function adminPaths(): Record<string, Record<string, AdminOp>> {
  const withApp = (errors: readonly AdminErrorCode[]) => [...errors, 'NOT_FOUND' as const];
  return {
    '/admin/v1/apps': {
      post: {
        id: 'adminCreateApp',
        summary: 'Create an app (the secret is shown only here)',
        tag: 'Apps',
        ok: 201,
        body: { type: 'object', required: ['name'], properties: appFields },
        okSchema: ref('App'),
        errors: [...ADMIN_JSON_BODY, 'NOT_FOUND', 'ALREADY_EXISTS'],
      },
      get: {
        id: 'adminListApps',
        summary: 'Apps (without secrets)',
        tag: 'Apps',
        okSchema: { type: 'array', items: ref('App') },
        errors: ADMIN_COMMON,
      },
    },
    '/admin/v1/apps/{appKey}': {
      get: { id: 'adminGetApp', summary: 'One app', tag: 'Apps', okSchema: ref('App'), errors: withApp(ADMIN_COMMON) },
      patch: {
        id: 'adminUpdateApp',
        summary: 'Change an app (status, permissions, limits, SMS settings, …)',
        tag: 'Apps',
        okSchema: ref('App'),
        errors: withApp(ADMIN_JSON_BODY),
        body: {
          type: 'object',
          properties: {
            ...appFields,
            status: { type: 'string', enum: ['normal', 'suspended', 'unavailable'] },
            stage: { type: 'string', enum: ['commercial', 'test'] },
            limits: { type: 'object' },
            enterpriseId: { type: ['string', 'null'] },
            international: { type: ['object', 'null'] },
          },
        },
      },
    },
    '/admin/v1/apps/{appKey}/secret': {
      post: {
        id: 'adminRotateSecret',
        summary: 'Rotate the app secret',
        tag: 'Apps',
        okSchema: ref('App'),
        errors: withApp(ADMIN_COMMON),
      },
    },
    '/admin/v1/apps/{appKey}/webhook-secret': {
      post: {
        id: 'adminIssueWebhookSecret',
        summary:
          'Create or rotate the Standard Webhooks secret (shown once; the previous one keeps signing for VERIGATE_WEBHOOK_SECRET_GRACE_S)',
        tag: 'Apps',
        okSchema: {
          type: 'object',
          properties: {
            appKey: { type: 'string' },
            webhookSecret: { type: 'string', pattern: '^whsec_' },
            previousSecretValidUntil: { type: ['string', 'null'], format: 'date-time' },
          },
        },
        errors: withApp(ADMIN_COMMON),
      },
      delete: {
        id: 'adminRemoveWebhookSecret',
        summary: 'Stop sending Standard Webhooks headers (AKSK push headers stay)',
        tag: 'Apps',
        okSchema: ref('App'),
        errors: withApp(ADMIN_COMMON),
      },
    },
    '/admin/v1/apps/{appKey}/numbers': {
      post: {
        id: 'adminAddNumber',
        summary: 'Add a display number',
        tag: 'Numbers',
        ok: 201,
        body: {
          type: 'object',
          required: ['number'],
          properties: {
            number: { type: 'string' },
            status: { type: 'string', enum: ['normal', 'suspended', 'revoked'] },
          },
        },
        errors: [...withApp(ADMIN_JSON_BODY), 'ALREADY_EXISTS'],
      },
      get: {
        id: 'adminListNumbers',
        summary: 'Display numbers of an app',
        tag: 'Numbers',
        okSchema: { type: 'array' },
        errors: withApp(ADMIN_COMMON),
      },
    },
    '/admin/v1/apps/{appKey}/numbers/{number}': {
      patch: {
        id: 'adminUpdateNumber',
        summary: "Change a display number's status",
        tag: 'Numbers',
        body: {
          type: 'object',
          required: ['status'],
          properties: { status: { type: 'string', enum: ['normal', 'suspended', 'revoked'] } },
        },
        errors: withApp(ADMIN_JSON_BODY),
      },
    },
    '/admin/v1/apps/{appKey}/tones': {
      post: {
        id: 'adminUploadTone',
        summary: `Upload a WAV tone (Content-Type audio/wav, at most ${MAX_TONE_BYTES} bytes), held pending`,
        tag: 'Tones',
        ok: 201,
        query: [{ name: 'name', in: 'query', required: true, schema: { type: 'string', pattern: '\\.wav$' } }],
        errors: [
          ...withApp(ADMIN_COMMON),
          'INVALID_FIELD',
          'INVALID_TONE',
          'TONE_TOO_LARGE',
          'BODY_TOO_LARGE',
          'UNSUPPORTED_MEDIA_TYPE',
          'ALREADY_EXISTS',
        ],
      },
      get: {
        id: 'adminListTones',
        summary: 'Tones of an app',
        tag: 'Tones',
        okSchema: { type: 'array' },
        errors: withApp(ADMIN_COMMON),
      },
    },
    '/admin/v1/apps/{appKey}/tones/{name}/approve': {
      post: { id: 'adminApproveTone', summary: 'Approve a tone', tag: 'Tones', errors: withApp(ADMIN_COMMON) },
    },
    '/admin/v1/apps/{appKey}/tones/{name}/reject': {
      post: { id: 'adminRejectTone', summary: 'Reject a tone', tag: 'Tones', errors: withApp(ADMIN_COMMON) },
    },
    '/admin/v1/lists': {
      post: {
        id: 'adminAddListEntry',
        summary: 'Add a number to a black- or whitelist',
        tag: 'Lists',
        ok: 201,
        body: ref('ListEntry'),
        errors: [...withApp(ADMIN_JSON_BODY), 'ALREADY_EXISTS'],
      },
      delete: {
        id: 'adminRemoveListEntry',
        summary: 'Remove a number from a list (query or body: list, number, appKey?)',
        tag: 'Lists',
        query: [q('list'), q('number'), q('appKey')],
        errors: withApp(ADMIN_JSON_BODY),
      },
      get: {
        id: 'adminListListEntries',
        summary: 'Entries of a list',
        tag: 'Lists',
        query: [q('list'), q('appKey')],
        okSchema: { type: 'array', items: ref('ListEntry') },
        errors: withApp([...ADMIN_COMMON, 'INVALID_FIELD']),
      },
    },
    '/admin/v1/calls/{sessionId}': {
      get: {
        id: 'adminGetCall',
        summary: 'A call session, its events and CDR',
        tag: 'Calls',
        errors: withApp(ADMIN_COMMON),
      },
    },
    '/admin/v1/cdrs': {
      get: {
        id: 'adminListCdrs',
        summary: 'CDRs (JSON pages, or every match as CSV)',
        tag: 'Calls',
        csv: true,
        okSchema: listOf({ type: 'object' }),
        query: [
          q('appKey'),
          q('sessionId'),
          q('number'),
          q('format', 'json (default) or csv', { type: 'string', enum: ['json', 'csv'] }),
          ...page,
        ],
        errors: [...ADMIN_COMMON, 'INVALID_FIELD', 'UNSUPPORTED_FORMAT'],
      },
    },
    '/admin/v1/deliveries': {
      get: {
        id: 'adminListDeliveries',
        summary: 'Webhook deliveries of a session or SMS, with attempts',
        tag: 'Calls',
        query: [{ ...q('sessionId'), required: true }],
        okSchema: { type: 'array' },
        errors: [...ADMIN_COMMON, 'INVALID_FIELD'],
      },
    },
    '/admin/v1/deliveries/{id}/redeliver': {
      post: {
        id: 'adminRedeliver',
        summary: 'Send a failed delivery again now',
        tag: 'Calls',
        ok: 202,
        errors: withApp([...ADMIN_COMMON, 'NOT_REDELIVERABLE']),
      },
    },
    '/admin/v1/audit': {
      get: {
        id: 'adminAudit',
        summary: 'The audit log, newest first',
        tag: 'Audit',
        query: [q('action'), q('target'), ...page],
        okSchema: listOf({ type: 'object' }),
        errors: [...ADMIN_COMMON, 'INVALID_FIELD'],
      },
    },
    '/admin/v1/enterprises/{id}': {
      put: {
        id: 'adminPutEnterprise',
        summary: 'Create or replace a sub-enterprise (status defaults to normal)',
        tag: 'Enterprises',
        body: {
          type: 'object',
          properties: { status: { type: 'string', enum: ['normal', 'suspended'], default: 'normal' } },
        },
        errors: ADMIN_JSON_BODY,
      },
    },
    '/admin/v1/enterprises': {
      get: {
        id: 'adminListEnterprises',
        summary: 'Sub-enterprises',
        tag: 'Enterprises',
        okSchema: { type: 'array' },
        errors: ADMIN_COMMON,
      },
    },
    '/admin/v1/ip-rules': {
      post: {
        id: 'adminAddIpRule',
        summary: 'Add a client-address rule of /rest/',
        tag: 'IP rules',
        ok: 201,
        body: {
          type: 'object',
          required: ['kind', 'cidr'],
          properties: {
            kind: { type: 'string', enum: ['blacklist', 'restricted-area'] },
            cidr: { type: 'string' },
            area: { type: 'string' },
          },
        },
        errors: [...ADMIN_JSON_BODY, 'ALREADY_EXISTS'],
      },
      get: {
        id: 'adminListIpRules',
        summary: 'Client-address rules',
        tag: 'IP rules',
        okSchema: { type: 'array' },
        errors: ADMIN_COMMON,
      },
    },
    '/admin/v1/ip-rules/{id}': {
      delete: { id: 'adminRemoveIpRule', summary: 'Remove a rule', tag: 'IP rules', errors: withApp(ADMIN_COMMON) },
    },
    '/admin/v1/ip-bans': {
      get: {
        id: 'adminListIpBans',
        summary: 'Addresses banned after authentication failures (1020176)',
        tag: 'IP rules',
        okSchema: { type: 'array' },
        errors: ADMIN_COMMON,
      },
    },
    '/admin/v1/ip-bans/{ip}': {
      delete: {
        id: 'adminLiftIpBan',
        summary: 'Lift a ban',
        tag: 'IP rules',
        errors: withApp([...ADMIN_COMMON, 'INVALID_FIELD']),
      },
    },
    '/admin/v1/sms': {
      get: {
        id: 'adminListSms',
        summary: 'SMS messages (JSON pages, or every match as CSV); never the code',
        tag: 'SMS',
        csv: true,
        okSchema: listOf({ type: 'object' }),
        query: [
          q('appKey'),
          q('mobile'),
          q('messageId'),
          q('status'),
          q('type'),
          q('format', 'json (default) or csv', { type: 'string', enum: ['json', 'csv'] }),
          ...page,
        ],
        errors: [...ADMIN_COMMON, 'INVALID_FIELD', 'UNSUPPORTED_FORMAT'],
      },
    },
    '/admin/v1/sms/dev-inbox': {
      get: {
        id: 'adminSmsDevInbox',
        summary: 'What the development provider (log) would have sent',
        tag: 'SMS',
        query: [q('mobile'), q('limit')],
        okSchema: { type: 'array' },
        errors: [...ADMIN_COMMON, 'INVALID_FIELD'],
      },
    },
    '/admin/v1/sms/{messageId}': {
      get: { id: 'adminGetSms', summary: 'One SMS message', tag: 'SMS', errors: withApp(ADMIN_COMMON) },
    },
  };
}
