import { Inject, Injectable } from '@nestjs/common';
import type { BlockList } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { ResultCodes } from '#libs/contracts';
import { PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import type { DirectoryApp } from '../directory/app-directory.service.js';
import { addressList, resolveClientAddress } from '../http/client-address.js';
import { RestError } from '../http/rest-error.js';
import { IpGuard } from '../policy/ip-guard.service.js';
import { AkskAuthenticator, type NonceClaim } from './aksk-authenticator.service.js';

export interface AkskCaller {
  app: DirectoryApp;
  nonce: NonceClaim;
  clientIp: string;
}

/**
 * Who calls an AKSK-signed API (callVerify, the verification API): the client's address (the
 * socket's peer, or what a configured trusted proxy says in X-Forwarded-For — Fastify's own
 * trustProxy is off, so nobody else is believed), the address bans and rules, then the AKSK headers.
 */
@Injectable()
export class AkskCallerService {
  private readonly trustedProxies: BlockList | null;

  constructor(
    private readonly authenticator: AkskAuthenticator,
    private readonly ipGuard: IpGuard,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.trustedProxies = config.trustedProxies.length ? addressList(config.trustedProxies) : null;
  }

  async identify(
    request: FastifyRequest,
    authorization: string | undefined,
    xAksk: string | undefined,
  ): Promise<AkskCaller> {
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
    return { app, nonce, clientIp };
  }
}
