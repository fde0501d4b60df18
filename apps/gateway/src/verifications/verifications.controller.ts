import { Body, Controller, Headers, HttpCode, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ResultCodes } from '#libs/contracts';
import { RestError } from '../http/rest-error.js';
import { RestExceptionFilter } from '../http/rest-exception.filter.js';
import { CheckVerificationUseCase } from './check-verification.use-case.js';
import { CreateVerificationUseCase } from './create-verification.use-case.js';
import { ResendVerificationUseCase } from './resend-verification.use-case.js';
import { VerificationGate } from './verification-gate.service.js';
import {
  checkVerificationSchema,
  createVerificationSchema,
  parseVerificationBody,
  resendVerificationSchema,
  type BodyParse,
} from './verification.schemas.js';

function valid<T>(parsed: BodyParse<T>): T {
  if (!parsed.ok) throw new RestError(ResultCodes[parsed.code], parsed.detail);
  return parsed.value;
}

/**
 * The verification API (docs/verifications.md): AKSK-authenticated like callVerify, errors as
 * `{resultcode, resultdesc}`. Thin: the gate admits, the schemas parse, the use-cases act.
 */
@Controller('api/v3/verifications')
@UseFilters(RestExceptionFilter)
export class VerificationsController {
  constructor(
    private readonly gate: VerificationGate,
    private readonly create: CreateVerificationUseCase,
    private readonly check: CheckVerificationUseCase,
    private readonly resend: ResendVerificationUseCase,
  ) {}

  /** 201 `{verificationId, status: "pending", channel, expiresAt}` once accepted (the code will go out). */
  @Post()
  @HttpCode(201)
  async start(
    @Headers('authorization') authorization: string | undefined,
    @Headers('x-aksk') xAksk: string | undefined,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    reply.header('content-type', 'application/json;charset=UTF-8');
    const caller = await this.gate.admit(authorization, xAksk, request, body);
    const parsed = valid(parseVerificationBody(createVerificationSchema, body));
    return this.create.execute(caller.app, caller.nonce, caller.clientIp, parsed);
  }

  /** 200 `{status: "approved" | "denied"}`: the same `denied` for a wrong code and no such verification. */
  @Post(':id/check')
  @HttpCode(200)
  async checkCode(
    @Headers('authorization') authorization: string | undefined,
    @Headers('x-aksk') xAksk: string | undefined,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    reply.header('content-type', 'application/json;charset=UTF-8');
    const caller = await this.gate.admit(authorization, xAksk, request, body);
    const { code } = valid(parseVerificationBody(checkVerificationSchema, body));
    return { status: await this.check.execute(caller.app, caller.nonce, id, code) };
  }

  /** 200 `{verificationId, status, channel, expiresAt}`: the same code again on the asked channel. */
  @Post(':id/resend')
  @HttpCode(200)
  async resendCode(
    @Headers('authorization') authorization: string | undefined,
    @Headers('x-aksk') xAksk: string | undefined,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    reply.header('content-type', 'application/json;charset=UTF-8');
    const caller = await this.gate.admit(authorization, xAksk, request, body);
    const { channel } = valid(parseVerificationBody(resendVerificationSchema, body));
    return this.resend.execute(caller.app, caller.nonce, id, channel);
  }
}
