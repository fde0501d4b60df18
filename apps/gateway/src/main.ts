import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { exitOnShutdownSignals, readConfigOrExit, warnAboutDevelopmentDefaults } from '#libs/platform';
import { JsonLogger, Metrics, requestIdFrom, type PlatformConfig } from '#libs/runtime';
import { GatewayModule } from './gateway.module.js';
import { clientErrorHandler } from './http/client-error.js';
import { configureBodyParsers } from './http/fastify-setup.js';
import { HttpExceptionFilter } from './http/http-exception.filter.js';
import { installHttpObservability } from './http/http-observability.js';

/** Builds the gateway (used by main and by tests). */
export async function createGateway(config: PlatformConfig, logger: JsonLogger): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    trustProxy: false,
    routerOptions: { maxParamLength: 300 },
    // Slow or idle clients are cut off (README "Configuration", docs/operations.md): slowloris
    // headers by headersTimeout, a body trickled in by requestTimeout, a silent socket by the idle
    // timeout. Node checks the first two every connectionsCheckingInterval, hence 1 s.
    connectionTimeout: config.http.idleTimeoutMs,
    requestTimeout: config.http.requestTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    http: { headersTimeout: config.http.headersTimeoutMs, connectionsCheckingInterval: 1000 },
    clientErrorHandler: clientErrorHandler(logger),
    // request.id: the client's X-Request-Id when sane (1-128 of A-Z a-z 0-9 . _ : -), else a new UUID.
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, unknown> }) => requestIdFrom(req.headers['x-request-id']),
  } as ConstructorParameters<typeof FastifyAdapter>[0]);
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.register(config, logger), adapter, {
    logger,
    abortOnError: false,
    bodyParser: false,
  });
  configureBodyParsers(app.getHttpAdapter().getInstance());
  installHttpObservability(app.getHttpAdapter().getInstance(), app.get(Metrics), logger, config.accessLog);
  app.useGlobalFilters(new HttpExceptionFilter(logger));
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = readConfigOrExit('gateway');
  const logger = new JsonLogger('gateway', config.logLevel);
  process.on('unhandledRejection', (reason) => logger.error('unhandled rejection', { error: reason }));
  try {
    const app = await createGateway(config, logger);
    // HOST: 127.0.0.1 outside production unless set (a development gateway is not on the network).
    await app.listen(config.port, config.host);
    // Readiness answers 503 for drainMs before the listener closes; requests in flight then finish.
    exitOnShutdownSignals(app, logger, {
      timeoutMs: config.shutdownTimeoutSeconds * 1000,
      drainMs: config.shutdownDrainMs,
    });
    warnAboutDevelopmentDefaults(config, logger);
    logger.info('gateway listening', { host: config.host, port: config.port });
  } catch (error) {
    logger.error('gateway failed to start', { error });
    process.exit(1);
  }
}
