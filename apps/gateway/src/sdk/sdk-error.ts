import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SDK_ERRORS, sdkErrorBody, type SdkApi, type SdkErrorCode, type SdkLanguage } from '#libs/contracts';
import { databaseUnavailable } from '#libs/persistence';
import { APP_LOGGER, JsonLogger } from '#libs/runtime';
import { statusOf } from '../http/rest-exception.filter.js';
import { languageOf } from './sdk-headers.js';

/** A deliberate SDK answer: `{error_code, error_msg}` with the code's HTTP status. */
export class SdkError extends Error {
  constructor(
    readonly code: SdkErrorCode,
    readonly lang: SdkLanguage,
    readonly detail?: string,
  ) {
    super(code);
  }
}

/** Which SDK API a request addressed (its error codes carry that prefix). */
function apiOf(request: FastifyRequest): SdkApi {
  return request.url.startsWith('/api/v2/sdk/sms') ? 'SMS' : 'CAPTCHA';
}

/** Every SDK failure leaves as `{error_code, error_msg}` (400, 429, 503 or 500), never unhandled. */
@Catch()
export class SdkExceptionFilter implements ExceptionFilter {
  constructor(@Inject(APP_LOGGER) private readonly logger: JsonLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const api = apiOf(request);
    let error: SdkError;
    if (exception instanceof SdkError) {
      error = exception;
    } else {
      const lang = languageOf(request.headers['x-l']);
      const status = statusOf(exception);
      if (status === 413) {
        error = new SdkError('BODY_TOO_LARGE', lang);
      } else if (status !== undefined && status < 500) {
        error = new SdkError('PARAMETER_INVALID', lang);
      } else if (databaseUnavailable(exception)) {
        // e.g. the app lookup of a request, with PostgreSQL away: retryable, not a fault.
        this.logger.warn(`database unavailable on the ${api.toLowerCase()} API`, {
          error: (exception as Error).message,
        });
        error = new SdkError('SERVICE_UNAVAILABLE', lang);
      } else {
        this.logger.error(`unexpected error on the ${api.toLowerCase()} API`, { error: exception });
        error = new SdkError('INTERNAL_ERROR', lang);
      }
    }
    void reply
      .status(SDK_ERRORS[error.code].httpStatus)
      .header('content-type', 'application/json;charset=UTF-8')
      .send(sdkErrorBody(api, error.code, error.lang, error.detail));
  }
}
