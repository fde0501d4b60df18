import { All, Body, Controller, Headers, HttpCode, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { BlockList } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ResultCodes, resultBody } from '#libs/contracts';
import { PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { addressList, resolveClientAddress } from '../http/client-address.js';
import { InvalidJsonBody } from '../http/invalid-json-body.js';
import { RestError } from '../http/rest-error.js';
import { RestExceptionFilter } from '../http/rest-exception.filter.js';
import { AkskAuthenticator } from './aksk-authenticator.service.js';
import { CallVerifyUseCase } from './call-verify.use-case.js';
import { IpGuard } from '../policy/ip-guard.service.js';
import { validateCallVerify } from './call-verify.schema.js';

@Controller('rest')
@UseFilters(RestExceptionFilter)
export class CallVerifyController {
  private readonly trustedProxies: BlockList | null;

  constructor(
    private readonly authenticator: AkskAuthenticator,
    private readonly callVerify: CallVerifyUseCase,
    private readonly ipGuard: IpGuard,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.trustedProxies = config.trustedProxies.length ? addressList(config.trustedProxies) : null;
  }

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
    // The socket's peer, or what a configured trusted proxy says the client is (Fastify's own
    // trustProxy is off: X-Forwarded-For from anyone else is not believed).
    const clientIp = resolveClientAddress(
      request.socket.remoteAddress,
      request.headers['x-forwarded-for'],
      this.trustedProxies,
    );
    if (clientIp === null)
      throw new RestError(
        ResultCodes.IP_ADDRESS_MISSING,
        'a trusted proxy forwarded the request without X-Forwarded-For',
      );
    await this.ipGuard.check(clientIp);
    const { app, nonce } = await this.authenticator.authenticate(authorization, xAksk, clientIp);
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
