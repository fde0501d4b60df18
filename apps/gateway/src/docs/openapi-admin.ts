/** The management API of the OpenAPI document (docs/contract.md#operating-the-platform): one compact description per route. */
import { adminAppPaths } from './openapi-admin-apps.js';
import { ADMIN_COMMON, ADMIN_JSON_BODY, listOf, withApp, type AdminOp } from './openapi-admin-common.js';
import { ref } from './openapi-schema.js';

export { adminOperation, appFields, type AdminOp } from './openapi-admin-common.js';

export function adminPaths(): Record<string, Record<string, AdminOp>> {
  return {
    ...adminAppPaths(),
    '/admin/v1/lists': {
      post: {
        id: 'adminAddListEntry',
        summary: 'Add a number to a black- or whitelist',
        tag: 'Lists',
        ok: 201,
        errors: [...withApp(ADMIN_JSON_BODY), 'ALREADY_EXISTS'],
      },
      delete: {
        id: 'adminRemoveListEntry',
        summary: 'Remove a number from a list (query or body: list, number, appKey?)',
        tag: 'Lists',
        errors: withApp(ADMIN_JSON_BODY),
      },
      get: {
        id: 'adminListListEntries',
        summary: 'Entries of a list',
        tag: 'Lists',
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
        errors: [...ADMIN_COMMON, 'INVALID_FIELD', 'UNSUPPORTED_FORMAT'],
      },
    },
    '/admin/v1/deliveries': {
      get: {
        id: 'adminListDeliveries',
        summary: 'Webhook deliveries of a session or SMS, with attempts',
        tag: 'Calls',
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
        okSchema: listOf({ type: 'object' }),
        errors: [...ADMIN_COMMON, 'INVALID_FIELD'],
      },
    },
    '/admin/v1/overview': {
      get: {
        id: 'adminOverview',
        summary:
          'Live figures of the operator console: per-minute calls, SMS, captchas, answered calls, delivered SMS and webhook attempts; webhook backlog and failures; voice ports; refused requests by result code (this gateway process)',
        tag: 'Overview',
        okSchema: {
          type: 'object',
          properties: {
            generatedAt: { type: 'string' },
            minutes: { type: 'array', items: { type: 'string' } },
            series: { type: 'object' },
            webhooks: { type: 'object' },
            voicePorts: { type: 'object' },
            refused: { type: 'object' },
          },
        },
        errors: ADMIN_COMMON,
      },
    },
    '/admin/v1/enterprises/{id}': {
      put: {
        id: 'adminPutEnterprise',
        summary: 'Create or replace a sub-enterprise (status defaults to normal)',
        tag: 'Enterprises',
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
        errors: [...ADMIN_COMMON, 'INVALID_FIELD', 'UNSUPPORTED_FORMAT'],
      },
    },
    '/admin/v1/sms/dev-inbox': {
      get: {
        id: 'adminSmsDevInbox',
        summary: 'What the development provider (log) would have sent',
        tag: 'SMS',
        okSchema: {
          type: 'object',
          properties: {
            items: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  mobile: { type: 'string' },
                  text: { type: 'string' },
                  messageId: { type: 'string' },
                  createdAt: { type: 'string', format: 'date-time' },
                },
              },
            },
            count: { type: 'integer' },
          },
        },
        errors: [...ADMIN_COMMON, 'INVALID_FIELD'],
      },
    },
    '/admin/v1/sms/{messageId}': {
      get: { id: 'adminGetSms', summary: 'One SMS message', tag: 'SMS', errors: withApp(ADMIN_COMMON) },
    },
  };
}
