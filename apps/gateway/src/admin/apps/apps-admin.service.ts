import { Inject, Injectable } from '@nestjs/common';
import { generateWebhookSecret, SecretBox } from '#libs/auth';
import type { AppEntity } from '#libs/persistence';
import { PLATFORM_CONFIG, redactUrlCredentials, type PlatformConfig } from '#libs/runtime';
import { AppDirectory } from '../../directory/app-directory.service.js';
import { AppsRepository } from '#libs/persistence';
import { notFound, objectBody, optionalEnum, optionalHttpUrl, optionalString, requiredString } from '../admin-input.js';
import { EnterprisesRepository } from '../enterprises/enterprises.repository.js';
import {
  APP_STAGES,
  APP_STATUSES,
  booleanField,
  cidrListField,
  internationalField,
  limitsField,
  DEFAULT_PERMISSIONS,
  permissionsField,
  randomToken,
  restHoursField,
  voicePortsField,
  withoutRedactedCredentials,
} from './app-fields.js';
import { appView, type AppView, type WebhookSecretIssued } from './app-view.js';

@Injectable()
export class AppsAdminService {
  constructor(
    private readonly apps: AppsRepository,
    private readonly enterprises: EnterprisesRepository,
    private readonly directory: AppDirectory,
    private readonly secretBox: SecretBox,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  async create(input: unknown): Promise<AppView & { appSecret: string }> {
    const body = objectBody(input);
    const name = requiredString(body, 'name', 128);
    const appSecret = randomToken(32);
    const app = await this.apps.create({
      appKey: randomToken(28),
      name,
      signature: optionalString(body, 'signature', 64) ?? null,
      secretSealed: this.secretBox.seal(appSecret),
      status: 'normal',
      permissions: permissionsField(body) ?? [...DEFAULT_PERMISSIONS],
      ipWhitelist: cidrListField(body) ?? [],
      restHours: restHoursField(body) ?? null,
      voicePorts: voicePortsField(body) ?? null,
      limits: limitsField(body, {}) ?? {},
      stage: optionalEnum(body, 'stage', APP_STAGES) ?? 'commercial',
      enterpriseId: (await this.enterpriseField(body)) ?? null,
      international: internationalField(body) ?? null,
      smsStatusUrl: withoutRedactedCredentials(optionalHttpUrl(body, 'smsStatusUrl')) ?? null,
      verificationStatusUrl:
        withoutRedactedCredentials(optionalHttpUrl(body, 'verificationStatusUrl'), 'verificationStatusUrl') ?? null,
      captchaPow: booleanField(body, 'captchaPow') ?? true,
      captchaUnderAttack: booleanField(body, 'captchaUnderAttack') ?? false,
    });
    return { ...appView(app), appSecret };
  }

  async get(appKey: string): Promise<AppView> {
    return appView(await this.entity(appKey));
  }

  async list(): Promise<AppView[]> {
    return (await this.apps.list()).map(appView);
  }

  async update(appKey: string, input: unknown): Promise<AppView> {
    const body = objectBody(input);
    const app = await this.entity(appKey);
    const patch: Partial<AppEntity> = {};
    const name = optionalString(body, 'name', 128);
    if (name !== undefined) patch.name = name;
    if (body.signature !== undefined)
      patch.signature = body.signature === null ? null : optionalString(body, 'signature', 64)!;
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
    const smsStatusUrl = webhookUrlChange(body, 'smsStatusUrl', app.smsStatusUrl);
    if (smsStatusUrl !== undefined) patch.smsStatusUrl = smsStatusUrl;
    const verificationStatusUrl = webhookUrlChange(body, 'verificationStatusUrl', app.verificationStatusUrl);
    if (verificationStatusUrl !== undefined) patch.verificationStatusUrl = verificationStatusUrl;
    const captchaPow = booleanField(body, 'captchaPow');
    if (captchaPow !== undefined) patch.captchaPow = captchaPow;
    const captchaUnderAttack = booleanField(body, 'captchaUnderAttack');
    if (captchaUnderAttack !== undefined) patch.captchaUnderAttack = captchaUnderAttack;
    if (Object.keys(patch).length > 0) {
      await this.apps.update(app.id, { ...patch, updatedAt: new Date() });
      this.directory.invalidate(appKey);
    }
    return this.get(appKey);
  }

  async rotateSecret(appKey: string): Promise<{ appKey: string; appSecret: string }> {
    const app = await this.entity(appKey);
    const appSecret = randomToken(32);
    await this.apps.update(app.id, { secretSealed: this.secretBox.seal(appSecret), updatedAt: new Date() });
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
    const row = await this.apps.replaceWebhookSecret(
      appKey,
      this.secretBox.seal(webhookSecret),
      this.config.webhooks.secretGraceSeconds,
    );
    if (!row) throw notFound(`app ${appKey}`);
    return { appKey, webhookSecret, previousSecretValidUntil: row.previous_until };
  }

  /** Turns Standard Webhooks signing off for the app (both secrets are forgotten). */
  async removeWebhookSecret(appKey: string): Promise<AppView> {
    const app = await this.entity(appKey);
    await this.apps.update(app.id, {
      webhookSecretSealed: null,
      webhookSecretPreviousSealed: null,
      webhookSecretPreviousUntil: null,
      updatedAt: new Date(),
    });
    return this.get(appKey);
  }

  /** `enterpriseId`: an existing sub-enterprise (see EnterprisesController) or null. */
  private async enterpriseField(body: Record<string, unknown>): Promise<string | null | undefined> {
    if (body.enterpriseId === null) return null;
    const id = optionalString(body, 'enterpriseId', 64);
    if (id === undefined) return undefined;
    if (!(await this.enterprises.exists(id))) throw notFound(`enterprise ${id}`);
    return id;
  }

  async entity(appKey: string): Promise<AppEntity> {
    const app = await this.apps.findByKey(appKey);
    if (!app) throw notFound(`app ${appKey}`);
    return app;
  }
}

/**
 * A webhook URL field of a PATCH: the new value, or undefined when absent or unchanged — the URL as
 * the API shows it (credentials as ***) sent back unchanged keeps the stored credentials.
 */
function webhookUrlChange(
  body: Record<string, unknown>,
  field: 'smsStatusUrl' | 'verificationStatusUrl',
  stored: string | null,
): string | null | undefined {
  const url = optionalHttpUrl(body, field);
  if (url === undefined || (stored !== null && url === redactUrlCredentials(stored))) return undefined;
  return withoutRedactedCredentials(url, field);
}
