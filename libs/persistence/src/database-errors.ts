/** SQLSTATEs and socket errors of a database that is away, restarting or overloaded. */
const UNAVAILABLE_CODES = new Set([
  '57014', // statement timeout
  '57P01',
  '57P02',
  '57P03', // admin / crash shutdown, cannot connect now
  '53300', // too many connections (typical right after a restart)
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * Whether an error means "the database cannot be reached right now" (connection refused or lost,
 * server shutting down, statement timeout, too many connections) rather than a fault in the
 * request or the code: the SDK APIs answer such errors 503 instead of 500, and the sms worker
 * waits them out.
 */
export function databaseUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return (
    (code !== undefined && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      message ?? '',
    )
  );
}
