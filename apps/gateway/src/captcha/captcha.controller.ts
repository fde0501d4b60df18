import { Body, Controller, Get, Headers, HttpCode, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  type CaptchaCaller,
  type CaptchaPowSettings,
  type CaptchaResponseBody,
  type CaptchaRpcRequest,
  type ManagedSignals,
} from '#libs/contracts';
import { addressBucket } from '../http/client-address.js';
import { SdkAdmission } from '../sdk/sdk-admission.service.js';
import { SdkError, SdkExceptionFilter } from '../sdk/sdk-error.js';
import { sdkJsonReply } from '../sdk/sdk-reply.js';
import type { SdkHeaders } from '../sdk/sdk-headers.js';
import { CaptchaFloodGuard, type FloodRoute } from './captcha-flood-guard.js';
import { CaptchaRpcClient } from './captcha-rpc.client.js';
import { captchaCheckBody, captchaGetQuery, captchaManagedBody, captchaVerifyBody } from './captcha-request.schema.js';
import { sdkValidate } from '../sdk/sdk-validate.js';

type HeaderBag = Record<string, string | string[] | undefined>;

/**
 * docs/contract.md#image-captcha, AJ-Captcha compatible: get / check / verify. Thin: SDK headers, the app's right to
 * use captchas, the client's address and the body's shape are checked here; drawing, answers,
 * rate limits and lock-outs are the captcha worker's, asked over RabbitMQ.
 */
@Controller('api/v2/sdk/captcha')
@UseFilters(SdkExceptionFilter)
export class CaptchaController {
  constructor(
    private readonly admission: SdkAdmission,
    private readonly rpc: CaptchaRpcClient,
    private readonly floodGuard: CaptchaFloodGuard,
  ) {}

  @Get()
  async get(
    @Headers() headers: HeaderBag,
    @Query('captchaType') captchaType: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { sdk, caller, pow } = await this.admit(headers, request);
    const { captchaType: type } = sdkValidate(captchaGetQuery, { captchaType }, sdk);
    this.admitFlood(caller, 'get', sdk);
    const result = await this.rpc.askGet({
      op: 'get',
      caller,
      captchaType: type,
      lang: sdk.lang,
      ...pow,
    });
    if (!result.ok) throw new SdkError(result.code, sdk.lang);
    sdkJsonReply(reply);
    return result.json; // the worker's JSON, sent as it is (not parsed and written again here)
  }

  @Post('check')
  @HttpCode(200)
  async check(
    @Headers() headers: HeaderBag,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { sdk, caller, pow } = await this.admit(headers, request);
    const fields = SdkAdmission.object(body, sdk.lang);
    const checked = sdkValidate(captchaCheckBody, fields, sdk, ['captchaType', 'token', 'pointJson', 'trajectory']);
    this.admitFlood(caller, 'answer', sdk);
    return this.answer(sdk, reply, {
      op: 'check',
      caller,
      captchaType: checked.captchaType,
      token: checked.token,
      pointJson: checked.pointJson,
      ...(checked.trajectory !== undefined ? { trajectory: checked.trajectory } : {}),
      ...pow,
      ...(pow.pow ? { powSolution: sdkValidate(captchaCheckBody, fields, sdk, ['powSolution']).powSolution } : {}),
    });
  }

  /**
   * Managed (invisible) mode, beyond AJ-Captcha: `{token, powSolution, signals}` for a captcha of
   * a `get`; low risk → `result: true` and a `captchaVerification` as a check gives; otherwise
   * `result: false`, `escalated: <signal>`, and the token stays open for the puzzle.
   */
  @Post('managed')
  @HttpCode(200)
  async managed(
    @Headers() headers: HeaderBag,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { sdk, caller, pow } = await this.admit(headers, request);
    const fields = SdkAdmission.object(body, sdk.lang);
    const checked = sdkValidate(captchaManagedBody, fields, sdk, ['token', 'signals']);
    const given = checked.signals ?? {};
    const signals: ManagedSignals = {};
    if (typeof given.elapsedMs === 'number' && Number.isFinite(given.elapsedMs)) signals.elapsedMs = given.elapsedMs;
    if (typeof given.interactions === 'number' && Number.isFinite(given.interactions))
      signals.interactions = given.interactions;
    this.admitFlood(caller, 'answer', sdk);
    return this.answer(sdk, reply, {
      op: 'managed',
      caller,
      token: checked.token,
      signals,
      ...pow,
      powSolution: sdkValidate(captchaManagedBody, fields, sdk, ['powSolution']).powSolution,
    });
  }

  @Post('verify')
  @HttpCode(200)
  async verify(
    @Headers() headers: HeaderBag,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { sdk, caller } = await this.admit(headers, request);
    const fields = SdkAdmission.object(body, sdk.lang);
    const { captchaVerification: credential } = sdkValidate(captchaVerifyBody, fields, sdk);
    this.admitFlood(caller, 'answer', sdk);
    return this.answer(sdk, reply, { op: 'verify', caller, captchaVerification: credential });
  }

  /**
   * Before the queue: a flood from one address (IPv6: one /64) is refused here, not queued. Every
   * RPC route counts: `get` on its budget, check/managed/verify on the answers' budget (a made-up
   * token costs the worker two statements and records no failure, so only this bounds it).
   */
  private admitFlood(caller: CaptchaCaller, route: FloodRoute, sdk: SdkHeaders): void {
    if (!this.floodGuard.admit(caller.addressBucket, Date.now(), route)) throw new SdkError('RATE_LIMITED', sdk.lang);
  }

  /** SDK headers, then the app: known, `normal`, with the `captcha` permission. */
  private async admit(
    headers: HeaderBag,
    request: FastifyRequest,
  ): Promise<{ sdk: SdkHeaders; caller: CaptchaCaller; pow: { pow?: CaptchaPowSettings } }> {
    const { sdk, app, clientIp } = await this.admission.admit(headers, request, 'captcha');
    // Apps with proof of work off send no `pow` at all: the worker then behaves as before PoW.
    const pow = app.captchaPow ? { pow: { enabled: true, underAttack: app.captchaUnderAttack } } : {};
    return {
      sdk,
      caller: { appKey: app.appKey, fingerprint: sdk.fingerprint, clientIp, addressBucket: addressBucket(clientIp) },
      pow,
    };
  }

  private async answer(sdk: SdkHeaders, reply: FastifyReply, request: CaptchaRpcRequest): Promise<CaptchaResponseBody> {
    const result = await this.rpc.ask(request);
    if (!result.ok) throw new SdkError(result.code, sdk.lang);
    sdkJsonReply(reply);
    return result.body;
  }
}
