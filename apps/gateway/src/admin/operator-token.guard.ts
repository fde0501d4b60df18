import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { AdminError } from '../http/rest-error.js';

/** `Authorization: Bearer <VERIGATE_ADMIN_TOKEN>`, compared in constant time. */
@Injectable()
export class OperatorTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    this.expected = createHash('sha256').update(config.adminToken).digest();
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match) throw new AdminError(401, 'ADMIN_UNAUTHORIZED', 'Authorization: Bearer <operator token> is required');
    const given = createHash('sha256').update(match[1]!.trim()).digest();
    if (!timingSafeEqual(given, this.expected))
      throw new AdminError(401, 'ADMIN_UNAUTHORIZED', 'the operator token is not valid');
    return true;
  }
}
