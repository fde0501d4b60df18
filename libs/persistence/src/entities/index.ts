import { AuthNonceEntity, IpRuleEntity } from './access-controls.entities.js';
import { AppEntity, AppNumberEntity, EnterpriseEntity, NumberListEntryEntity } from './apps.entities.js';
import { AuditLogEntity } from './audit-log.entity.js';
import { OutboxEntity } from './outbox.entity.js';
import { CallEventEntity, CallSessionEntity, CdrEntity, ToneFileEntity, VoiceWorkerEntity } from './voice.entities.js';
import { DeliveryAttemptEntity, WebhookDeliveryEntity } from './webhooks.entities.js';

export * from './access-controls.entities.js';
export * from './apps.entities.js';
export * from './audit-log.entity.js';
export * from './outbox.entity.js';
export * from './voice.entities.js';
export * from './webhooks.entities.js';

/**
 * The tables TypeORM maps. The migrations create the schema (synchronize is off); these restate
 * it, and test/e2e/schema-agreement.e2e.test.ts checks that the two agree.
 */
export const ENTITIES = [
  AppEntity,
  AppNumberEntity,
  NumberListEntryEntity,
  ToneFileEntity,
  CallSessionEntity,
  CallEventEntity,
  CdrEntity,
  OutboxEntity,
  AuthNonceEntity,
  VoiceWorkerEntity,
  WebhookDeliveryEntity,
  DeliveryAttemptEntity,
  AuditLogEntity,
  EnterpriseEntity,
  IpRuleEntity,
];
