import { All, Body, Controller, Headers, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ResultCodes, resultBody } from '#libs/contracts';
import { InvalidJsonBody } from '../http/invalid-json-body.js';
import { RestError } from '../http/rest-error.js';
import { RestExceptionFilter } from '../http/rest-exception.filter.js';
import { AkskCallerService } from './aksk-caller.service.js';
import { CallVerifyUseCase } from './call-verify.use-case.js';
import { validateCallVerify } from './call-verify.schema.js';

@Controller('rest')
@UseFilters(RestExceptionFilter)
export class CallVerifyController {
  constructor(
    private readonly caller: AkskCallerService,
    private readonly callVerify: CallVerifyUseCase,
  ) {}

  @Post('httpsessions/callVerify/v1.0')
  @HttpCode(200)
  async create(
    @Headers('authorization') authorization: string | undefined,
    @Headers('x-aksk') xAksk: string | undefined,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    reply.header('content-type', 'application/json;charset=UTF-8');
    const { app, nonce, clientIp } = await this.caller.identify(request, authorization, xAksk);
    this.callVerify.admit(app, clientIp);
    await this.callVerify.takeRequestQuota(app);
    if (body instanceof InvalidJsonBody) {
      if (body.kind === 'media-type') throw new RestError(ResultCodes.INVALID_REQUEST, body.reason);
      throw RestError.parameter(`the body is not valid JSON (${body.reason})`);
    }
    const validation = validateCallVerify(body);
    if (!validation.ok) throw new RestError(ResultCodes[validation.code], validation.detail);
    const result = await this.callVerify.execute(app, nonce, validation.request);
    return { ...resultBody(ResultCodes.SUCCESS), ...result };
  }

  /** Any other path or method under /rest/: 1010006 Invalid Rest API. */
  @All('*')
  unknown(): never {
    throw new RestError(ResultCodes.INVALID_REST_API);
  }
}
