import type { FastifyInstance } from 'fastify';
import { InvalidJsonBody } from './invalid-json-body.js';
import { PendingUpload } from './pending-upload.js';
import { TONE_MEDIA_TYPES, TONE_UPLOAD_ROUTE } from '../admin/tones/wav.js';

/**
 * Every body is limited to 64 KiB, read before the handler; the one exception, a tone upload
 * (MAX_TONE_BYTES), is read by its handler after the operator token has been checked.
 */
export const JSON_BODY_LIMIT = 64 * 1024;

/**
 * PostgreSQL text cannot hold U+0000 (the statement fails with SQLSTATE 22021), so a JSON string
 * or key carrying `\u0000` is refused as unreadable here, and every API answers it with its own
 * invalid-body code instead of failing later.
 */
function refuseNul(key: string, value: unknown): unknown {
  if (key.includes('\u0000') || (typeof value === 'string' && value.includes('\u0000')))
    throw new Error('strings must not contain U+0000');
  return value;
}

/**
 * Body parsing that never answers for the handlers: invalid JSON becomes an `InvalidJsonBody`
 * so `/rest/` can answer 1020001 and `/admin/` its own code; a WAV upload to the tone route
 * arrives unread, as a PendingUpload.
 */
export function configureBodyParsers(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('application/json');
  // text/plain would reach handlers as a string; like every other non-JSON type it is refused.
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: JSON_BODY_LIMIT },
    (_req, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text, refuseNul));
      } catch (error) {
        done(null, new InvalidJsonBody((error as Error).message.slice(0, 100)));
      }
    },
  );
  // WAV bodies: unread here. Only the tone upload route ever reads one (after authentication);
  // everywhere else they are refused as the wrong media type without a byte being buffered.
  fastify.addContentTypeParser([...TONE_MEDIA_TYPES], (req, payload, done) => {
    if (req.method === 'POST' && req.routeOptions.url === TONE_UPLOAD_ROUTE) {
      const length = Number(req.headers['content-length']);
      done(null, new PendingUpload(payload, Number.isSafeInteger(length) ? length : null));
      return;
    }
    done(null, mediaTypeRefused(req.headers['content-type']));
  });
  // Any other media type reaches the handler too (after authentication) and is refused there.
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: JSON_BODY_LIMIT }, (req, _body, done) => {
    done(null, mediaTypeRefused(req.headers['content-type']));
  });
}

function mediaTypeRefused(contentType: string | undefined): InvalidJsonBody {
  return new InvalidJsonBody(
    `Content-Type must be application/json (got ${String(contentType).slice(0, 60)})`,
    'media-type',
  );
}
