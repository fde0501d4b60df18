import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CAPTCHA_ERRORS, captchaErrorBody, type CaptchaErrorCode, type CaptchaLanguage } from '#libs/contracts';
import { APP_LOGGER, JsonLogger } from '#libs/runtime';
import { statusOf } from '../http/rest-exception.filter.js';
import { languageOf } from './sdk-headers.js';

/** A deliberate SDK answer: `{error_code, error_msg}` with the code's HTTP status. */
export class CaptchaError extends Error {
  constructor(readonly code: CaptchaErrorCode, readonly lang: CaptchaLanguage, readonly detail?: string) {
    super(code);
  }
}

/** Every captcha SDK failure leaves as `{error_code, error_msg}` (400, 429, 503 or 500), never unhandled. */
@Catch()
export class CaptchaExceptionFilter implements ExceptionFilter {
  constructor(@Inject(APP_LOGGER) private readonly logger: JsonLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    let error: CaptchaError;
    if (exception instanceof CaptchaError) {
      error = exception;
    } else {
      const lang = languageOf(request.headers['x-l']);
      const status = statusOf(exception);
      if (status !== undefined && status < 500) {
        error = new CaptchaError('PARAMETER_INVALID', lang, status === 413 ? 'the body is too large' : undefined);
      } else {
        this.logger.error('unexpected error on the captcha API', { error: exception });
        error = new CaptchaError('INTERNAL_ERROR', lang);
      }
    }
    void reply
      .status(CAPTCHA_ERRORS[error.code].httpStatus)
      .header('content-type', 'application/json;charset=UTF-8')
      .send(captchaErrorBody(error.code, error.lang, error.detail));
  }
}
