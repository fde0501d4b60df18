import { Inject, Injectable } from '@nestjs/common';
import { generateWebhookSecret, SecretBox } from '#libs/auth';
import type { AppEntity } from '#libs/persistence';
import { fieldsThrough, PLATFORM_CONFIG, redactUrlCredentials, type PlatformConfig } from '#libs/runtime';
import { AppDirectory } from '../../directory/app-directory.service.js';
import { AppsRepository } from '#libs/persistence';
import { adminValidate, notFound, objectBody } from '../admin-schema.js';
import { EnterprisesRepository } from '../enterprises/enterprises.repository.js';
import { appCreateBody, appUpdateBody, DEFAULT_PERMISSIONS, mergeLimits, randomToken } from './app.schema.js';
import { appView, type AppView, type WebhookSecretIssued } from './app-view.js';

const ENTERPRISE_AND_BEFORE = fieldsThrough(appCreateBody, 'enterpriseId');
const ENTERPRISE_AND_BEFORE_UPDATE = fieldsThrough(appUpdateBody(), 'enterpriseId');

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
    // The enterprise is looked up where enterpriseId stands in the order: before the later fields.
    const enterpriseId = await this.enterpriseField(
      adminValidate(appCreateBody, body, ENTERPRISE_AND_BEFORE).enterpriseId,
    );
    const fields = adminValidate(appCreateBody, body);
    const appSecret = randomToken(32);
    const app = await this.apps.create({
      appKey: randomToken(28),
      name: fields.name,
      signature: fields.signature ?? null,
      secretSealed: this.secretBox.seal(appSecret),
      status: 'normal',
      permissions: fields.permissions ?? [...DEFAULT_PERMISSIONS],
      ipWhitelist: fields.ipWhitelist ?? [],
      restHours: fields.restHours ?? null,
      voicePorts: fields.voicePorts ?? null,
      limits: fields.limits ? mergeLimits({}, fields.limits) : {},
      stage: fields.stage ?? 'commercial',
      enterpriseId: enterpriseId ?? null,
      international: fields.international ?? null,
      smsStatusUrl: fields.smsStatusUrl ?? null,
      verificationStatusUrl: fields.verificationStatusUrl ?? null,
      captchaPow: fields.captchaPow ?? true,
      captchaUnderAttack: fields.captchaUnderAttack ?? false,
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
    // A URL as the API shows it (credentials as ***) sent back unchanged keeps the stored credentials.
    const shown = {
      smsStatusUrl: app.smsStatusUrl === null ? null : redactUrlCredentials(app.smsStatusUrl),
      verificationStatusUrl:
        app.verificationStatusUrl === null ? null : redactUrlCredentials(app.verificationStatusUrl),
    };
    const schema = appUpdateBody(shown);
    const enterpriseId = await this.enterpriseField(
      adminValidate(schema, body, ENTERPRISE_AND_BEFORE_UPDATE).enterpriseId,
    );
    const {
      limits,
      smsStatusUrl,
      verificationStatusUrl,
      enterpriseId: _checked,
      ...fields
    } = adminValidate(schema, body);
    const patch: Partial<AppEntity> = {};
    for (const [name, value] of Object.entries(fields))
      if (value !== undefined) Object.assign(patch, { [name]: value });
    if (limits !== undefined) patch.limits = mergeLimits(app.limits, limits);
    if (enterpriseId !== undefined) patch.enterpriseId = enterpriseId;
    if (smsStatusUrl !== undefined && smsStatusUrl !== shown.smsStatusUrl) patch.smsStatusUrl = smsStatusUrl;
    if (verificationStatusUrl !== undefined && verificationStatusUrl !== shown.verificationStatusUrl)
      patch.verificationStatusUrl = verificationStatusUrl;
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

  /** `enterpriseId`: an existing sub-enterprise (see EnterprisesController), null, or undefined when absent. */
  private async enterpriseField(id: string | null | undefined): Promise<string | null | undefined> {
    if (id === undefined || id === null) return id;
    if (!(await this.enterprises.exists(id))) throw notFound(`enterprise ${id}`);
    return id;
  }

  async entity(appKey: string): Promise<AppEntity> {
    const app = await this.apps.findByKey(appKey);
    if (!app) throw notFound(`app ${appKey}`);
    return app;
  }
}
