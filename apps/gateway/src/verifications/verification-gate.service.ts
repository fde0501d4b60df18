import { Inject, Injectable } from '@nestjs/common';
import type { BlockList } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { ResultCodes } from '#libs/contracts';
import { PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import type { DirectoryApp } from '../directory/app-directory.service.js';
import { addressList, resolveClientAddress } from '../http/client-address.js';
import { InvalidJsonBody } from '../http/invalid-json-body.js';
import { RestError } from '../http/rest-error.js';
import { IpGuard } from '../policy/ip-guard.service.js';
import { AkskAuthenticator, type NonceClaim } from '../voice/aksk-authenticator.service.js';
import { verificationRefusal } from './verification-admission.js';

export interface VerificationCaller {
  app: DirectoryApp;
  nonce: NonceClaim;
  clientIp: string;
}

/**
 * What every verification route does before its body is read, as callVerify does: the client's
 * address (a trusted proxy's X-Forwarded-For), the address bans and rules, the AKSK headers, the
 * app's admission (verificationRefusal); then an unreadable body is refused.
 */
@Injectable()
export class VerificationGate {
  private readonly trustedProxies: BlockList | null;

  constructor(
    private readonly authenticator: AkskAuthenticator,
    private readonly ipGuard: IpGuard,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {
    this.trustedProxies = config.trustedProxies.length ? addressList(config.trustedProxies) : null;
  }

  async admit(
    authorization: string | undefined,
    xAksk: string | undefined,
    request: FastifyRequest,
    body: unknown,
  ): Promise<VerificationCaller> {
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
    const refusal = verificationRefusal(app, clientIp, this.config.controls.addressKind);
    if (refusal) throw new RestError(refusal);
    if (body instanceof InvalidJsonBody) {
      if (body.kind === 'media-type') throw new RestError(ResultCodes.INVALID_REQUEST, body.reason);
      throw RestError.parameter(`the body is not valid JSON (${body.reason})`);
    }
    return { app, nonce, clientIp };
  }
}
