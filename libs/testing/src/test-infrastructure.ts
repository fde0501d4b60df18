import amqp from 'amqplib';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  DEAD_LETTER_EXCHANGE,
  EXCHANGES,
  OBSOLETE_QUEUES,
  REQUEUE_EXCHANGE,
  RETRY_EXCHANGE,
  RPC_QUEUES,
  WORK_QUEUES,
} from '#libs/messaging';
import { JsonLogger, loadConfig, type PlatformConfig } from '#libs/runtime';

const BASE_DB = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/**
 * An isolated slice of the real infrastructure for one test file: its own PostgreSQL database and
 * its own RabbitMQ namespace (queue and exchange prefix), both removed by `dispose`.
 */
export class TestInfrastructure {
  readonly databaseUrl: string;

  /** `id` names the database (`verigate_<id>`) and the namespace; random unless a suite needs a fixed one. */
  constructor(readonly id = `t${randomBytes(4).toString('hex')}`) {
    const url = new URL(BASE_DB);
    url.pathname = `/verigate_${this.id}`;
    this.databaseUrl = url.toString();
  }

  config(env: Record<string, string> = {}): PlatformConfig {
    return loadConfig({
      DATABASE_URL: this.databaseUrl,
      RABBITMQ_URL,
      VERIGATE_AMQP_NAMESPACE: this.id,
      VERIGATE_WEBHOOK_ALLOW_PRIVATE: 'true',
      // SIPp answers with 127.0.0.1 media addresses.
      VERIGATE_RTP_ALLOW_PRIVATE: 'true',
      // Every header fault counts towards the 1020176 ban, and test files send many from 127.0.0.1;
      // the files that test the ban set their own threshold.
      VERIGATE_AUTH_FAILURES_BEFORE_BAN: '1000',
      VERIGATE_SIM_RING_MS: '0',
      VERIGATE_SIM_PROMPT_MS: '0',
      // Proof of work as cheap as the simulated calls are short (tests of PoW set their own).
      VERIGATE_CAPTCHA_POW_MAXNUMBER: '2000',
      VERIGATE_HEALTH_PORT: '0',
      PORT: '0',
      ...env,
    });
  }

  logger(app: string): JsonLogger {
    return new JsonLogger(app, (process.env.TEST_LOG_LEVEL as 'warn') ?? 'error');
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Messages ready in one of this namespace's queues. */
  async queueDepth(queue: string): Promise<number> {
    return this.withChannel(async (channel) => (await channel.checkQueue(`${this.id}.${queue}`)).messageCount);
  }

  /** Consumers of one of this namespace's queues. */
  async queueConsumers(queue: string): Promise<number> {
    return this.withChannel(async (channel) => (await channel.checkQueue(`${this.id}.${queue}`)).consumerCount);
  }

  /** Whether one of this namespace's queues exists. */
  async queueExists(queue: string): Promise<boolean> {
    return this.withChannel((channel) =>
      channel.checkQueue(`${this.id}.${queue}`).then(
        () => true,
        () => false,
      ),
    );
  }

  /** A channel on a connection of its own (a failed check closes the channel, not the test). */
  private async withChannel<T>(use: (channel: amqp.Channel) => Promise<T>): Promise<T> {
    const connection = await amqp.connect(RABBITMQ_URL);
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      return await use(channel);
    } finally {
      await connection.close();
    }
  }

  async dispose(): Promise<void> {
    const connection = await amqp.connect(RABBITMQ_URL);
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      for (const spec of WORK_QUEUES) {
        for (const suffix of ['', '.dead', '.retry', '.delay', '.wait'])
          await channel.deleteQueue(`${this.id}.${spec.name}${suffix}`);
      }
      for (const name of [...RPC_QUEUES.map((q) => q.name), ...OBSOLETE_QUEUES])
        await channel.deleteQueue(`${this.id}.${name}`);
      for (const exchange of [
        ...EXCHANGES.map((e) => e.name),
        DEAD_LETTER_EXCHANGE,
        RETRY_EXCHANGE,
        REQUEUE_EXCHANGE,
      ]) {
        await channel.deleteExchange(`${this.id}.${exchange}`);
      }
    } finally {
      await connection.close();
    }
    const admin = new pg.Client({ connectionString: BASE_DB.replace(/\/[^/]*$/, '/postgres') });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "verigate_${this.id}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }
}
