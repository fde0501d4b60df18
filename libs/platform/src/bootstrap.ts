import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { DynamicModule, INestApplicationContext, INestMicroservice } from '@nestjs/common';
import type { MicroserviceOptions } from '@nestjs/microservices';
import type { Server } from 'node:http';
import { Broker, BrokerServer, CONSUMER_SETTINGS, HandBackErrorsFilter, type ConsumerSettings } from '#libs/messaging';
import { DatabaseProbe } from './database-probe.js';
import {
  APP_LOGGER,
  ConfigError,
  JsonLogger,
  loadConfig,
  Metrics,
  startHealthServer,
  type AppName,
  type HealthCheck,
  type PlatformConfig,
} from '#libs/runtime';

/** The app's configuration (its own requirements only, see LoadConfigOptions.app), or exit 78 naming every bad variable. */
export function readConfigOrExit(app: AppName, defaults: { healthPort?: number } = {}): PlatformConfig {
  try {
    return loadConfig(process.env, { ...defaults, app });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${app}: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

/** Set when a stop signal arrives: readiness answers 503 from then on, so a load balancer stops sending. */
let draining = false;

/**
 * Health checks every app shares (workers' health server and the gateway's /health): PostgreSQL
 * answers (on the probe's own connection, see DatabaseProbe; the read replica too where one is
 * used), RabbitMQ is connected, and the process is not stopping.
 */
export function platformHealthChecks(app: Pick<INestApplicationContext, 'get'>): Record<string, HealthCheck> {
  const database = app.get(DatabaseProbe);
  const broker = app.get(Broker);
  const replica = database.replicaCheck;
  return {
    postgres: () => database.check(),
    // Only when the app reads from a replica (DATABASE_READ_URL, gateway).
    ...(replica ? { postgres_replica: replica } : {}),
    rabbitmq: async () => {
      if (!broker.isConnected) throw new Error('not connected');
    },
    shutdown: async () => {
      if (draining) throw new Error('draining: the process is stopping');
    },
  };
}

export interface GracefulShutdownOptions {
  /** Hard deadline from the first signal (VERIGATE_SHUTDOWN_TIMEOUT_S): past it the process exits 1. */
  timeoutMs: number;
  /** Gateway: how long readiness answers 503 before the listener closes (VERIGATE_SHUTDOWN_DRAIN_MS). */
  drainMs?: number;
  /** Runs right after the app has closed (e.g. the workers' health server). */
  afterClose?: () => Promise<void> | void;
}

/**
 * SIGTERM / SIGINT stop the app gracefully: readiness turns 503 at once, then (after `drainMs`)
 * `app.close()` runs every app's shutdown hooks — consumers cancelled, in-flight work finished or
 * handed back, the HTTP listener closed after its in-flight requests, the outbox flushed, AMQP and
 * PostgreSQL closed — and the process exits 0. A second signal, or the deadline, exits 1 at once
 * (whatever was unfinished is handed back by RabbitMQ redelivery or lease expiry).
 */
export function exitOnShutdownSignals(
  app: INestApplicationContext,
  logger: JsonLogger,
  options: GracefulShutdownOptions,
): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn('second stop signal: exiting without waiting', { signal });
      process.exit(1);
    }
    stopping = true;
    draining = true;
    logger.info('stopping gracefully', { signal, drainMs: options.drainMs ?? 0, timeoutMs: options.timeoutMs });
    // Referenced on purpose: if the stop hangs on a promise that nothing keeps open, the event
    // loop would otherwise empty and Node would exit 0 as if the stop had succeeded. Every path
    // that finishes calls process.exit, so this timer never delays a clean exit.
    setTimeout(() => {
      logger.error('graceful stop took longer than its deadline: exiting', { timeoutMs: options.timeoutMs });
      process.exit(1);
    }, options.timeoutMs);
    void (async () => {
      try {
        if (options.drainMs) await new Promise((resolve) => setTimeout(resolve, options.drainMs));
        await app.close();
        await options.afterClose?.();
        logger.info('stopped');
        process.exit(0);
      } catch (error) {
        logger.error('graceful stop failed', { error });
        process.exit(1);
      }
    })();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

export function warnAboutDevelopmentDefaults(config: PlatformConfig, logger: JsonLogger): void {
  if (config.adminTokenIsDefault)
    logger.warn(
      `development operator token in use: VERIGATE_ADMIN_TOKEN=${config.adminToken} (set your own outside development)`,
    );
  if (config.masterKeyIsDefault)
    logger.warn('development master key in use: set VERIGATE_MASTER_KEY outside development');
}

/**
 * A worker's own HTTP endpoint: `GET /health` (PostgreSQL, RabbitMQ and `extraChecks`) and
 * `GET /metrics` (the app's registry, behind VERIGATE_METRICS_TOKEN when set). Used by runWorker
 * and by tests that start workers in-process.
 */
export function startWorkerEndpoint(
  app: INestApplicationContext,
  config: PlatformConfig,
  extraChecks: Record<string, HealthCheck> = {},
  host = config.host,
): Promise<Server> {
  return startHealthServer(
    config.healthPort,
    { ...platformHealthChecks(app), ...extraChecks },
    { metrics: app.get(Metrics), token: config.metricsToken },
    host,
  );
}

/**
 * A worker as a Nest microservice over the process's Broker (BrokerServer): providers created,
 * bootstrap hooks run, then every @EventPattern / @MessagePattern queue consumed with the module's
 * CONSUMER_SETTINGS. `app.close()` cancels the consumers first, then runs the shutdown hooks
 * (drain, outbox flush, connections closed). Used by runWorker and by tests that start workers in-process.
 */
export async function startWorker(module: DynamicModule, logger: JsonLogger | false): Promise<INestMicroservice> {
  // Resolved when the server starts listening: the Broker and the settings are the app's own providers.
  const strategy: BrokerServer = new BrokerServer(() => ({
    broker: app.get(Broker),
    settings: app.get<symbol, ConsumerSettings>(CONSUMER_SETTINGS, { strict: false }),
    logger: app.get<symbol, JsonLogger>(APP_LOGGER, { strict: false }),
  }));
  const app: INestMicroservice = await NestFactory.createMicroservice<MicroserviceOptions>(module, {
    strategy,
    logger,
    abortOnError: false,
  });
  app.useGlobalFilters(new HandBackErrorsFilter());
  await app.listen();
  return app;
}

/**
 * Starts a worker app (no public HTTP): a Nest microservice (startWorker) plus a health endpoint,
 * stopped gracefully on SIGTERM/SIGINT (see `exitOnShutdownSignals`).
 */
export async function runWorker(
  name: AppName,
  buildModule: (config: PlatformConfig, logger: JsonLogger) => DynamicModule,
  healthPort: number,
  /** The worker's own readiness checks beside PostgreSQL and RabbitMQ (e.g. its SMS centre). */
  extraChecks: (app: INestApplicationContext) => Record<string, HealthCheck> = () => ({}),
): Promise<void> {
  const config = readConfigOrExit(name, { healthPort });
  const logger = new JsonLogger(name, config.logLevel);
  process.on('unhandledRejection', (reason) => logger.error('unhandled rejection', { error: reason }));
  let health: Server | undefined;
  try {
    const app = await startWorker(buildModule(config, logger), logger);
    health = await startWorkerEndpoint(app, config, extraChecks(app));
    const server = health;
    exitOnShutdownSignals(app, logger, {
      timeoutMs: config.shutdownTimeoutSeconds * 1000,
      // The health server answers 503 while the worker drains, and closes last.
      afterClose: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    });
    logger.info(`${name} started`, { healthPort: config.healthPort });
  } catch (error) {
    logger.error(`${name} failed to start`, { error });
    health?.close();
    process.exit(1);
  }
}
