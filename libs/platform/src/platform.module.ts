import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretBox } from '#libs/auth';
import { Broker, Outbox } from '#libs/messaging';
import { openDatabase } from '#libs/persistence';
import { APP_LOGGER, JsonLogger, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';

const RUN_OUTBOX_RELAY = Symbol('RUN_OUTBOX_RELAY');

/** Starts the outbox relay (apps that produce messages) and closes the shared connections last. */
@Injectable()
class ConnectionLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
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
  /** Apps that write to the outbox run its relay. */
  runOutboxRelay?: boolean;
}

/**
 * What every app needs: validated configuration, the JSON logger, a migrated PostgreSQL
 * DataSource, the RabbitMQ broker connection, the outbox and the SecretBox.
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
          useFactory: () => openDatabase(options.config.databaseUrl, options.poolSize ?? 10, options.statementTimeoutMs),
        },
        {
          provide: Broker,
          useFactory: async () => {
            const broker = new Broker(options.config.rabbitmqUrl, options.config.amqpNamespace, options.logger.child({ component: 'broker' }), options.config.captcha.rpcQueueMaxLength);
            await broker.connect();
            return broker;
          },
        },
        {
          provide: Outbox,
          inject: [DataSource, Broker],
          useFactory: (dataSource: DataSource, broker: Broker) => new Outbox(dataSource, broker, options.logger.child({ component: 'outbox' })),
        },
        // Seals app secrets and verification codes under VERIGATE_MASTER_KEY (gateway and voice).
        { provide: SecretBox, useValue: new SecretBox(options.config.masterKey) },
        { provide: RUN_OUTBOX_RELAY, useValue: options.runOutboxRelay ?? false },
        ConnectionLifecycle,
      ],
      exports: [PLATFORM_CONFIG, APP_LOGGER, DataSource, Broker, Outbox, SecretBox],
    };
  }
}
