import type { Socket } from 'node:net';
import { ADMIN_ERRORS, type AdminErrorCode } from '#libs/contracts';
import type { JsonLogger } from '#libs/runtime';

/** What Node's HTTP parser and timers report for a request that never became a request. */
function codeOf(error: NodeJS.ErrnoException): AdminErrorCode {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'REQUEST_TIMEOUT';
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'HEADERS_TOO_LARGE';
  return 'BAD_REQUEST';
}

/**
 * Fastify's `clientErrorHandler`: a request Node could not parse (CR/LF or NUL inside a header,
 * bad framing, headers too large) or that a timeout cut off. There is no route yet, so the answer
 * is the generic `{error_code, error_msg}` of ADMIN_ERRORS with a fixed text: nothing the client
 * sent is reflected into the answer or the log (only the parser's error code is logged).
 */
export function clientErrorHandler(logger: JsonLogger) {
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const code = codeOf(error);
    const status = ADMIN_ERRORS[code].httpStatus;
    logger.debug('malformed or timed-out HTTP request refused', {
      parserCode: String(error.code ?? 'unknown').slice(0, 40),
      status,
    });
    const body = JSON.stringify({ error_code: code, error_msg: ADMIN_ERRORS[code].meaning });
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${status} ${code.replace(/_/g, ' ')}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}
