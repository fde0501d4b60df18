import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { generateWebhookSecret, SecretBox } from '#libs/auth';
import { AppEntity, EnterpriseEntity, type AppLimits, type AppStage, type AppStatus, type InternationalRules, type Permission, type RestHours } from '#libs/persistence';
import { parseCidr, PLATFORM_CONFIG, redactUrlCredentials, type PlatformConfig } from '#libs/runtime';
import { AppDirectory } from '../../directory/app-directory.service.js';
import { invalid, notFound, objectBody, optionalEnum, optionalHttpUrl, optionalString, requiredString } from '../admin-input.js';

export const PERMISSIONS: readonly Permission[] = ['captcha', 'sms', 'voice'];
export const APP_STATUSES: readonly AppStatus[] = ['normal', 'suspended', 'unavailable'];
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

export interface AppView {
  appKey: string;
  name: string;
  signature: string | null;
  status: AppStatus;
  permissions: Permission[];
  ipWhitelist: string[];
  restHours: RestHours | null;
  voicePorts: number | null;
  limits: AppLimits;
  stage: AppStage;
  enterpriseId: string | null;
  international: InternationalRules | null;
  smsStatusUrl: string | null;
  /** Captcha proof of work required (default on; off keeps AJ-Captcha clients working unchanged). */
  captchaPow: boolean;
  /** Under attack: harder proof of work for every client, managed mode always shows the puzzle. */
  captchaUnderAttack: boolean;
  /** Standard Webhooks signing (the secret itself is shown only when created). */
  webhookSigning: { enabled: boolean; previousSecretValidUntil: Date | null };
  createdAt: Date;
  updatedAt: Date;
}

/** The answer of creating or rotating a Standard Webhooks secret: the only time it is shown. */
export interface WebhookSecretIssued {
  appKey: string;
  webhookSecret: string;
  /** After a rotation, the replaced secret still signs (beside the new one) until then. */
  previousSecretValidUntil: Date | null;
}

function view(app: AppEntity): AppView {
  return {
    appKey: app.appKey, name: app.name, signature: app.signature, status: app.status, permissions: app.permissions,
    ipWhitelist: app.ipWhitelist, restHours: app.restHours, voicePorts: app.voicePorts, limits: app.limits, stage: app.stage,
    enterpriseId: app.enterpriseId, international: app.international,
    // Shown without its credentials (`https://***@host/…`); the notifier delivers to the stored URL, credentials included.
    smsStatusUrl: app.smsStatusUrl === null ? null : redactUrlCredentials(app.smsStatusUrl),
    captchaPow: app.captchaPow, captchaUnderAttack: app.captchaUnderAttack,
    webhookSigning: {
      enabled: app.webhookSecretSealed !== null,
      previousSecretValidUntil: app.webhookSecretPreviousSealed !== null && app.webhookSecretPreviousUntil !== null && app.webhookSecretPreviousUntil > new Date()
        ? app.webhookSecretPreviousUntil : null,
    },
    createdAt: app.createdAt, updatedAt: app.updatedAt,
  };
}

function booleanField(body: Record<string, unknown>, name: 'captchaPow' | 'captchaUnderAttack'): boolean | undefined {
  const v = body[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw invalid(name, 'true or false');
  return v;
}

function permissionsField(body: Record<string, unknown>): Permission[] | undefined {
  const v = body.permissions;
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((p) => PERMISSIONS.includes(p as Permission))) throw invalid('permissions', `an array of ${PERMISSIONS.join(', ')}`);
  return [...new Set(v as Permission[])];
}

function cidrListField(body: Record<string, unknown>): string[] | undefined {
  const v = body.ipWhitelist;
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((c) => typeof c === 'string' && parseCidr(c) !== null)) throw invalid('ipWhitelist', 'an array of IP addresses or CIDRs');
  return v as string[];
}

function restHoursField(body: Record<string, unknown>): RestHours | null | undefined {
  const v = body.restHours;
  if (v === undefined) return undefined;
  if (v === null) return null;
  const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;
  const r = v as Record<string, unknown>;
  if (typeof v !== 'object' || typeof r.from !== 'string' || typeof r.to !== 'string' || !hhmm.test(r.from) || !hhmm.test(r.to) || typeof r.tz !== 'string') {
    throw invalid('restHours', '{"from":"HH:MM","to":"HH:MM","tz":"<IANA zone>"} or null');
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: r.tz });
  } catch {
    throw invalid('restHours.tz', 'an IANA time zone such as Asia/Shanghai');
  }
  return { from: r.from, to: r.to, tz: r.tz };
}

function voicePortsField(body: Record<string, unknown>): number | null | undefined {
  const v = body.voicePorts;
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) throw invalid('voicePorts', 'an integer 0-65535 or null');
  return v;
}

export const APP_STAGES: readonly AppStage[] = ['commercial', 'test'];
const CAP = [0, 1_000_000_000] as const;
const SMS_CAP = [1, 1_000_000_000] as const;
/** Every limit `limits` accepts, with its range (an absent SMS setting means the platform default). */
export const LIMIT_RANGES: Readonly<Record<keyof AppLimits, readonly [min: number, max: number]>> = {
  apiPerMinute: CAP, callsPerDay: CAP, displayNumberCallsPerDay: CAP, callerCallsPerMinute: CAP, calleeCallsPerHour: CAP,
  smsCodeLength: [4, 10], smsCodeTtlSeconds: [30, 86_400], smsVerifyAttempts: [1, 100], smsResendCooldownSeconds: [0, 86_400],
  smsPerMobilePerHour: SMS_CAP, smsPerMobilePerDay: SMS_CAP, smsDailyBudget: SMS_CAP, smsPerDevicePerHour: SMS_CAP, smsPerIpPerHour: SMS_CAP,
};
const LIMIT_NAMES = Object.keys(LIMIT_RANGES) as (keyof AppLimits)[];

/** `limits`: an object of the known limits, each an integer in its range or null (removed). Merged into the current limits. */
export function limitsField(body: Record<string, unknown>, current: AppLimits): AppLimits | undefined {
  const v = body.limits;
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid('limits', `an object with any of ${LIMIT_NAMES.join(', ')}`);
  const next: AppLimits = { ...current };
  for (const [name, value] of Object.entries(v)) {
    if (!Object.hasOwn(LIMIT_RANGES, name)) throw invalid(`limits.${name}`, `one of ${LIMIT_NAMES.join(', ')}`);
    const key = name as keyof AppLimits;
    const [min, max] = LIMIT_RANGES[key];
    if (value === null) delete next[key];
    else if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) next[key] = value;
    else throw invalid(`limits.${name}`, `an integer ${min}-${max} or null`);
  }
  return next;
}

/** `international`: `{homePrefixes: ["+86"], allowCallout, allowCallin}` or null (the platform default). */
function internationalField(body: Record<string, unknown>): InternationalRules | null | undefined {
  const v = body.international;
  if (v === undefined) return undefined;
  if (v === null) return null;
  const r = v as Record<string, unknown>;
  const prefixesOk = Array.isArray(r?.homePrefixes) && r.homePrefixes.every((p) => typeof p === 'string' && /^\+?\d{1,15}$/.test(p));
  if (typeof v !== 'object' || !prefixesOk || typeof r.allowCallout !== 'boolean' || typeof r.allowCallin !== 'boolean') {
    throw invalid('international', '{"homePrefixes":["+86"],"allowCallout":false,"allowCallin":false} or null');
  }
  return { homePrefixes: r.homePrefixes as string[], allowCallout: r.allowCallout, allowCallin: r.allowCallin };
}

/**
 * Refuses a URL whose userinfo is the API's redaction mark `***`: sent back with a change (another
 * host or path), it would be stored literally and the receiver's credentials lost. The URL as
 * shown, unchanged, is handled before (it keeps the stored credentials).
 */
function withoutRedactedCredentials<T extends string | null | undefined>(url: T): T {
  if (typeof url === 'string' && /^[a-z][a-z0-9+.-]*:\/\/\*\*\*@/i.test(url)) {
    throw invalid('smsStatusUrl', 'a URL with its own credentials or none: `***@` stands for the stored credentials and is accepted only in the stored URL as shown, unchanged');
  }
  return url;
}

@Injectable()
export class AppsAdminService {

  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: AppDirectory,
    private readonly secretBox: SecretBox,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  private get repo() {
    return this.dataSource.getRepository(AppEntity);
  }

  async create(input: unknown): Promise<AppView & { appSecret: string }> {
    const body = objectBody(input);
    const name = requiredString(body, 'name', 128);
    const appSecret = randomToken(32);
    const saved = await this.repo.save(this.repo.create({
      appKey: randomToken(28),
      name,
      signature: optionalString(body, 'signature', 64) ?? null,
      secretSealed: this.secretBox.seal(appSecret),
      status: 'normal',
      permissions: permissionsField(body) ?? [...PERMISSIONS],
      ipWhitelist: cidrListField(body) ?? [],
      restHours: restHoursField(body) ?? null,
      voicePorts: voicePortsField(body) ?? null,
      limits: limitsField(body, {}) ?? {},
      stage: optionalEnum(body, 'stage', APP_STAGES) ?? 'commercial',
      enterpriseId: await this.enterpriseField(body) ?? null,
      international: internationalField(body) ?? null,
      smsStatusUrl: withoutRedactedCredentials(optionalHttpUrl(body, 'smsStatusUrl')) ?? null,
      captchaPow: booleanField(body, 'captchaPow') ?? true,
      captchaUnderAttack: booleanField(body, 'captchaUnderAttack') ?? false,
    }));
    const app = await this.repo.findOneByOrFail({ id: saved.id });
    return { ...view(app), appSecret };
  }

  async get(appKey: string): Promise<AppView> {
    return view(await this.entity(appKey));
  }

  async list(): Promise<AppView[]> {
    return (await this.repo.find({ order: { createdAt: 'ASC' } })).map(view);
  }

  async update(appKey: string, input: unknown): Promise<AppView> {
    const body = objectBody(input);
    const app = await this.entity(appKey);
    const patch: Partial<AppEntity> = {};
    const name = optionalString(body, 'name', 128);
    if (name !== undefined) patch.name = name;
    if (body.signature !== undefined) patch.signature = body.signature === null ? null : optionalString(body, 'signature', 64)!;
    const status = optionalEnum(body, 'status', APP_STATUSES);
    if (status !== undefined) patch.status = status;
    const permissions = permissionsField(body);
    if (permissions !== undefined) patch.permissions = permissions;
    const ipWhitelist = cidrListField(body);
    if (ipWhitelist !== undefined) patch.ipWhitelist = ipWhitelist;
    const restHours = restHoursField(body);
    if (restHours !== undefined) patch.restHours = restHours;
    const voicePorts = voicePortsField(body);
    if (voicePorts !== undefined) patch.voicePorts = voicePorts;
    const limits = limitsField(body, app.limits);
    if (limits !== undefined) patch.limits = limits;
    const stage = optionalEnum(body, 'stage', APP_STAGES);
    if (stage !== undefined) patch.stage = stage;
    const enterpriseId = await this.enterpriseField(body);
    if (enterpriseId !== undefined) patch.enterpriseId = enterpriseId;
    const international = internationalField(body);
    if (international !== undefined) patch.international = international;
    const smsStatusUrl = optionalHttpUrl(body, 'smsStatusUrl');
    // The URL as the API shows it (credentials as ***) sent back unchanged keeps the stored credentials.
    const unchanged = app.smsStatusUrl !== null && smsStatusUrl === redactUrlCredentials(app.smsStatusUrl);
    if (smsStatusUrl !== undefined && !unchanged) patch.smsStatusUrl = withoutRedactedCredentials(smsStatusUrl);
    const captchaPow = booleanField(body, 'captchaPow');
    if (captchaPow !== undefined) patch.captchaPow = captchaPow;
    const captchaUnderAttack = booleanField(body, 'captchaUnderAttack');
    if (captchaUnderAttack !== undefined) patch.captchaUnderAttack = captchaUnderAttack;
    if (Object.keys(patch).length > 0) {
      await this.repo.update({ id: app.id }, { ...patch, updatedAt: new Date() });
      this.directory.invalidate(appKey);
    }
    return this.get(appKey);
  }

  async rotateSecret(appKey: string): Promise<{ appKey: string; appSecret: string }> {
    const app = await this.entity(appKey);
    const appSecret = randomToken(32);
    await this.repo.update({ id: app.id }, { secretSealed: this.secretBox.seal(appSecret), updatedAt: new Date() });
    this.directory.invalidate(appKey);
    return { appKey, appSecret };
  }

  /**
   * Creates the app's Standard Webhooks secret, or rotates it: the replaced secret keeps signing
   * beside the new one for VERIGATE_WEBHOOK_SECRET_GRACE_S, so receivers can switch without
   * losing a notification. Returned once; stored sealed. The notifier picks it up within seconds.
   */
  async issueWebhookSecret(appKey: string): Promise<WebhookSecretIssued> {
    const webhookSecret = generateWebhookSecret();
    const rows: Array<{ previous_until: Date | null }> = await this.dataSource.query(
      `WITH updated AS (
         UPDATE apps
            SET webhook_secret_previous_sealed = webhook_secret_sealed,
                webhook_secret_previous_until = CASE WHEN webhook_secret_sealed IS NULL THEN NULL
                                                     ELSE now() + $3::int * interval '1 second' END,
                webhook_secret_sealed = $2,
                updated_at = now()
          WHERE app_key = $1
          RETURNING webhook_secret_previous_until AS previous_until
       )
       SELECT * FROM updated`,
      [appKey, this.secretBox.seal(webhookSecret), this.config.webhooks.secretGraceSeconds],
    );
    const [row] = rows;
    if (!row) throw notFound(`app ${appKey}`);
    return { appKey, webhookSecret, previousSecretValidUntil: row.previous_until };
  }

  /** Turns Standard Webhooks signing off for the app (both secrets are forgotten). */
  async removeWebhookSecret(appKey: string): Promise<AppView> {
    const app = await this.entity(appKey);
    await this.repo.update({ id: app.id }, {
      webhookSecretSealed: null, webhookSecretPreviousSealed: null, webhookSecretPreviousUntil: null, updatedAt: new Date(),
    });
    return this.get(appKey);
  }

  /** `enterpriseId`: an existing sub-enterprise (see EnterprisesController) or null. */
  private async enterpriseField(body: Record<string, unknown>): Promise<string | null | undefined> {
    if (body.enterpriseId === null) return null;
    const id = optionalString(body, 'enterpriseId', 64);
    if (id === undefined) return undefined;
    if (!(await this.dataSource.getRepository(EnterpriseEntity).existsBy({ id }))) throw notFound(`enterprise ${id}`);
    return id;
  }

  async entity(appKey: string): Promise<AppEntity> {
    const app = await this.repo.findOneBy({ appKey });
    if (!app) throw notFound(`app ${appKey}`);
    return app;
  }
}
