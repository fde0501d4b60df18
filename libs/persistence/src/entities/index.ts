import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type AppStatus = 'normal' | 'suspended' | 'unavailable';
export type Permission = 'captcha' | 'sms' | 'voice';
export interface RestHours { from: string; to: string; tz: string }

@Entity('apps')
export class AppEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'app_key', type: 'text', unique: true }) appKey: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', nullable: true }) signature: string | null;
  /** The app secret, AES-GCM sealed under the master key (see SecretBox). */
  @Column({ name: 'secret_sealed', type: 'text' }) secretSealed: string;
  @Column({ type: 'text' }) status: AppStatus;
  @Column({ type: 'text', array: true }) permissions: Permission[];
  @Column({ name: 'ip_whitelist', type: 'text', array: true }) ipWhitelist: string[];
  @Column({ name: 'rest_hours', type: 'jsonb', nullable: true }) restHours: RestHours | null;
  @Column({ name: 'voice_ports', type: 'integer', nullable: true }) voicePorts: number | null;
  /** Quotas and frequency caps (see AppLimits); a missing key means no limit. */
  @Column({ type: 'jsonb' }) limits: AppLimits;
  /** A `test` app may not use a gateway that serves the commercial address (1010011). */
  @Column({ type: 'text' }) stage: AppStage;
  @Column({ name: 'enterprise_id', type: 'text', nullable: true }) enterpriseId: string | null;
  /** International call rules; null = the platform's default. */
  @Column({ type: 'jsonb', nullable: true }) international: InternationalRules | null;
  /** Where the notifier posts this app's SMS delivery-status changes; null = nowhere. */
  @Column({ name: 'sms_status_url', type: 'text', nullable: true }) smsStatusUrl: string | null;
  /** Standard Webhooks signing secret (`whsec_…`), sealed; null = those headers are not sent. */
  @Column({ name: 'webhook_secret_sealed', type: 'text', nullable: true }) webhookSecretSealed: string | null;
  /** The secret replaced by the last rotation, sealed: still signed with until `webhookSecretPreviousUntil`. */
  @Column({ name: 'webhook_secret_previous_sealed', type: 'text', nullable: true }) webhookSecretPreviousSealed: string | null;
  @Column({ name: 'webhook_secret_previous_until', type: 'timestamptz', nullable: true }) webhookSecretPreviousUntil: Date | null;
  /** Captcha proof of work required (on for new apps; off for apps older than the feature: AJ-Captcha clients). */
  @Column({ name: 'captcha_pow', type: 'boolean', default: true }) captchaPow: boolean;
  /** The operator's "under attack" switch: harder PoW for every client, managed mode always shows the puzzle. */
  @Column({ name: 'captcha_under_attack', type: 'boolean', default: false }) captchaUnderAttack: boolean;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

export type NumberStatus = 'normal' | 'suspended' | 'revoked';

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
  /** SMS (SPEC §2.2); absent = the platform default (VERIGATE_SMS_*), not unlimited. */
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
export class EnterpriseEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ type: 'text' }) status: 'normal' | 'suspended';
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

export type IpRuleKind = 'blacklist' | 'restricted-area';

@Entity('ip_rules')
export class IpRuleEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) kind: IpRuleKind;
  @Column({ type: 'cidr' }) cidr: string;
  @Column({ type: 'text', nullable: true }) area: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

@Entity('app_numbers')
export class AppNumberEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'app_id', type: 'uuid' }) appId: string;
  @Column({ type: 'text' }) number: string;
  @Column({ type: 'text' }) status: NumberStatus;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

export type NumberListName = 'blacklist' | 'whitelist';

@Entity('number_lists')
export class NumberListEntryEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) list: NumberListName;
  @Column({ type: 'text' }) number: string;
  /** null: the entry applies to every app. */
  @Column({ name: 'app_id', type: 'uuid', nullable: true }) appId: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

export type ToneStatus = 'pending' | 'approved' | 'rejected';

@Entity('tone_files')
export class ToneFileEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'app_id', type: 'uuid' }) appId: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) status: ToneStatus;
  @Column({ type: 'text' }) encoding: string;
  @Column({ name: 'sample_rate', type: 'integer' }) sampleRate: number;
  @Column({ type: 'integer' }) channels: number;
  @Column({ name: 'duration_ms', type: 'integer' }) durationMs: number;
  @Column({ name: 'size_bytes', type: 'integer' }) sizeBytes: number;
  @Column({ type: 'text' }) sha256: string;
  @Column({ type: 'bytea', select: false }) content: Buffer;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true }) reviewedAt: Date | null;
}

export type CallState = 'accepted' | 'calling' | 'ended';

@Entity('call_sessions')
export class CallSessionEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ name: 'app_id', type: 'uuid' }) appId: string;
  @Column({ name: 'app_key', type: 'text' }) appKey: string;
  @Column({ name: 'display_nbr', type: 'text' }) displayNbr: string;
  @Column({ name: 'requested_display_nbr', type: 'text' }) requestedDisplayNbr: string;
  @Column({ name: 'callee_nbr', type: 'text' }) calleeNbr: string;
  @Column({ name: 'language_type', type: 'integer' }) languageType: number;
  @Column({ name: 'pre_tone', type: 'text' }) preTone: string;
  @Column({ name: 'pos_tone', type: 'text', nullable: true }) posTone: string | null;
  /** Sealed under the master key; wiped when the call ends. Never selected by default. */
  @Column({ name: 'verify_code_sealed', type: 'text', nullable: true, select: false }) verifyCodeSealed: string | null;
  @Column({ type: 'integer' }) times: number;
  @Column({ name: 'status_url', type: 'text', nullable: true }) statusUrl: string | null;
  @Column({ name: 'fee_url', type: 'text', nullable: true }) feeUrl: string | null;
  @Column({ name: 'user_data', type: 'text', nullable: true }) userData: string | null;
  @Column({ type: 'text' }) state: CallState;
  @Column({ name: 'worker_id', type: 'text', nullable: true }) workerId: string | null;
  @Column({ type: 'text', nullable: true }) icid: string | null;
  @Column({ name: 'event_seq', type: 'integer' }) eventSeq: number;
  @Column({ name: 'state_code', type: 'integer', nullable: true }) stateCode: number | null;
  @Column({ name: 'state_desc', type: 'text', nullable: true }) stateDesc: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ name: 'alerting_at', type: 'timestamptz', nullable: true }) alertingAt: Date | null;
  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true }) answeredAt: Date | null;
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true }) endedAt: Date | null;
}

@Entity('call_events')
export class CallEventEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'session_id', type: 'text' }) sessionId: string;
  @Column({ type: 'integer' }) seq: number;
  @Column({ name: 'event_type', type: 'text' }) eventType: string;
  @Column({ type: 'json' }) body: unknown;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

@Entity('cdrs')
export class CdrEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'session_id', type: 'text', unique: true }) sessionId: string;
  @Column({ name: 'app_key', type: 'text' }) appKey: string;
  @Column({ name: 'caller_num', type: 'text' }) callerNum: string;
  @Column({ name: 'callee_num', type: 'text' }) calleeNum: string;
  @Column({ name: 'call_start', type: 'timestamptz' }) callStart: Date;
  @Column({ name: 'call_end', type: 'timestamptz' }) callEnd: Date;
  @Column({ name: 'state_code', type: 'integer' }) stateCode: number;
  @Column({ name: 'fee_info', type: 'json' }) feeInfo: Record<string, unknown>;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

@Entity('outbox')
export class OutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ type: 'text' }) exchange: string;
  @Column({ name: 'routing_key', type: 'text' }) routingKey: string;
  @Column({ name: 'message_id', type: 'text' }) messageId: string;
  @Column({ type: 'json' }) payload: unknown;
  @Column({ type: 'jsonb', nullable: true }) headers: Record<string, unknown> | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

@Entity('auth_nonces')
export class AuthNonceEntity {
  @PrimaryColumn({ name: 'app_key', type: 'text' }) appKey: string;
  @PrimaryColumn({ type: 'text' }) nonce: string;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt: Date;
}

@Entity('voice_workers')
export class VoiceWorkerEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ name: 'host_name', type: 'text' }) hostName: string;
  @Column({ type: 'integer' }) ports: number;
  @Column({ name: 'active_calls', type: 'integer' }) activeCalls: number;
  @Column({ name: 'started_at', type: 'timestamptz' }) startedAt: Date;
  @Column({ name: 'heartbeat_at', type: 'timestamptz' }) heartbeatAt: Date;
}

export type DeliveryStream = 'status' | 'fee';
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

@Entity('webhook_deliveries')
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'source_id', type: 'text' }) sourceId: string;
  @Column({ type: 'text' }) stream: DeliveryStream;
  @Column({ name: 'session_id', type: 'text' }) sessionId: string;
  @Column({ name: 'app_key', type: 'text' }) appKey: string;
  @Column({ type: 'integer' }) seq: number;
  @Column({ type: 'text' }) url: string;
  @Column({ type: 'json' }) body: unknown;
  @Column({ type: 'text' }) status: DeliveryStatus;
  @Column({ type: 'integer' }) attempts: number;
  @Column({ name: 'next_attempt_at', type: 'timestamptz' }) nextAttemptAt: Date;
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true }) leaseUntil: Date | null;
  @Column({ name: 'last_http_status', type: 'integer', nullable: true }) lastHttpStatus: number | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true }) deliveredAt: Date | null;
  @Column({ name: 'request_id', type: 'text', nullable: true }) requestId: string | null;
}

@Entity('delivery_attempts')
export class DeliveryAttemptEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'delivery_id', type: 'uuid' }) deliveryId: string;
  @Column({ type: 'integer' }) attempt: number;
  @Column({ name: 'attempted_at', type: 'timestamptz' }) attemptedAt: Date;
  @Column({ name: 'duration_ms', type: 'integer' }) durationMs: number;
  @Column({ name: 'http_status', type: 'integer', nullable: true }) httpStatus: number | null;
  @Column({ type: 'text', nullable: true }) error: string | null;
}

/** One management change: who (`operator:<token fingerprint>`), what (action, target, detail), when. */
@Entity('audit_log')
export class AuditLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ type: 'timestamptz' }) at: Date;
  @Column({ type: 'text' }) actor: string;
  @Column({ type: 'text' }) action: string;
  @Column({ type: 'text', nullable: true }) target: string | null;
  /** The changed fields, never a secret nor file content. */
  @Column({ type: 'json', nullable: true }) detail: unknown;
  @Column({ name: 'request_id', type: 'text', nullable: true }) requestId: string | null;
}

export const ENTITIES = [
  AppEntity, AppNumberEntity, NumberListEntryEntity, ToneFileEntity, CallSessionEntity, CallEventEntity, CdrEntity,
  OutboxEntity, AuthNonceEntity, VoiceWorkerEntity, WebhookDeliveryEntity, DeliveryAttemptEntity,
  AuditLogEntity, EnterpriseEntity, IpRuleEntity,
];
