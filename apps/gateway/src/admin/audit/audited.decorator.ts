import { SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * What a handler's audit entry is made of; `defaults` are its request fields with secrets removed.
 * `R` is the shape of the handler's result that `target`/`detail` read (the decorator cannot infer it).
 */
export interface AuditSpec<R = unknown> {
  action: string;
  target?: (req: FastifyRequest & { params: Record<string, string> }, result: R) => string | null | undefined;
  detail?: (
    req: FastifyRequest & { params: Record<string, string> },
    result: R,
    defaults: Record<string, unknown>,
  ) => unknown;
}

export const AUDITED = Symbol('verigate:audited');

/**
 * Marks a mutating management handler: once it has succeeded, AuditInterceptor records
 * `action` on `target` with `detail` (by default the path parameters, query and JSON body of the
 * request without secrets) in audit_log.
 */
export const Audited = <R = unknown>(
  action: string,
  target?: AuditSpec<R>['target'],
  detail?: AuditSpec<R>['detail'],
) => SetMetadata(AUDITED, { action, target, detail } satisfies AuditSpec<R>);
