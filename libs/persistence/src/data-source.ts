import pg from 'pg';
import { DataSource } from 'typeorm';
import { ENTITIES } from './entities/index.js';
import { InitialSchema1764300000000 } from './migrations/1764300000000-initial-schema.js';
import { AuditLog1764300000300 } from './migrations/1764300000300-audit-log.js';
import { OperatingControls1764300000500 } from './migrations/1764300000500-operating-controls.js';
import { Captcha1764400000000 } from './migrations/1764400000000-captcha.js';
import { Sms1764500000000 } from './migrations/1764500000000-sms.js';
import { RequestIds1764600000000 } from './migrations/1764600000000-request-ids.js';
import { WebhookSigning1764600000100 } from './migrations/1764600000100-webhook-signing.js';
import { SmsPumping1764700000300 } from './migrations/1764700000300-sms-pumping.js';
import { CaptchaPow1764700000500 } from './migrations/1764700000500-captcha-pow.js';
import { CaptchaGetRisk1764700000600 } from './migrations/1764700000600-captcha-get-risk.js';
import { SqlFunctions1764800000000 } from './migrations/1764800000000-sql-functions.js';
import { AppsPermissionsDefault1764800000100 } from './migrations/1764800000100-apps-permissions-default.js';
import { Verifications1764900000000 } from './migrations/1764900000000-verifications.js';

export const MIGRATIONS = [
  InitialSchema1764300000000,
  AuditLog1764300000300,
  OperatingControls1764300000500,
  Captcha1764400000000,
  Sms1764500000000,
  RequestIds1764600000000,
  WebhookSigning1764600000100,
  SmsPumping1764700000300,
  CaptchaPow1764700000500,
  CaptchaGetRisk1764700000600,
  SqlFunctions1764800000000,
  AppsPermissionsDefault1764800000100,
  Verifications1764900000000,
];

/** An arbitrary constant: the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK = 0x76657269; // "veri"

/**
 * `statementTimeoutMs`: the server cancels (and rolls back) any statement of this pool that runs
 * longer, so a caller can answer "timed out" knowing nothing was kept.
 */
export function createDataSource(
  databaseUrl: string,
  poolSize = 10,
  statementTimeoutMs?: number,
  connectionOptions: { options?: string } = {},
): DataSource {
  return new DataSource({
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    logging: false,
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 5000,
      ...connectionOptions,
      ...(statementTimeoutMs ? { statement_timeout: statementTimeoutMs } : {}),
    },
  });
}

/** Creates the database named in the URL if it does not exist (docs/contract.md#configuration-names). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } catch (error) {
        // Another process created it at the same moment (42P04, or 23505 when the race is tighter).
        const code = (error as { code?: string }).code;
        if (code !== '42P04' && code !== '23505') throw error;
      }
    }
  } finally {
    await client.end();
  }
}

/** Runs pending migrations; several apps start at once, so an advisory lock lets one run them. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

/** Connects, creating the database and applying migrations first. */
export async function openDatabase(
  databaseUrl: string,
  poolSize = 10,
  statementTimeoutMs?: number,
): Promise<DataSource> {
  await ensureDatabase(databaseUrl);
  if (statementTimeoutMs) {
    // Migrations may take longer than the pool's statement timeout: they get a connection without it.
    // Two connections: one holds the migration lock, the other runs the migrations.
    const migrator = createDataSource(databaseUrl, 2);
    await migrator.initialize();
    try {
      await runMigrations(migrator);
    } finally {
      await migrator.destroy();
    }
  }
  const dataSource = createDataSource(databaseUrl, poolSize, statementTimeoutMs);
  await dataSource.initialize();
  if (!statementTimeoutMs) await runMigrations(dataSource);
  return dataSource;
}
