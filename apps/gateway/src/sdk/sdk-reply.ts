import type { FastifyReply } from 'fastify';

/** An SDK answer: JSON in UTF-8 (as the seed writes it), never cached (tokens, codes, credentials). */
export function sdkJsonReply(reply: FastifyReply): void {
  reply.header('content-type', 'application/json;charset=UTF-8');
  reply.header('cache-control', 'no-store');
}
