import { ResultCodes, type ResultCodeName } from '#libs/contracts';
import type { JsonLogger } from '#libs/runtime';
import { ADMISSION_REFUSED_SQLSTATE } from '../http/admission-refused.js';
import { RestError } from '../http/rest-error.js';
import { NONCE_REPLAYED } from '../voice/aksk-authenticator.service.js';

/**
 * Runs a statement of the verification API and turns database outcomes into answers: a refusal
 * (SQLSTATE VG001) into its result code, a replayed nonce into 401 1010010, the statement timeout
 * into 1023002, any other failure into 1020002 (logged). Nothing was kept in each case: every
 * verification statement is one database function call.
 */
export async function verificationStatement<T>(run: () => Promise<T>, logger: JsonLogger): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const pgError = error as { code?: string; message?: string; constraint?: string };
    if (pgError.code === ADMISSION_REFUSED_SQLSTATE && pgError.message && pgError.message in ResultCodes)
      throw new RestError(ResultCodes[pgError.message as ResultCodeName]);
    if (pgError.code === '23505' && pgError.constraint === 'auth_nonces_pkey')
      throw new RestError(ResultCodes.INVALID_DIGEST, NONCE_REPLAYED);
    if (pgError.code === '57014') throw new RestError(ResultCodes.RESPONSE_TIMEOUT);
    logger.error('database failure on the verification API', { error: pgError.message, code: pgError.code });
    throw new RestError(ResultCodes.INTERNAL_ERROR);
  }
}
