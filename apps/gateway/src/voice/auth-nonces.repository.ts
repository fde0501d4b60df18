import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * auth_nonces: a request's nonce is recorded by the statement that accepts it
 * (CallSessionsRepository.accept); expired ones are swept here. Gateway only.
 */
@Injectable()
export class AuthNoncesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Deletes expired nonces, and in the same statement the expired rows of the other short-lived
   * tables of the call path: counter windows and address bans. Idempotent (every gateway runs it).
   */
  async deleteExpired(): Promise<void> {
    await this.dataSource.query(
      `WITH nonces AS (DELETE FROM auth_nonces WHERE expires_at < now()),
              counters AS (DELETE FROM rate_counters WHERE expires_at < now())
         DELETE FROM ip_bans WHERE banned_until < now()`,
    );
  }
}
