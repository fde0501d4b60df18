import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

export type DeliveryStream = 'status' | 'fee';
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

@Entity('webhook_deliveries')
@Unique('webhook_deliveries_source_id_stream_key', ['sourceId', 'stream'])
@Index('webhook_deliveries_due', ['nextAttemptAt'], { where: `status = 'pending'` })
@Index('webhook_deliveries_session', ['sessionId', 'stream', 'seq'])
@Check('webhook_deliveries_stream_check', `stream IN ('status','fee')`)
@Check('webhook_deliveries_status_check', `status IN ('pending','delivered','failed')`)
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'source_id', type: 'text' }) sourceId: string;
  @Column({ type: 'text' }) stream: DeliveryStream;
  @Column({ name: 'session_id', type: 'text' }) sessionId: string;
  @Column({ name: 'app_key', type: 'text' }) appKey: string;
  @Column({ type: 'integer' }) seq: number;
  @Column({ type: 'text' }) url: string;
  @Column({ type: 'json' }) body: unknown;
  @Column({ type: 'text', default: 'pending' }) status: DeliveryStatus;
  @Column({ type: 'integer', default: 0 }) attempts: number;
  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' }) nextAttemptAt: Date;
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true }) leaseUntil: Date | null;
  @Column({ name: 'last_http_status', type: 'integer', nullable: true }) lastHttpStatus: number | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' }) createdAt: Date;
  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true }) deliveredAt: Date | null;
  @Column({ name: 'request_id', type: 'text', nullable: true }) requestId: string | null;
}

@Entity('delivery_attempts')
@Index('delivery_attempts_delivery', ['deliveryId'])
export class DeliveryAttemptEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'delivery_id', type: 'uuid' })
  @ForeignKey(() => WebhookDeliveryEntity, { name: 'delivery_attempts_delivery_id_fkey', onDelete: 'CASCADE' })
  deliveryId: string;
  @Column({ type: 'integer' }) attempt: number;
  @Column({ name: 'attempted_at', type: 'timestamptz' }) attemptedAt: Date;
  @Column({ name: 'duration_ms', type: 'integer' }) durationMs: number;
  @Column({ name: 'http_status', type: 'integer', nullable: true }) httpStatus: number | null;
  @Column({ type: 'text', nullable: true }) error: string | null;
}
