import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';

export type AppStatus = 'normal' | 'suspended' | 'unavailable';
/** `verify`: the verification API (/api/v3/verifications); not granted by default. */
export type Permission = 'captcha' | 'sms' | 'voice' | 'verify';
export interface RestHours {
  from: string;
  to: string;
  tz: string;
}

export type AppStage = 'commercial' | 'test';

/** An app's quotas and frequency caps (all optional; absent = unlimited). */
export interface AppLimits {
  /** API invocations per minute (1010009). */
  apiPerMinute?: number;
  /** Calls accepted per day, UTC (1013002). */
  callsPerDay?: number;
  /** Calls per display number per day (1013003). */
  displayNumberCallsPerDay?: number;
  /** Calls from one caller (display) number per minute (1013116). */
  callerCallsPerMinute?: number;
  /** Calls to one callee per hour (1013117). */
  calleeCallsPerHour?: number;
  /** SMS (docs/contract.md#sms-verification-code); absent = the platform default (VERIGATE_SMS_*), not unlimited. */
  smsCodeLength?: number;
  smsCodeTtlSeconds?: number;
  smsVerifyAttempts?: number;
  smsResendCooldownSeconds?: number;
  smsPerMobilePerHour?: number;
  smsPerMobilePerDay?: number;
  smsPerDevicePerHour?: number;
  smsPerIpPerHour?: number;
  /** Sends per UTC day of the whole app (SMS pumping budget); absent = VERIGATE_SMS_DAILY_BUDGET. */
  smsDailyBudget?: number;
}

/** Numbers are domestic when they start with one of homePrefixes (e.g. "+86"). */
export interface InternationalRules {
  homePrefixes: string[];
  /** Calls to callees outside the home prefixes (1013112 when false). */
  allowCallout: boolean;
  /** Calls presenting a display number from outside the home prefixes (1013111 when false). */
  allowCallin: boolean;
}

@Entity('enterprises')
@Check('enterprises_status_check', `status IN ('normal','suspended')`)
export class EnterpriseEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ type: 'text', default: 'normal' }) status: 'normal' | 'suspended';
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}

@Entity('apps')
@Check('apps_status_check', `status IN ('normal','suspended','unavailable')`)
@Check('apps_stage_check', `stage IN ('commercial','test')`)
export class AppEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'app_key', type: 'text', unique: true }) appKey: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', nullable: true }) signature: string | null;
  /** The app secret, AES-GCM sealed under the master key (see SecretBox). */
  @Column({ name: 'secret_sealed', type: 'text' }) secretSealed: string;
  @Column({ type: 'text', default: 'normal' }) status: AppStatus;
  @Column({ type: 'text', array: true, default: ['captcha', 'sms', 'voice'] }) permissions: Permission[];
  @Column({ name: 'ip_whitelist', type: 'text', array: true, default: () => "'{}'" }) ipWhitelist: string[];
  @Column({ name: 'rest_hours', type: 'jsonb', nullable: true }) restHours: RestHours | null;
  @Column({ name: 'voice_ports', type: 'integer', nullable: true }) voicePorts: number | null;
  /** Quotas and frequency caps (see AppLimits); a missing key means no limit. */
  @Column({ type: 'jsonb', default: {} }) limits: AppLimits;
  /** A `test` app may not use a gateway that serves the commercial address (1010011). */
  @Column({ type: 'text', default: 'commercial' }) stage: AppStage;
  @Column({ name: 'enterprise_id', type: 'text', nullable: true })
  @ForeignKey(() => EnterpriseEntity, { name: 'apps_enterprise_id_fkey' })
  enterpriseId: string | null;
  /** International call rules; null = the platform's default. */
  @Column({ type: 'jsonb', nullable: true }) international: InternationalRules | null;
  /** Where the notifier posts this app's SMS delivery-status changes; null = nowhere. */
  @Column({ name: 'sms_status_url', type: 'text', nullable: true }) smsStatusUrl: string | null;
  /** Where the notifier posts this app's verification events (verification.*); null = nowhere. */
  @Column({ name: 'verification_status_url', type: 'text', nullable: true }) verificationStatusUrl: string | null;
  /** Standard Webhooks signing secret (`whsec_…`), sealed; null = those headers are not sent. */
  @Column({ name: 'webhook_secret_sealed', type: 'text', nullable: true }) webhookSecretSealed: string | null;
  /** The secret replaced by the last rotation, sealed: still signed with until `webhookSecretPreviousUntil`. */
  @Column({ name: 'webhook_secret_previous_sealed', type: 'text', nullable: true }) webhookSecretPreviousSealed:
    string | null;
  @Column({ name: 'webhook_secret_previous_until', type: 'timestamptz', nullable: true })
  webhookSecretPreviousUntil: Date | null;
  /** Captcha proof of work required (on for new apps; off for apps older than the feature: AJ-Captcha clients). */
  @Column({ name: 'captcha_pow', type: 'boolean', default: true }) captchaPow: boolean;
  /** The operator's "under attack" switch: harder PoW for every client, managed mode always shows the puzzle. */
  @Column({ name: 'captcha_under_attack', type: 'boolean', default: false }) captchaUnderAttack: boolean;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}

export type NumberStatus = 'normal' | 'suspended' | 'revoked';

@Entity('app_numbers')
@Unique('app_numbers_app_id_number_key', ['appId', 'number'])
@Index('app_numbers_number', ['number'])
@Check('app_numbers_status_check', `status IN ('normal','suspended','revoked')`)
export class AppNumberEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'app_id', type: 'uuid' })
  @ForeignKey(() => AppEntity, { name: 'app_numbers_app_id_fkey', onDelete: 'CASCADE' })
  appId: string;
  @Column({ type: 'text' }) number: string;
  @Column({ type: 'text', default: 'normal' }) status: NumberStatus;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
}

export type NumberListName = 'blacklist' | 'whitelist';

/** Blacklist / whitelist entries. */
@Entity('number_lists')
@Check('number_lists_list_check', `list IN ('blacklist','whitelist')`)
// One entry per (list, number, app or none): an index on an expression, which TypeORM cannot describe.
@Index('number_lists_entry', { synchronize: false })
export class NumberListEntryEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) list: NumberListName;
  @Column({ type: 'text' }) number: string;
  /** null: the entry applies to every app. */
  @Column({ name: 'app_id', type: 'uuid', nullable: true })
  @ForeignKey(() => AppEntity, { name: 'number_lists_app_id_fkey', onDelete: 'CASCADE' })
  appId: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
}
