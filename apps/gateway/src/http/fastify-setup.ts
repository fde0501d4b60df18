import type { FastifyInstance } from 'fastify';
import { InvalidJsonBody } from './invalid-json-body.js';
import { MAX_TONE_BYTES } from '../admin/tones/wav.js';

/** JSON bodies are limited to 64 KiB; tone uploads to MAX_TONE_BYTES. */
export const JSON_BODY_LIMIT = 64 * 1024;

/**
 * PostgreSQL text cannot hold U+0000 (the statement fails with SQLSTATE 22021), so a JSON string
 * or key carrying `\u0000` is refused as unreadable here, and every API answers it with its own
 * invalid-body code instead of failing later.
 */
function refuseNul(key: string, value: unknown): unknown {
  if (key.includes('\u0000') || (typeof value === 'string' && value.includes('\u0000'))) throw new Error('strings must not contain U+0000');
  return value;
}

/**
 * Body parsing that never answers for the handlers: invalid JSON becomes an `InvalidJsonBody`
 * so `/rest/` can answer 1020001 and `/admin/` its own code; WAV uploads arrive as a Buffer.
 */
export function configureBodyParsers(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('application/json');
  // text/plain would reach handlers as a string; like every other non-JSON type it is refused.
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: JSON_BODY_LIMIT }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text, refuseNul));
    } catch (error) {
      done(null, new InvalidJsonBody((error as Error).message.slice(0, 100)));
    }
  });
  fastify.addContentTypeParser(['audio/wav', 'audio/x-wav', 'audio/wave', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: MAX_TONE_BYTES }, (_req, body, done) => {
    done(null, body);
  });
  // Any other media type reaches the handler too (after authentication) and is refused there.
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: JSON_BODY_LIMIT }, (req, _body, done) => {
    done(null, new InvalidJsonBody(`Content-Type must be application/json (got ${String(req.headers['content-type']).slice(0, 60)})`, 'media-type'));
  });
}
