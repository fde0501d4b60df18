import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import type { AppLimits, AppStage, AppStatus, Permission } from '#libs/persistence';
import { jsonSchemaOf, parseCidr, withCodes } from '#libs/runtime';
import {
  adminValidate,
  clearableString,
  httpUrlRule,
  isAbsoluteHttpUrl,
  optionalEnum,
  optionalString,
  requiredString,
} from '../admin-schema.js';

/**
 * The bodies of `POST /admin/v1/apps` and `PATCH /admin/v1/apps/{appKey}`: every field checked on
 * its own, in this order (a failure names the field: 400 INVALID_FIELD). `enterpriseId` is
 * looked up in the database at its place in the order (AppsAdminService).
 */

export const PERMISSIONS = ['captcha', 'sms', 'voice', 'verify'] as const satisfies readonly Permission[];
/** What a new app may use when the request does not say: `verify` (the verification API) is asked for explicitly. */
export const DEFAULT_PERMISSIONS = ['captcha', 'sms', 'voice'] as const satisfies readonly Permission[];
export const APP_STATUSES = ['normal', 'suspended', 'unavailable'] as const satisfies readonly AppStatus[];
export const APP_STAGES = ['commercial', 'test'] as const satisfies readonly AppStage[];
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Unbiased random string over [A-Za-z0-9] (rejection sampling). */
export function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHANUMERIC[byte % 62];
    }
  }
  return out;
}

const coded = <S extends z.ZodType>(schema: S, meta: Record<string, unknown> = {}): S =>
  withCodes(schema, { 'x-error-code': 'INVALID_FIELD', ...meta });

const booleanField = (name: string, description: string) =>
  coded(z.boolean(`${name} must be true or false`).optional(), { description });

const permissionsRule = `permissions must be an array of ${PERMISSIONS.join(', ')}`;
const permissionsField = coded(
  z
    .array(z.enum(PERMISSIONS, permissionsRule), permissionsRule)
    .optional()
    .transform((permissions) => permissions && [...new Set(permissions)]),
  { description: 'default `captcha`, `sms`, `voice`; `verify` (the verification API) is granted explicitly' },
);

const cidrRule = 'ipWhitelist must be an array of IP addresses or CIDRs';
const ipWhitelistField = coded(
  z
    .array(
      z.string(cidrRule).refine((cidr) => parseCidr(cidr) !== null, cidrRule),
      cidrRule,
    )
    .optional(),
);

const restHoursRule = 'restHours must be {"from":"HH:MM","to":"HH:MM","tz":"<IANA zone>"} or null';
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
const restHoursField = coded(
  z
    .object(
      {
        from: z.string(restHoursRule).regex(HHMM, restHoursRule),
        to: z.string(restHoursRule).regex(HHMM, restHoursRule),
        tz: z.string(restHoursRule).refine(isTimeZone, 'restHours.tz must be an IANA time zone such as Asia/Shanghai'),
      },
      restHoursRule,
    )
    .nullable()
    .optional(),
);

const voicePortsRule = 'voicePorts must be an integer 0-65535 or null';
const voicePortsField = coded(z.int(voicePortsRule).min(0, voicePortsRule).max(65535, voicePortsRule).nullish());

const CAP = [0, 1_000_000_000] as const;
const SMS_CAP = [1, 1_000_000_000] as const;
/** Every limit `limits` accepts, with its range (an absent SMS setting means the platform default). */
export const LIMIT_RANGES: Readonly<Record<keyof AppLimits, readonly [min: number, max: number]>> = {
  apiPerMinute: CAP,
  callsPerDay: CAP,
  displayNumberCallsPerDay: CAP,
  callerCallsPerMinute: CAP,
  calleeCallsPerHour: CAP,
  smsCodeLength: [4, 10],
  smsCodeTtlSeconds: [30, 86_400],
  smsVerifyAttempts: [1, 100],
  smsResendCooldownSeconds: [0, 86_400],
  smsPerMobilePerHour: SMS_CAP,
  smsPerMobilePerDay: SMS_CAP,
  smsDailyBudget: SMS_CAP,
  smsPerDevicePerHour: SMS_CAP,
  smsPerIpPerHour: SMS_CAP,
};
const LIMIT_NAMES = Object.keys(LIMIT_RANGES) as (keyof AppLimits)[];

/** One limit: an integer in its range, or null (removed). */
const limitShape = Object.fromEntries(
  LIMIT_NAMES.map((name) => {
    const [min, max] = LIMIT_RANGES[name];
    const rule = `limits.${name} must be an integer ${min}-${max} or null`;
    return [name, z.int(rule).min(min, rule).max(max, rule).nullable().optional()];
  }),
) as Record<keyof AppLimits, z.ZodOptional<z.ZodNullable<z.ZodInt>>>;

/**
 * `limits`: an object of the known limits, each an integer in its range or null (removed); merged
 * into the current limits. Its entries are checked in the order the client wrote them.
 */
const limitsSchema = coded(
  z
    .record(z.string(), z.unknown(), `limits must be an object with any of ${LIMIT_NAMES.join(', ')}`)
    .superRefine((limits, ctx) => {
      for (const [name, value] of Object.entries(limits)) {
        const limit = Object.hasOwn(limitShape, name) ? limitShape[name as keyof AppLimits] : undefined;
        const message = limit
          ? limit.safeParse(value).error?.issues[0]?.message
          : `limits.${name} must be one of ${LIMIT_NAMES.join(', ')}`;
        if (message) return ctx.addIssue({ code: 'custom', message, input: value });
      }
    })
    .transform((limits) => limits as Partial<Record<keyof AppLimits, number | null>>)
    .optional(),
  {
    properties: (jsonSchemaOf(z.object(limitShape)) as { properties: unknown }).properties,
    additionalProperties: false,
  },
);

const internationalRule =
  'international must be {"homePrefixes":["+86"],"allowCallout":false,"allowCallin":false} or null';
/** `international`: `{homePrefixes: ["+86"], allowCallout, allowCallin}` or null (the platform default). */
const internationalField = coded(
  z
    .object(
      {
        homePrefixes: z.array(z.string(internationalRule).regex(/^\+?\d{1,15}$/, internationalRule), internationalRule),
        allowCallout: z.boolean(internationalRule),
        allowCallin: z.boolean(internationalRule),
      },
      internationalRule,
    )
    .nullable()
    .optional(),
);

const REDACTED_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/\*\*\*@/i;
/** A webhook URL field of an app (`smsStatusUrl`, `verificationStatusUrl`). */
type StatusUrlName = 'smsStatusUrl' | 'verificationStatusUrl';
/** The app's stored webhook URLs as the API shows them (credentials as `***`); null: none stored. */
export type ShownStatusUrls = Readonly<Record<StatusUrlName, string | null>>;
const NONE_SHOWN: ShownStatusUrls = { smsStatusUrl: null, verificationStatusUrl: null };

/**
 * A webhook URL field: an absolute http(s) URL, null to clear. A URL whose userinfo is the API's
 * redaction mark `***` is refused, unless it is the stored URL as shown, unchanged (`shown`:
 * then the stored credentials are kept): sent back with a change (another host or path), it
 * would be stored literally and the receiver's credentials lost.
 */
const STATUS_URL_PURPOSE: Readonly<Record<StatusUrlName, string>> = {
  smsStatusUrl: 'Where SMS delivery reports are posted.',
  verificationStatusUrl:
    'Where verification events (`verification.pending`, `.fallback`, `.approved`, `.expired`, `.failed`) are posted.',
};
function statusUrlField(name: StatusUrlName, shown: string | null) {
  const rule = httpUrlRule(name, 2048);
  return coded(
    z
      .string(rule)
      .max(2048, rule)
      .refine(isAbsoluteHttpUrl, rule)
      .refine(
        (url) => url === shown || !REDACTED_CREDENTIALS.test(url),
        `${name} must be a URL with its own credentials or none: \`***@\` stands for the stored credentials and is accepted only in the stored URL as shown, unchanged`,
      )
      .nullish(),
    {
      description: `${STATUS_URL_PURPOSE[name]} Shown with its credentials as \`***@\`; sent back unchanged it keeps the stored ones, any other URL with \`***@\` credentials is refused (400 INVALID_FIELD).`,
    },
  );
}

/** The fields both bodies share, in the order they are checked (after name, signature and, for a change, status). */
function commonFields(shown: ShownStatusUrls) {
  return {
    permissions: permissionsField,
    ipWhitelist: ipWhitelistField,
    restHours: restHoursField,
    voicePorts: voicePortsField,
    limits: limitsSchema,
    stage: optionalEnum('stage', APP_STAGES),
    enterpriseId: clearableString('enterpriseId', 64),
    international: internationalField,
    smsStatusUrl: statusUrlField('smsStatusUrl', shown.smsStatusUrl),
    verificationStatusUrl: statusUrlField('verificationStatusUrl', shown.verificationStatusUrl),
    captchaPow: booleanField(
      'captchaPow',
      'captcha proof of work required (default true; apps created before the feature: false)',
    ),
    captchaUnderAttack: booleanField(
      'captchaUnderAttack',
      'harder proof of work for every client; managed mode always shows the puzzle (default false)',
    ),
  };
}

/** `POST /admin/v1/apps`. */
export const appCreateBody = z.object({
  name: requiredString('name', 128),
  signature: clearableString('signature', 64),
  ...commonFields(NONE_SHOWN),
});

/** `PATCH /admin/v1/apps/{appKey}`; `shown`: the app's stored webhook URLs as the API shows them. */
export function appUpdateBody(shown: ShownStatusUrls = NONE_SHOWN) {
  return z.object({
    name: optionalString('name', 128),
    signature: clearableString('signature', 64),
    status: optionalEnum('status', APP_STATUSES),
    ...commonFields(shown),
  });
}

/** `current` with `patch` applied: a limit set to null is removed. */
export function mergeLimits(current: AppLimits, patch: Partial<Record<keyof AppLimits, number | null>>): AppLimits {
  const next: AppLimits = { ...current };
  for (const [name, value] of Object.entries(patch) as [keyof AppLimits, number | null][]) {
    if (value === null) delete next[name];
    else next[name] = value;
  }
  return next;
}

/** `limits` of `body` merged into `current`; undefined when absent. */
export function limitsField(body: Record<string, unknown>, current: AppLimits): AppLimits | undefined {
  const { limits } = adminValidate(z.object({ limits: limitsSchema }), body);
  return limits === undefined ? undefined : mergeLimits(current, limits);
}
