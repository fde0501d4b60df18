import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import type { Server } from 'node:http';
import { DataSource } from 'typeorm';
import { Broker } from '#libs/messaging';
import { ConfigError, JsonLogger, loadConfig, Metrics, startHealthServer, type HealthCheck, type PlatformConfig } from '#libs/runtime';

export function readConfigOrExit(app: string, defaults: { healthPort?: number } = {}): PlatformConfig {
  try {
    return loadConfig(process.env, defaults);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${app}: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

/** Health checks every app shares (workers' health server and the gateway's /health): PostgreSQL answers and RabbitMQ is connected. */
export function platformHealthChecks(app: Pick<INestApplicationContext, 'get'>): Record<string, HealthCheck> {
  const dataSource = app.get(DataSource);
  const broker = app.get(Broker);
  return {
    postgres: async () => { await dataSource.query('SELECT 1'); },
    rabbitmq: async () => { if (!broker.isConnected) throw new Error('not connected'); },
  };
}

export function warnAboutDevelopmentDefaults(config: PlatformConfig, logger: JsonLogger): void {
  if (config.adminTokenIsDefault) logger.warn(`development operator token in use: VERIGATE_ADMIN_TOKEN=${config.adminToken} (set your own outside development)`);
  if (config.masterKeyIsDefault) logger.warn('development master key in use: set VERIGATE_MASTER_KEY outside development');
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
  host = '0.0.0.0',
): Promise<Server> {
  return startHealthServer(config.healthPort, { ...platformHealthChecks(app), ...extraChecks }, { metrics: app.get(Metrics), token: config.metricsToken }, host);
}

/**
 * Starts a worker app (no public HTTP): a Nest application context plus a health endpoint,
 * stopped gracefully on SIGTERM/SIGINT.
 */
export async function runWorker(
  name: string,
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
    const app = await NestFactory.createApplicationContext(buildModule(config, logger), { logger, abortOnError: false });
    app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
    health = await startWorkerEndpoint(app, config, extraChecks(app));
    process.once('SIGTERM', () => health?.close());
    process.once('SIGINT', () => health?.close());
    logger.info(`${name} started`, { healthPort: config.healthPort });
  } catch (error) {
    logger.error(`${name} failed to start`, { error });
    health?.close();
    process.exit(1);
  }
}
