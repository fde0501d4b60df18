import { Inject, Injectable } from '@nestjs/common';
import { ResultCodes, type DeliveryChannel } from '#libs/contracts';
import { Outbox } from '#libs/messaging';
import { VerificationsRepository } from '#libs/persistence';
import { APP_LOGGER, JsonLogger, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import type { DirectoryApp } from '../directory/app-directory.service.js';
import type { NonceClaim } from '../voice/aksk-authenticator.service.js';
import { RestError } from '../http/rest-error.js';
import { smsMobileOf } from './verification-policy.js';
import { verificationStatement } from './verification-statement.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A person may ask for the code again this many times per verification. */
export const MAX_RESENDS = 3;

/**
 * The same code again, on the channel the person asks for (typically a call instead of an SMS that
 * did not arrive): verigate_resend_verification, one statement with its command (and, for a call,
 * the `verification.fallback` event). Only a pending verification of the app, at most MAX_RESENDS
 * times; a resend counts as a send of the destination's prefix for the fraud guard.
 */
@Injectable()
export class ResendVerificationUseCase {
  constructor(
    private readonly verifications: VerificationsRepository,
    private readonly outbox: Outbox,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
  ) {}

  async execute(
    app: DirectoryApp,
    nonce: NonceClaim,
    verificationId: string,
    channel: DeliveryChannel,
  ): Promise<{ verificationId: string; status: string; channel: DeliveryChannel; expiresAt: string }> {
    if (!UUID.test(verificationId)) throw new RestError(ResultCodes.VERIFICATION_NOT_PENDING);
    const id = verificationId.toLowerCase();
    const current = await verificationStatement(() => this.verifications.find(id, app.id), this.logger);
    if (!current) throw new RestError(ResultCodes.VERIFICATION_NOT_PENDING);
    const smsMobile = smsMobileOf(current.destination, this.config.sms.countryCode);
    if (channel === 'sms' && smsMobile === null)
      throw RestError.parameter(`channel: SMS goes only to +${this.config.sms.countryCode} numbers on this platform`);
    const rows = await verificationStatement(
      () =>
        this.verifications.resend({
          verificationId: id,
          appId: app.id,
          channel,
          smsMobile: smsMobile ?? current.destination,
          maxResends: MAX_RESENDS,
          callTimes: this.config.verifications.callTimes,
          nonce,
        }),
      this.logger,
    );
    void this.outbox.dispatch(rows);
    this.logger.info('verification resent', { verificationId: id, appKey: app.appKey, channel });
    return { verificationId: id, status: 'pending', channel, expiresAt: current.expires_at.toISOString() };
  }
}
