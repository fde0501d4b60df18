import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ResultCodes, resultBody } from '#libs/contracts';
import { APP_LOGGER, JsonLogger } from '#libs/runtime';
import { RestError } from './rest-error.js';

/** Every `/rest/` failure leaves as `{resultcode, resultdesc}` with the table's HTTP status. */
@Catch()
export class RestExceptionFilter implements ExceptionFilter {
  constructor(@Inject(APP_LOGGER) private readonly logger: JsonLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let error: RestError;
    if (exception instanceof RestError) {
      error = exception;
    } else if (exception instanceof HttpException && exception.getStatus() === 404) {
      error = new RestError(ResultCodes.INVALID_REST_API);
    } else if (exception instanceof HttpException && exception.getStatus() < 500) {
      error = RestError.parameter(exception.message);
    } else {
      this.logger.error('unexpected error on /rest/', { error: exception });
      error = new RestError(ResultCodes.INTERNAL_SYSTEM_ERROR);
    }
    void reply.status(error.httpStatus).header('content-type', 'application/json;charset=UTF-8').send(error.body);
  }
}
