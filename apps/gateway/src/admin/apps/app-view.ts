import type {
  AppEntity,
  AppLimits,
  AppStage,
  AppStatus,
  InternationalRules,
  Permission,
  RestHours,
} from '#libs/persistence';
import { redactUrlCredentials } from '#libs/runtime';

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
  verificationStatusUrl: string | null;
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

/** An app as the management API shows it (never its secrets). */
export function appView(app: AppEntity): AppView {
  return {
    appKey: app.appKey,
    name: app.name,
    signature: app.signature,
    status: app.status,
    permissions: app.permissions,
    ipWhitelist: app.ipWhitelist,
    restHours: app.restHours,
    voicePorts: app.voicePorts,
    limits: app.limits,
    stage: app.stage,
    enterpriseId: app.enterpriseId,
    international: app.international,
    // Shown without its credentials (`https://***@host/…`); the notifier delivers to the stored URL, credentials included.
    smsStatusUrl: app.smsStatusUrl === null ? null : redactUrlCredentials(app.smsStatusUrl),
    verificationStatusUrl: app.verificationStatusUrl === null ? null : redactUrlCredentials(app.verificationStatusUrl),
    captchaPow: app.captchaPow,
    captchaUnderAttack: app.captchaUnderAttack,
    webhookSigning: {
      enabled: app.webhookSecretSealed !== null,
      previousSecretValidUntil:
        app.webhookSecretPreviousSealed !== null &&
        app.webhookSecretPreviousUntil !== null &&
        app.webhookSecretPreviousUntil > new Date()
          ? app.webhookSecretPreviousUntil
          : null,
    },
    createdAt: app.createdAt,
    updatedAt: app.updatedAt,
  };
}
