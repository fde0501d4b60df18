import type { BlockList } from 'node:net';
import { Body, Controller, Get, Headers, HttpCode, Inject, Post, Query, Req, Res, UseFilters, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CAPTCHA_TYPES, type CaptchaCaller, type CaptchaResponseBody, type CaptchaRpcRequest, type CaptchaType } from '#libs/contracts';
import { PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { AppDirectory } from '../directory/app-directory.service.js';
import { InvalidJsonBody } from '../http/invalid-json-body.js';
import { CaptchaError, CaptchaExceptionFilter } from './captcha-error.js';
import { CaptchaRpcClient } from './captcha-rpc.client.js';
import { addressList, resolveClientAddress } from '../http/client-address.js';
import { parseSdkHeaders, type SdkHeaders } from './sdk-headers.js';

type HeaderBag = Record<string, string | string[] | undefined>;
const TOKEN = /^[0-9a-f]{32}$/;
const MAX_FIELD = 4096;

/**
 * SPEC §2.1, AJ-Captcha compatible: get / check / verify. Thin: SDK headers, the app's right to
 * use captchas, the client's address and the body's shape are checked here; drawing, answers,
 * rate limits and lock-outs are the captcha worker's, asked over RabbitMQ.
 */
@Controller('api/v2/sdk/captcha')
@UseFilters(CaptchaExceptionFilter)
export class CaptchaController implements OnModuleInit {
  private directory!: AppDirectory;
  private readonly trustedProxies: BlockList | null;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly rpc: CaptchaRpcClient,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.trustedProxies = config.trustedProxies.length ? addressList(config.trustedProxies) : null;
  }

  onModuleInit(): void {
    // The gateway's one app cache (management writes invalidate it).
    this.directory = this.moduleRef.get(AppDirectory, { strict: false });
  }

  @Get()
  async get(@Headers() headers: HeaderBag, @Query('captchaType') captchaType: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { sdk, caller } = await this.admit(headers, request);
    const type = captchaType === undefined || captchaType === '' ? 'blockPuzzle' : captchaType;
    if (!CAPTCHA_TYPES.includes(type as CaptchaType)) throw new CaptchaError('CAPTCHA_TYPE_INVALID', sdk.lang);
    return this.answer(sdk, reply, { op: 'get', caller, captchaType: type as CaptchaType, lang: sdk.lang });
  }

  @Post('check')
  @HttpCode(200)
  async check(@Headers() headers: HeaderBag, @Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { sdk, caller } = await this.admit(headers, request);
    const fields = this.object(body, sdk);
    const type = fields.captchaType ?? 'blockPuzzle';
    if (!CAPTCHA_TYPES.includes(type as CaptchaType)) throw new CaptchaError('CAPTCHA_TYPE_INVALID', sdk.lang);
    if (typeof fields.token !== 'string' || fields.token === '') throw new CaptchaError('PARAMETER_INVALID', sdk.lang, 'token');
    if (!TOKEN.test(fields.token)) throw new CaptchaError('TOKEN_INVALID', sdk.lang);
    if (typeof fields.pointJson !== 'string' || fields.pointJson === '' || fields.pointJson.length > MAX_FIELD) throw new CaptchaError('PARAMETER_INVALID', sdk.lang, 'pointJson');
    if (fields.trajectory !== undefined && (!Array.isArray(fields.trajectory) || fields.trajectory.length > 500)) throw new CaptchaError('PARAMETER_INVALID', sdk.lang, 'trajectory');
    return this.answer(sdk, reply, {
      op: 'check', caller, captchaType: type as CaptchaType, token: fields.token, pointJson: fields.pointJson,
      ...(fields.trajectory !== undefined ? { trajectory: fields.trajectory } : {}),
    });
  }

  @Post('verify')
  @HttpCode(200)
  async verify(@Headers() headers: HeaderBag, @Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { sdk, caller } = await this.admit(headers, request);
    const fields = this.object(body, sdk);
    const credential = fields.captchaVerification;
    if (typeof credential !== 'string' || credential === '' || credential.length > MAX_FIELD) throw new CaptchaError('PARAMETER_INVALID', sdk.lang, 'captchaVerification');
    return this.answer(sdk, reply, { op: 'verify', caller, captchaVerification: credential });
  }

  /** SDK headers, then the app: known, `normal`, with the `captcha` permission. */
  private async admit(headers: HeaderBag, request: FastifyRequest): Promise<{ sdk: SdkHeaders; caller: CaptchaCaller }> {
    const parsed = parseSdkHeaders(headers);
    if (!parsed.ok) throw new CaptchaError(parsed.code, parsed.lang, parsed.detail);
    const sdk = parsed.headers;
    const app = await this.directory.find(sdk.clientId);
    if (!app) throw new CaptchaError('CLIENT_ID_INVALID', sdk.lang);
    if (app.status !== 'normal' || !app.permissions.includes('captcha')) throw new CaptchaError('APP_NOT_PERMITTED', sdk.lang);
    // A trusted proxy that names no client is refused: falling back to the proxy's own address
    // would put everyone behind it in one rate-limit and lock-out bucket (one attacker locks
    // out all of them).
    const clientIp = resolveClientAddress(request.socket.remoteAddress ?? request.ip, headers['x-forwarded-for'], this.trustedProxies);
    if (clientIp === null) throw new CaptchaError('CLIENT_ADDRESS_MISSING', sdk.lang);
    return { sdk, caller: { appKey: app.appKey, fingerprint: sdk.fingerprint, clientIp } };
  }

  private object(body: unknown, sdk: SdkHeaders): Record<string, unknown> {
    if (body instanceof InvalidJsonBody) throw new CaptchaError('PARAMETER_INVALID', sdk.lang, 'the body is not valid JSON');
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new CaptchaError('PARAMETER_INVALID', sdk.lang, 'the body must be a JSON object');
    return body as Record<string, unknown>;
  }

  private async answer(sdk: SdkHeaders, reply: FastifyReply, request: CaptchaRpcRequest): Promise<CaptchaResponseBody> {
    const result = await this.rpc.ask(request);
    if (!result.ok) throw new CaptchaError(result.code, sdk.lang);
    reply.header('content-type', 'application/json;charset=UTF-8');
    reply.header('cache-control', 'no-store');
    return result.body;
  }
}
