import { VerigateError } from './errors.js';
import { exchange, expectJson, type ClientOptions } from './http.js';
import type { Health } from './types.js';

/** `GET /health`: `{status: "ok", checks}` when PostgreSQL and RabbitMQ answer; a VerigateError (503) otherwise. */
export async function getHealth(options: ClientOptions = {}): Promise<Health> {
  const answer = await exchange('platform', options, { method: 'GET', path: '/health' });
  if (answer.status === 503) {
    throw new VerigateError('UNAVAILABLE', 'the gateway is not ready', 503, 'platform', answer.body);
  }
  return expectJson<Health>('platform', answer);
}
