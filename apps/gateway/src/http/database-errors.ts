/**
 * SQLSTATE of a refusal raised by the database's admission functions (callVerify's caps and
 * ports, the SMS send's credential, cool-down and caps): the message names the answer (a
 * ResultCodes name for the voice API, an SDK error code for the SMS API).
 */
export const ADMISSION_REFUSED_SQLSTATE = 'VG001';

/**
 * Whether an error means "the database cannot be reached right now" (connection refused or lost,
 * server shutting down, statement timeout, pool exhausted) rather than a fault in the request or
 * the code: the SDK APIs answer such errors 503, retryable, instead of 500.
 */
export function databaseUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return code === '57014' || code === '57P01' || code === '57P03' || (code?.startsWith('08') ?? false)
    || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT'
    || /Connection terminated|timeout exceeded when trying to connect/i.test(message ?? '');
}
