import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Messages not yet confirmed by the broker (a row is deleted once it is). */
@Entity('outbox')
@Index('outbox_created', ['createdAt'])
export class OutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ type: 'text' }) exchange: string;
  @Column({ name: 'routing_key', type: 'text' }) routingKey: string;
  @Column({ name: 'message_id', type: 'text' }) messageId: string;
  @Column({ type: 'json' }) payload: unknown;
  @Column({ type: 'jsonb', nullable: true }) headers: Record<string, unknown> | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
}
