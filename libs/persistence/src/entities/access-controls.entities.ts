import { Check, Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';

export type IpRuleKind = 'blacklist' | 'restricted-area';

/** Platform IP rules: a blacklisted address (1020168) or an address of a restricted area (1020171). */
@Entity('ip_rules')
@Unique('ip_rules_kind_cidr_key', ['kind', 'cidr'])
@Check('ip_rules_kind_check', `kind IN ('blacklist','restricted-area')`)
export class IpRuleEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) kind: IpRuleKind;
  @Column({ type: 'cidr' }) cidr: string;
  @Column({ type: 'text', nullable: true }) area: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
}

/** AKSK nonces seen, kept until they expire (a replayed request is refused). */
@Entity('auth_nonces')
@Index('auth_nonces_expiry', ['expiresAt'])
export class AuthNonceEntity {
  @PrimaryColumn({ name: 'app_key', type: 'text' }) appKey: string;
  @PrimaryColumn({ type: 'text' }) nonce: string;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt: Date;
}
