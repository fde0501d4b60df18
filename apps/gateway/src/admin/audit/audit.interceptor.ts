import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { concatMap, type Observable } from 'rxjs';
import { APP_LOGGER, JsonLogger } from '#libs/runtime';
import { AuditLogRepository } from './audit-log.repository.js';
import { AUDITED, type AuditSpec } from './audited.decorator.js';
import { redact, requestFields } from './redact.js';

/** `operator:` and the first 8 hex digits of the SHA-256 of the bearer token (never the token). */
export function actorOf(authorization: string | undefined): string {
  const token = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
  return token ? `operator:${createHash('sha256').update(token).digest('hex').slice(0, 8)}` : 'operator';
}

/** The request id the gateway answered with (X-Request-Id): the client's when sane, else generated (see createGateway). */
function requestIdOf(req: FastifyRequest): string | null {
  return req.id ? String(req.id) : null;
}

/**
 * Records each successful `@Audited` management handler in audit_log (after the handler
 * succeeded, before the answer leaves). A failed handler records nothing. If the audit row
 * cannot be written the change has already happened: the failure is logged as an error and the
 * answer is still the handler's.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly auditLog: AuditLogRepository,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<AuditSpec | undefined>(AUDITED, context.getHandler());
    if (!spec) return next.handle();
    const req = context.switchToHttp().getRequest<FastifyRequest & { params: Record<string, string> }>();
    return next.handle().pipe(
      concatMap(async (result: unknown) => {
        await this.record(spec, req, result);
        return result;
      }),
    );
  }

  private async record(
    spec: AuditSpec,
    req: FastifyRequest & { params: Record<string, string> },
    result: unknown,
  ): Promise<void> {
    try {
      const defaults = requestFields(req.params, req.query, req.body);
      const detail = spec.detail ? redact(spec.detail(req, result, defaults)) : defaults;
      const target = spec.target?.(req, result) ?? null;
      await this.auditLog.record({
        actor: actorOf(req.headers.authorization),
        action: spec.action,
        target,
        detail: detail === undefined || detail === null ? null : JSON.stringify(detail),
        requestId: requestIdOf(req),
      });
    } catch (error) {
      this.logger.error('audit log write failed', { action: spec.action, error });
    }
  }
}
