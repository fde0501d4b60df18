import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { READ_DATA_SOURCE } from '#libs/persistence';
import { PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';

/**
 * One server's readiness on a connection of its own. Through the app's pool, a burst of traffic that
 * holds every connection for longer than the health timeout would mark every instance unready at
 * once and a load balancer would drop them all, making the overload an outage. The probe's
 * connection is opened on the first check and replaced after any error.
 */
class ConnectionProbe {
  private client?: pg.Client;
  private connecting?: Promise<pg.Client>;
  private closed = false;

  constructor(private readonly connectionString: string) {}

  async check(): Promise<void> {
    const client = await this.connection();
    try {
      await client.query('SELECT 1');
    } catch (error) {
      this.discard(client);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connection(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error('shutting down'));
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new pg.Client({
        connectionString: this.connectionString,
        application_name: 'verigate-readiness',
        connectionTimeoutMillis: 2_000,
        query_timeout: 2_000,
        keepAlive: true,
      });
      client.on('error', () => this.discard(client));
      try {
        await client.connect();
      } catch (error) {
        await client.end().catch(() => undefined);
        throw error;
      }
      this.client = client;
      return client;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private discard(client: pg.Client): void {
    if (this.client === client) this.client = undefined;
    void client.end().catch(() => undefined);
  }
}

/**
 * PostgreSQL readiness (see ConnectionProbe): the primary, and the read replica when this app
 * reads from one (the gateway with DATABASE_READ_URL set).
 */
@Injectable()
export class DatabaseProbe implements OnApplicationShutdown {
  private readonly primary: ConnectionProbe;
  private readonly replica: ConnectionProbe | null;

  constructor(
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    dataSource?: DataSource,
    @Inject(READ_DATA_SOURCE) readDataSource?: DataSource,
  ) {
    this.primary = new ConnectionProbe(config.databaseUrl);
    this.replica =
      readDataSource !== dataSource && config.databaseReadUrl ? new ConnectionProbe(config.databaseReadUrl) : null;
  }

  check(): Promise<void> {
    return this.primary.check();
  }

  /** The replica's check, or null when this app reads only from the primary. */
  get replicaCheck(): (() => Promise<void>) | null {
    const replica = this.replica;
    return replica ? () => replica.check() : null;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.primary.close(), this.replica?.close()]);
  }
}
