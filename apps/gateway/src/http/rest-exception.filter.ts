import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ResultCodes } from '#libs/contracts';
import { APP_LOGGER, JsonLogger } from '#libs/runtime';
import { RestError } from './rest-error.js';

/** The HTTP status an error carries: Nest's HttpException, or Fastify's own errors (body too large…). */
export function statusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  const status = (exception as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

/** Every `/rest/` failure leaves as `{resultcode, resultdesc}` with the table's HTTP status. */
@Catch()
export class RestExceptionFilter implements ExceptionFilter {
  constructor(@Inject(APP_LOGGER) private readonly logger: JsonLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let error: RestError;
    if (exception instanceof RestError) {
      error = exception;
    } else if (statusOf(exception) === 404) {
      error = new RestError(ResultCodes.INVALID_REST_API);
    } else if (statusOf(exception) === 415) {
      error = new RestError(ResultCodes.INVALID_REQUEST, 'Content-Type must be application/json;charset=UTF-8');
    } else if (statusOf(exception) === 413) {
      error = RestError.parameter('the request body is too large');
    } else if ((statusOf(exception) ?? 500) < 500) {
      error = RestError.parameter((exception as Error).message);
    } else {
      this.logger.error('unexpected error on /rest/', { error: exception });
      error = new RestError(ResultCodes.INTERNAL_SYSTEM_ERROR);
    }
    void reply.status(error.httpStatus).header('content-type', 'application/json;charset=UTF-8').send(error.body);
  }
}
