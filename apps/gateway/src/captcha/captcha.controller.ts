import { Body, Controller, Get, Headers, HttpCode, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  CAPTCHA_TYPES,
  type CaptchaCaller,
  type CaptchaPowSettings,
  type CaptchaResponseBody,
  type CaptchaRpcRequest,
  type CaptchaType,
  type ManagedSignals,
} from '#libs/contracts';
import { addressBucket } from '../http/client-address.js';
import { SdkAdmission } from '../sdk/sdk-admission.service.js';
import { SdkError, SdkExceptionFilter } from '../sdk/sdk-error.js';
import { sdkJsonReply } from '../sdk/sdk-reply.js';
import type { SdkHeaders } from '../sdk/sdk-headers.js';
import { CaptchaFloodGuard, type FloodRoute } from './captcha-flood-guard.js';
import { CaptchaRpcClient } from './captcha-rpc.client.js';

type HeaderBag = Record<string, string | string[] | undefined>;
const TOKEN = /^[0-9a-f]{32}$/;
const MAX_FIELD = 4096;

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
    const type = captchaType === undefined || captchaType === '' ? 'blockPuzzle' : captchaType;
    if (!CAPTCHA_TYPES.includes(type as CaptchaType)) throw new SdkError('CAPTCHA_TYPE_INVALID', sdk.lang);
    this.admitFlood(caller, 'get', sdk);
    const result = await this.rpc.askGet({
      op: 'get',
      caller,
      captchaType: type as CaptchaType,
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
    const type = fields.captchaType ?? 'blockPuzzle';
    if (!CAPTCHA_TYPES.includes(type as CaptchaType)) throw new SdkError('CAPTCHA_TYPE_INVALID', sdk.lang);
    if (typeof fields.token !== 'string' || fields.token === '')
      throw new SdkError('PARAMETER_INVALID', sdk.lang, 'token');
    if (!TOKEN.test(fields.token)) throw new SdkError('TOKEN_INVALID', sdk.lang);
    if (typeof fields.pointJson !== 'string' || fields.pointJson === '' || fields.pointJson.length > MAX_FIELD)
      throw new SdkError('PARAMETER_INVALID', sdk.lang, 'pointJson');
    if (fields.trajectory !== undefined && (!Array.isArray(fields.trajectory) || fields.trajectory.length > 500))
      throw new SdkError('PARAMETER_INVALID', sdk.lang, 'trajectory');
    this.admitFlood(caller, 'answer', sdk);
    return this.answer(sdk, reply, {
      op: 'check',
      caller,
      captchaType: type as CaptchaType,
      token: fields.token,
      pointJson: fields.pointJson,
      ...(fields.trajectory !== undefined ? { trajectory: fields.trajectory } : {}),
      ...pow,
      ...(pow.pow ? { powSolution: this.powSolution(fields.powSolution, sdk) } : {}),
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
    if (typeof fields.token !== 'string' || fields.token === '')
      throw new SdkError('PARAMETER_INVALID', sdk.lang, 'token');
    if (!TOKEN.test(fields.token)) throw new SdkError('TOKEN_INVALID', sdk.lang);
    const raw = fields.signals;
    if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw)))
      throw new SdkError('PARAMETER_INVALID', sdk.lang, 'signals');
    const given = (raw ?? {}) as Record<string, unknown>;
    const signals: ManagedSignals = {};
    if (typeof given.elapsedMs === 'number' && Number.isFinite(given.elapsedMs)) signals.elapsedMs = given.elapsedMs;
    if (typeof given.interactions === 'number' && Number.isFinite(given.interactions))
      signals.interactions = given.interactions;
    this.admitFlood(caller, 'answer', sdk);
    return this.answer(sdk, reply, {
      op: 'managed',
      caller,
      token: fields.token,
      signals,
      ...pow,
      powSolution: this.powSolution(fields.powSolution, sdk),
    });
  }

  /** powSolution: ALTCHA's base64 payload or the JSON object; absent stays absent (POW_REQUIRED). */
  private powSolution(value: unknown, sdk: SdkHeaders): unknown {
    if (value === undefined || value === null) return undefined;
    if (
      typeof value === 'string'
        ? value.length > MAX_FIELD
        : typeof value !== 'object' || JSON.stringify(value).length > MAX_FIELD
    )
      throw new SdkError('PARAMETER_INVALID', sdk.lang, 'powSolution');
    return value;
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
    const credential = fields.captchaVerification;
    if (typeof credential !== 'string' || credential === '' || credential.length > MAX_FIELD)
      throw new SdkError('PARAMETER_INVALID', sdk.lang, 'captchaVerification');
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
