import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_LOGGER, JsonLogger } from '#libs/runtime';
import { AdminExceptionFilter } from './admin-exception.filter.js';
import { RestExceptionFilter } from './rest-exception.filter.js';
import { SdkExceptionFilter } from '../sdk/sdk-error.js';

/**
 * Global filter for failures that happen before a controller's own filter applies (unknown
 * routes, bodies too large, malformed requests): `/rest/` answers in the seed's format, the SDK
 * APIs in theirs, the rest in the management API's.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly rest: RestExceptionFilter;
  private readonly admin: AdminExceptionFilter;
  private readonly sdk: SdkExceptionFilter;

  constructor(@Inject(APP_LOGGER) logger: JsonLogger) {
    this.rest = new RestExceptionFilter(logger);
    this.admin = new AdminExceptionFilter(logger);
    this.sdk = new SdkExceptionFilter(logger);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const filter = request.url.startsWith('/rest/')
      ? this.rest
      : request.url.startsWith('/api/v2/sdk/')
        ? this.sdk
        : this.admin;
    filter.catch(exception, host);
  }
}
