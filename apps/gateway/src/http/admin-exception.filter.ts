import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AdminErrorCode } from '#libs/contracts';
import { InvalidFilterValue } from '#libs/persistence';
import { APP_LOGGER, JsonLogger } from '#libs/runtime';
import { AdminError } from './rest-error.js';
import { statusOf } from './rest-exception.filter.js';

/** SQLSTATEs of text PostgreSQL cannot store: 22021 (a NUL or invalid byte), 22P05 (untranslatable). */
const TEXT_NOT_STORABLE = new Set(['22021', '22P05']);

/** Management-API failures leave as `{error_code, error_msg}` with a meaningful HTTP status. */
@Catch()
export class AdminExceptionFilter implements ExceptionFilter {
  constructor(@Inject(APP_LOGGER) private readonly logger: JsonLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let status = 500;
    let body: { error_code: AdminErrorCode; error_msg: string } = {
      error_code: 'INTERNAL_ERROR',
      error_msg: 'internal error',
    };
    if (exception instanceof AdminError) {
      status = exception.httpStatus;
      body = { error_code: exception.code, error_msg: exception.message };
    } else if (exception instanceof InvalidFilterValue) {
      // A listing's query-string value the repository could not use: answered as any invalid field.
      status = 400;
      body = { error_code: 'INVALID_FIELD', error_msg: exception.message };
    } else if (statusOf(exception) !== undefined && statusOf(exception)! < 500) {
      status = statusOf(exception)!;
      const code: AdminErrorCode =
        status === 404
          ? 'NOT_FOUND'
          : status === 413
            ? 'BODY_TOO_LARGE'
            : status === 415
              ? 'UNSUPPORTED_MEDIA_TYPE'
              : 'BAD_REQUEST';
      body = { error_code: code, error_msg: (exception as Error).message };
    } else if (TEXT_NOT_STORABLE.has((exception as { code?: string }).code ?? '')) {
      // e.g. %00 in a path or query parameter: PostgreSQL text cannot hold U+0000.
      status = 400;
      body = { error_code: 'INVALID_FIELD', error_msg: 'text must not contain U+0000 (NUL)' };
    } else if ((exception as { code?: string }).code === '23505') {
      status = 409;
      body = { error_code: 'ALREADY_EXISTS', error_msg: 'the resource already exists' };
    } else {
      this.logger.error('unexpected error on /admin/', { error: exception });
    }
    void reply.status(status).send(body);
  }
}
