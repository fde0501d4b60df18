import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretBox } from '#libs/auth';
import { Broker, Outbox } from '#libs/messaging';
import { openDatabase, openReadReplica, READ_DATA_SOURCE } from '#libs/persistence';
import { APP_LOGGER, JsonLogger, Metrics, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { DatabaseProbe } from './database-probe.js';
import { PLATFORM_METRICS_OPTIONS, PlatformMetrics } from './platform-metrics.js';

const RUN_OUTBOX_RELAY = Symbol('RUN_OUTBOX_RELAY');

/** Starts the outbox relay (apps that produce messages) and closes the shared connections last. */
@Injectable()
class ConnectionLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(READ_DATA_SOURCE) private readonly readDataSource: DataSource,
    private readonly broker: Broker,
    private readonly outbox: Outbox,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
    @Inject(RUN_OUTBOX_RELAY) private readonly runOutboxRelay: boolean,
  ) {}

  onApplicationBootstrap(): void {
    if (this.runOutboxRelay) this.outbox.startRelay();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.outbox.stop();
    await this.broker.close();
    if (this.readDataSource !== this.dataSource) await this.readDataSource.destroy().catch(() => undefined);
    await this.dataSource.destroy().catch(() => undefined);
    this.logger.info('connections closed');
  }
}

export interface PlatformOptions {
  config: PlatformConfig;
  logger: JsonLogger;
  /** PostgreSQL pool size of this process. */
  poolSize?: number;
  /** Server-side timeout of every statement of this process's pool (migrations excepted). */
  statementTimeoutMs?: number;
  /** Apps that write to the outbox run its relay (and report its backlog on /metrics). */
  runOutboxRelay?: boolean;
  /** The gateway: its operators' listings and exports read from DATABASE_READ_URL when that is set. */
  readReplica?: boolean;
  /** Logical queues the app consumes: their depth is reported on /metrics. */
  queues?: readonly string[];
}

/**
 * What every app needs: validated configuration, the JSON logger, a migrated PostgreSQL
 * DataSource, the RabbitMQ broker connection, the outbox, the SecretBox and the app's metrics
 * registry (one per app, named after its logger's app).
 */
@Global()
@Module({})
export class PlatformModule {
  static register(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      providers: [
        { provide: PLATFORM_CONFIG, useValue: options.config },
        { provide: APP_LOGGER, useValue: options.logger },
        {
          provide: DataSource,
          useFactory: () =>
            openDatabase(options.config.databaseUrl, options.poolSize ?? 10, options.statementTimeoutMs),
        },
        {
          provide: READ_DATA_SOURCE,
          inject: [DataSource],
          useFactory: (primary: DataSource) =>
            options.readReplica && options.config.databaseReadUrl
              ? openReadReplica(options.config.databaseReadUrl, 5, options.statementTimeoutMs)
              : primary,
        },
        {
          provide: Broker,
          useFactory: async () => {
            // RPC queues are declared by the apps that serve or call them (BrokerServer, the gateway's captcha client).
            const broker = new Broker(
              options.config.rabbitmqUrl,
              options.config.amqpNamespace,
              options.logger.child({ component: 'broker' }),
              { waitPumpPrefetch: options.config.waitPumpPrefetch },
            );
            await broker.connect();
            return broker;
          },
        },
        {
          provide: Outbox,
          inject: [DataSource, Broker],
          useFactory: (dataSource: DataSource, broker: Broker) =>
            new Outbox(dataSource, broker, options.logger.child({ component: 'outbox' })),
        },
        // Seals app secrets and verification codes under VERIGATE_MASTER_KEY (gateway and voice).
        { provide: SecretBox, useValue: new SecretBox(options.config.masterKey) },
        { provide: RUN_OUTBOX_RELAY, useValue: options.runOutboxRelay ?? false },
        ConnectionLifecycle,
        DatabaseProbe,
        { provide: Metrics, useValue: new Metrics(options.logger.appName) },
        {
          provide: PLATFORM_METRICS_OPTIONS,
          useValue: { queues: options.queues ?? [], outbox: options.runOutboxRelay ?? false },
        },
        PlatformMetrics,
      ],
      exports: [
        PLATFORM_CONFIG,
        APP_LOGGER,
        DataSource,
        READ_DATA_SOURCE,
        Broker,
        Outbox,
        SecretBox,
        Metrics,
        DatabaseProbe,
      ],
    };
  }
}
