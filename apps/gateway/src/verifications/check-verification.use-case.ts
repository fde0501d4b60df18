import { Inject, Injectable } from '@nestjs/common';
import type { VerificationCheckStatus } from '#libs/contracts';
import { Outbox } from '#libs/messaging';
import { VerificationsRepository } from '#libs/persistence';
import { APP_LOGGER, JsonLogger, Metrics } from '#libs/runtime';
import type { DirectoryApp } from '../directory/app-directory.service.js';
import type { NonceClaim } from '../voice/aksk-authenticator.service.js';
import { VerificationCodeHasher } from './verification-policy.js';
import { verificationStatement } from './verification-statement.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks a code (verigate_check_verification, one statement): `approved` once for the right code
 * of a pending verification of the app; `denied` for everything else, alike — a wrong code, no such
 * verification, expired, used, failed (no oracle). Wrong codes count; the last allowed one fails
 * the verification. The request's nonce is recorded with it: a replayed check is refused (401 1010010).
 */
@Injectable()
export class CheckVerificationUseCase {
  private readonly checks;

  constructor(
    private readonly verifications: VerificationsRepository,
    private readonly outbox: Outbox,
    private readonly hasher: VerificationCodeHasher,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
    metrics: Metrics,
  ) {
    this.checks = metrics.counter('verification_checks_total', 'Verification checks, by answer', ['status']);
  }

  async execute(
    app: DirectoryApp,
    nonce: NonceClaim,
    verificationId: string,
    code: string,
  ): Promise<VerificationCheckStatus> {
    // Not an id at all: denied like any unknown id, without a database round trip.
    if (!UUID.test(verificationId)) return this.answer('denied');
    const id = verificationId.toLowerCase();
    const result = await verificationStatement(
      () => this.verifications.check(id, app.id, this.hasher.hash(app.id, id, code), nonce),
      this.logger,
    );
    void this.outbox.dispatch(result.outbox);
    this.logger.info('verification checked', { verificationId: id, appKey: app.appKey, status: result.outcome });
    return this.answer(result.outcome);
  }

  private answer(status: VerificationCheckStatus): VerificationCheckStatus {
    this.checks.inc({ status });
    return status;
  }
}
