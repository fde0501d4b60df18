import { SDK_ERRORS, type SdkErrorCode, type SdkLanguage } from '#libs/contracts';
import { databaseUnavailable } from '#libs/persistence';
import type { JsonLogger } from '#libs/runtime';
import { ADMISSION_REFUSED_SQLSTATE } from '../http/admission-refused.js';
import { SdkError } from '../sdk/sdk-error.js';

/**
 * Runs a statement of the SMS API and turns database outcomes into SDK answers: a refusal into
 * its error code, an unreachable or slow database into 503, anything else into 500 (logged).
 * Nothing was kept in each case: every SMS statement is atomic.
 */
export async function smsStatement<T>(run: () => Promise<T>, lang: SdkLanguage, logger: JsonLogger): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const pgError = error as { code?: string; message?: string };
    if (pgError.code === ADMISSION_REFUSED_SQLSTATE && pgError.message && pgError.message in SDK_ERRORS) {
      throw new SdkError(pgError.message as SdkErrorCode, lang);
    }
    if (databaseUnavailable(error)) {
      logger.warn('database unavailable on the SMS API', { error: pgError.message, code: pgError.code });
      throw new SdkError('SERVICE_UNAVAILABLE', lang);
    }
    logger.error('database failure on the SMS API', { error: pgError.message, code: pgError.code });
    throw new SdkError('INTERNAL_ERROR', lang);
  }
}

/** `13800001234` → `138****1234`: enough to tell numbers apart in logs, not to read one. */
export function maskMobile(mobile: string): string {
  return mobile.length <= 7
    ? '*'.repeat(mobile.length)
    : `${mobile.slice(0, 3)}${'*'.repeat(mobile.length - 7)}${mobile.slice(-4)}`;
}
