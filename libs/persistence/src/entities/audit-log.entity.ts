import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One management change: who (`operator:<token fingerprint>`), what (action, target, detail), when. */
@Entity('audit_log')
@Index('audit_log_at', ['at'])
export class AuditLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ type: 'timestamptz', default: () => 'now()' }) at: Date;
  @Column({ type: 'text' }) actor: string;
  @Column({ type: 'text' }) action: string;
  @Column({ type: 'text', nullable: true }) target: string | null;
  /** The changed fields, never a secret nor file content. */
  @Column({ type: 'json', nullable: true }) detail: unknown;
  @Column({ name: 'request_id', type: 'text', nullable: true }) requestId: string | null;
}
