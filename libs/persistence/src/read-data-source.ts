import { DataSource } from 'typeorm';
import { createDataSource } from './data-source.js';

/**
 * The DataSource of the operators' CDR, call and SMS listings and CSV exports: the read replica
 * when DATABASE_READ_URL is set (gateway), else the primary DataSource itself.
 */
export const READ_DATA_SOURCE = Symbol('READ_DATA_SOURCE');

/**
 * Connects to a read replica: no database creation and no migrations (the replica follows the
 * primary's), and every transaction read-only so that a write routed here by mistake fails loudly.
 */
export async function openReadReplica(
  databaseUrl: string,
  poolSize: number,
  statementTimeoutMs?: number,
): Promise<DataSource> {
  const dataSource = createDataSource(databaseUrl, poolSize, statementTimeoutMs, {
    options: '-c default_transaction_read_only=on',
  });
  await dataSource.initialize();
  return dataSource;
}
