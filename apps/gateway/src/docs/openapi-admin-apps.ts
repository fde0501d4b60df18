import { MAX_TONE_BYTES } from '../admin/tones/wav.js';
import { ADMIN_COMMON, ADMIN_JSON_BODY, withApp, type AdminOp } from './openapi-admin-common.js';
import { ref } from './openapi-schema.js';

/** The apps part of the management API: apps, their secrets, numbers and tones. */
export function adminAppPaths(): Record<string, Record<string, AdminOp>> {
  return {
    '/admin/v1/apps': {
      post: {
        id: 'adminCreateApp',
        summary: 'Create an app (the secret is shown only here)',
        tag: 'Apps',
        ok: 201,
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
        errors: withApp(ADMIN_JSON_BODY),
      },
    },
    '/admin/v1/apps/{appKey}/tones': {
      post: {
        id: 'adminUploadTone',
        summary: `Upload a WAV tone (Content-Type audio/wav, at most ${MAX_TONE_BYTES} bytes), held pending`,
        tag: 'Tones',
        ok: 201,
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
    '/admin/v1/apps/{appKey}/tones/{name}/audio': {
      get: {
        id: 'adminGetToneAudio',
        summary: 'The tone file as uploaded, whatever its review (to listen to before approving)',
        tag: 'Tones',
        file: 'audio/wav',
        errors: withApp(ADMIN_COMMON),
      },
    },
    '/admin/v1/apps/{appKey}/tones/{name}/approve': {
      post: { id: 'adminApproveTone', summary: 'Approve a tone', tag: 'Tones', errors: withApp(ADMIN_COMMON) },
    },
    '/admin/v1/apps/{appKey}/tones/{name}/reject': {
      post: { id: 'adminRejectTone', summary: 'Reject a tone', tag: 'Tones', errors: withApp(ADMIN_COMMON) },
    },
  };
}
