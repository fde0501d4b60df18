import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';

/**
 * PostgreSQL readiness on a connection of its own. Through the app's pool, a burst of traffic that
 * holds every connection for longer than the health timeout would mark every instance unready at
 * once and a load balancer would drop them all, making the overload an outage. The probe's
 * connection is opened on the first check and replaced after any error.
 */
@Injectable()
export class DatabaseProbe implements OnApplicationShutdown {
  private client?: pg.Client;
  private connecting?: Promise<pg.Client>;
  private closed = false;

  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {}

  async check(): Promise<void> {
    const client = await this.connection();
    try {
      await client.query('SELECT 1');
    } catch (error) {
      this.discard(client);
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
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
        connectionString: this.config.databaseUrl,
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
