import { SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** What a handler's audit entry is made of; `defaults` are its request fields with secrets removed. */
export interface AuditSpec {
  action: string;
  target?: (req: FastifyRequest & { params: Record<string, string> }, result: any) => string | null | undefined;
  detail?: (
    req: FastifyRequest & { params: Record<string, string> },
    result: any,
    defaults: Record<string, unknown>,
  ) => unknown;
}

export const AUDITED = Symbol('verigate:audited');

/**
 * Marks a mutating management handler: once it has succeeded, AuditInterceptor records
 * `action` on `target` with `detail` (by default the path parameters, query and JSON body of the
 * request without secrets) in audit_log.
 */
export const Audited = (action: string, target?: AuditSpec['target'], detail?: AuditSpec['detail']) =>
  SetMetadata(AUDITED, { action, target, detail } satisfies AuditSpec);
