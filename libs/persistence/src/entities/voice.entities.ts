import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { AppEntity } from './apps.entities.js';

export type ToneStatus = 'pending' | 'approved' | 'rejected';

@Entity('tone_files')
@Unique('tone_files_app_id_name_key', ['appId', 'name'])
@Check('tone_files_status_check', `status IN ('pending','approved','rejected')`)
export class ToneFileEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'app_id', type: 'uuid' })
  @ForeignKey(() => AppEntity, { name: 'tone_files_app_id_fkey', onDelete: 'CASCADE' })
  appId: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', default: 'pending' }) status: ToneStatus;
  @Column({ type: 'text' }) encoding: string;
  @Column({ name: 'sample_rate', type: 'integer' }) sampleRate: number;
  @Column({ type: 'integer' }) channels: number;
  @Column({ name: 'duration_ms', type: 'integer' }) durationMs: number;
  @Column({ name: 'size_bytes', type: 'integer' }) sizeBytes: number;
  @Column({ type: 'text' }) sha256: string;
  @Column({ type: 'bytea', select: false }) content: Buffer;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true }) reviewedAt: Date | null;
}

export type CallState = 'accepted' | 'calling' | 'ended';

@Entity('call_sessions')
@Index('call_sessions_app_created', ['appKey', 'createdAt'])
@Index('call_sessions_live', ['state', 'workerId'], { where: `state <> 'ended'` })
@Check('call_sessions_state_check', `state IN ('accepted','calling','ended')`)
export class CallSessionEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ name: 'app_id', type: 'uuid' })
  @ForeignKey(() => AppEntity, { name: 'call_sessions_app_id_fkey' })
  appId: string;
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
  @Column({ type: 'text', default: 'accepted' }) state: CallState;
  @Column({ name: 'worker_id', type: 'text', nullable: true }) workerId: string | null;
  @Column({ type: 'text', nullable: true }) icid: string | null;
  @Column({ name: 'event_seq', type: 'integer', default: 0 }) eventSeq: number;
  @Column({ name: 'state_code', type: 'integer', nullable: true }) stateCode: number | null;
  @Column({ name: 'state_desc', type: 'text', nullable: true }) stateDesc: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ name: 'alerting_at', type: 'timestamptz', nullable: true }) alertingAt: Date | null;
  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true }) answeredAt: Date | null;
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true }) endedAt: Date | null;
}

@Entity('call_events')
@Unique('call_events_session_id_seq_key', ['sessionId', 'seq'])
export class CallEventEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'session_id', type: 'text' })
  @ForeignKey(() => CallSessionEntity, { name: 'call_events_session_id_fkey' })
  sessionId: string;
  @Column({ type: 'integer' }) seq: number;
  @Column({ name: 'event_type', type: 'text' }) eventType: string;
  @Column({ type: 'json' }) body: unknown;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' }) createdAt: Date;
}

@Entity('cdrs')
@Index('cdrs_app_start', ['appKey', 'callStart'])
@Index('cdrs_callee', ['calleeNum', 'callStart'])
export class CdrEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'session_id', type: 'text', unique: true })
  @ForeignKey(() => CallSessionEntity, { name: 'cdrs_session_id_fkey' })
  sessionId: string;
  @Column({ name: 'app_key', type: 'text' }) appKey: string;
  @Column({ name: 'caller_num', type: 'text' }) callerNum: string;
  @Column({ name: 'callee_num', type: 'text' }) calleeNum: string;
  @Column({ name: 'call_start', type: 'timestamptz' }) callStart: Date;
  @Column({ name: 'call_end', type: 'timestamptz' }) callEnd: Date;
  @Column({ name: 'state_code', type: 'integer' }) stateCode: number;
  @Column({ name: 'fee_info', type: 'json' }) feeInfo: Record<string, unknown>;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
}

@Entity('voice_workers')
export class VoiceWorkerEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ name: 'host_name', type: 'text' }) hostName: string;
  @Column({ type: 'integer' }) ports: number;
  @Column({ name: 'active_calls', type: 'integer', default: 0 }) activeCalls: number;
  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' }) startedAt: Date;
  @Column({ name: 'heartbeat_at', type: 'timestamptz', default: () => 'now()' }) heartbeatAt: Date;
}
