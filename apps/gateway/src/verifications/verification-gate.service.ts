import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ResultCodes } from '#libs/contracts';
import { PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { InvalidJsonBody } from '../http/invalid-json-body.js';
import { RestError } from '../http/rest-error.js';
import { AkskCallerService, type AkskCaller } from '../voice/aksk-caller.service.js';
import { verificationRefusal } from './verification-admission.js';

export type VerificationCaller = AkskCaller;

/**
 * What every verification route does before its body is read, as callVerify does: the caller
 * (AkskCallerService: address, bans and rules, AKSK headers), the app's admission
 * (verificationRefusal); then an unreadable body is refused.
 */
@Injectable()
export class VerificationGate {
  constructor(
    private readonly caller: AkskCallerService,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  async admit(
    authorization: string | undefined,
    xAksk: string | undefined,
    request: FastifyRequest,
    body: unknown,
  ): Promise<VerificationCaller> {
    const { app, nonce, clientIp } = await this.caller.identify(request, authorization, xAksk);
    const refusal = verificationRefusal(app, clientIp, this.config.controls.addressKind);
    if (refusal) throw new RestError(refusal);
    if (body instanceof InvalidJsonBody) {
      if (body.kind === 'media-type') throw new RestError(ResultCodes.INVALID_REQUEST, body.reason);
      throw RestError.parameter(`the body is not valid JSON (${body.reason})`);
    }
    return { app, nonce, clientIp };
  }
}
