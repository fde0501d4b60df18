import { Body, Controller, Headers, HttpCode, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { SdkAdmission } from '../sdk/sdk-admission.service.js';
import { SdkExceptionFilter } from '../sdk/sdk-error.js';
import { sdkJsonReply } from '../sdk/sdk-reply.js';
import { SendSmsCodeUseCase } from './send-sms-code.use-case.js';
import { parseSendSms, parseVerifySms } from './sms-request.schema.js';
import { VerifySmsCodeUseCase } from './verify-sms-code.use-case.js';

type HeaderBag = Record<string, string | string[] | undefined>;

/** docs/contract.md#sms-verification-code: send a verification code by SMS, and verify it. Thin: parsing here, rules in the use-cases. */
@Controller('api/v2/sdk/sms')
@UseFilters(SdkExceptionFilter)
export class SmsController {
  constructor(
    private readonly admission: SdkAdmission,
    private readonly send: SendSmsCodeUseCase,
    private readonly verify: VerifySmsCodeUseCase,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  /** 200 `{result: true, message_id, expires_in, resend_after}` once the send is accepted (it will happen). */
  @Post('send')
  @HttpCode(200)
  async sendCode(
    @Headers() headers: HeaderBag,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const caller = await this.admission.admit(headers, request, 'sms');
    const parsed = parseSendSms(SdkAdmission.object(body, caller.sdk.lang), this.config.sms.mobilePattern, caller.sdk);
    const result = await this.send.execute(caller, parsed);
    sdkJsonReply(reply);
    return {
      result: true,
      message_id: result.messageId,
      expires_in: result.expiresIn,
      resend_after: result.resendAfter,
    };
  }

  /** 200 `{result: true}` for the right code, once. */
  @Post('verify')
  @HttpCode(200)
  async verifyCode(
    @Headers() headers: HeaderBag,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const caller = await this.admission.admit(headers, request, 'sms');
    const parsed = parseVerifySms(
      SdkAdmission.object(body, caller.sdk.lang),
      this.config.sms.mobilePattern,
      caller.sdk,
    );
    await this.verify.execute(caller, parsed);
    sdkJsonReply(reply);
    return { result: true };
  }
}
