import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SecretBox, verificationHash } from '#libs/auth';
import { ResultCodes, type DeliveryChannel, type VerificationChannel } from '#libs/contracts';
import { Outbox } from '#libs/messaging';
import { VerificationsRepository } from '#libs/persistence';
import {
  APP_LOGGER,
  currentRequestContext,
  JsonLogger,
  Metrics,
  PLATFORM_CONFIG,
  type PlatformConfig,
} from '#libs/runtime';
import { AppDirectory, type DirectoryApp } from '../directory/app-directory.service.js';
import { RestError } from '../http/rest-error.js';
import { calleeBlocked } from '../policy/number-ranges.js';
import { newCode } from '../sms/sms-policy.js';
import type { NonceClaim } from '../voice/aksk-authenticator.service.js';
import { fraudPrefix, maskDestination, smsMobileOf, VerificationCodeHasher } from './verification-policy.js';
import type { CreateVerificationRequest } from './verification.schemas.js';
import { verificationStatement } from './verification-statement.js';

export interface CreatedVerification {
  verificationId: string;
  status: 'pending';
  channel: VerificationChannel;
  expiresAt: string;
}

/**
 * Accepts a verification: the platform draws the code, keeps its keyed hash (and the code sealed
 * for a later call), and sends it — SMS through the sms worker, a call through the voice worker
 * with the built-in spoken digits. One database statement (verigate_accept_verification) runs the
 * fraud guard, records the nonce, consumes the captcha credential when one is given, stores the
 * verification and its first leg with its command and the `verification.pending` event: an
 * accepted verification is never lost (the outbox publishes even if RabbitMQ is away) nor sent
 * twice (the workers claim each leg once).
 */
@Injectable()
export class CreateVerificationUseCase {
  private readonly blocks;
  private readonly refusals;

  constructor(
    private readonly verifications: VerificationsRepository,
    private readonly directory: AppDirectory,
    private readonly outbox: Outbox,
    private readonly secretBox: SecretBox,
    private readonly hasher: VerificationCodeHasher,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
    metrics: Metrics,
  ) {
    this.blocks = metrics.counter(
      'verification_prefix_blocks_total',
      'Destination prefixes the fraud guard blocked (approval rate below VERIGATE_VERIFY_FRAUD_MIN_APPROVAL_PCT with enough sends)',
    );
    this.refusals = metrics.counter(
      'verification_prefix_refusals_total',
      'Verification sends refused because their destination prefix is blocked by the fraud guard',
    );
  }

  async execute(
    app: DirectoryApp,
    nonce: NonceClaim,
    clientIp: string,
    request: CreateVerificationRequest,
  ): Promise<CreatedVerification> {
    const settings = this.config.verifications;
    const firstChannel: DeliveryChannel = request.channel === 'call' ? 'call' : 'sms';
    await this.checkDestination(app, request);
    const smsMobile = smsMobileOf(request.to, this.config.sms.countryCode);
    if (firstChannel === 'sms' && smsMobile === null)
      throw RestError.parameter(`to: SMS goes only to +${this.config.sms.countryCode} numbers on this platform`);
    const displayNbr = this.displayNumber(app);
    if (request.channel !== 'sms' && displayNbr === null)
      throw new RestError(ResultCodes.SERVICE_NUMBER_NOT_APPLIED, 'the app has no display number to call from');

    const verificationId = randomUUID();
    const code = newCode(request.codeLength ?? settings.codeLength);
    const ttlSeconds = request.ttlSeconds ?? settings.ttlSeconds;
    const prefix = fraudPrefix(request.to, settings.fraud.prefixDigits);
    const admission = await verificationStatement(
      () =>
        this.verifications.accept({
          verificationId,
          appId: app.id,
          appKey: app.appKey,
          nonce: { nonce: nonce.nonce, expiresAt: nonce.expiresAt },
          destination: request.to,
          smsMobile: smsMobile ?? request.to,
          requestedChannel: request.channel,
          firstChannel,
          locale: request.locale,
          codeHash: this.hasher.hash(app.id, verificationId, code),
          codeSealed: this.secretBox.seal(code),
          ttlSeconds,
          maxAttempts: settings.attempts,
          displayNbr,
          fallbackSeconds: settings.fallbackSeconds,
          credentialHash: request.captchaVerification ? verificationHash(request.captchaVerification) : null,
          clientIp,
          prefix,
          windowSeconds: settings.fraud.windowSeconds,
          minSends: settings.fraud.minSends,
          minApprovalRate: settings.fraud.minApprovalRate,
          callTimes: settings.callTimes,
        }),
      this.logger,
    );
    if (!admission.accepted) {
      this.refusals.inc();
      if (admission.newlyBlocked) {
        this.blocks.inc();
        this.logger.warn('verification fraud guard: destination prefix blocked', {
          alert: 'verification-prefix-blocked',
          prefix: `+${prefix}`,
          sends: admission.sends,
          approvals: admission.approvals,
          windowSeconds: settings.fraud.windowSeconds,
          appKey: app.appKey,
        });
      }
      throw new RestError(ResultCodes.VERIFICATION_PREFIX_BLOCKED, `+${prefix} (see GET /admin/v1/fraud/prefixes)`);
    }
    void this.outbox.dispatch(admission.outbox);
    const context = currentRequestContext();
    if (context) context.sessionId = verificationId; // for the access log line
    this.logger.info('verification accepted', {
      verificationId,
      appKey: app.appKey,
      to: maskDestination(request.to),
      channel: request.channel,
    });
    return {
      verificationId,
      status: 'pending',
      channel: request.channel,
      expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString(),
    };
  }

  /** The platform's blocked ranges (calls, SMS) and black/white lists refuse a destination as callVerify does. */
  private async checkDestination(app: DirectoryApp, request: CreateVerificationRequest): Promise<void> {
    const blocked =
      (request.channel !== 'sms' && calleeBlocked(request.to, this.config.controls.blockedCalleePrefixes)) ||
      (request.channel !== 'call' && calleeBlocked(request.to, this.config.sms.blockedPrefixes));
    if (blocked)
      throw new RestError(
        ResultCodes.SECURITY_COMMON_ERROR,
        'the destination is in a range the platform does not serve',
      );
    const lists = await this.directory.platformLists();
    if (lists.blacklist.has(request.to) || app.blacklist.has(request.to))
      throw new RestError(ResultCodes.CALLEE_BLACKLISTED);
    const whitelisted = lists.whitelist.size + app.whitelist.size > 0;
    if (whitelisted && !lists.whitelist.has(request.to) && !app.whitelist.has(request.to))
      throw new RestError(ResultCodes.CALLEE_NOT_WHITELISTED);
  }

  /** The number a call shows: the app's first available display number, if any. */
  private displayNumber(app: DirectoryApp): string | null {
    for (const [number, status] of app.numbers) if (status === 'normal') return number;
    return null;
  }
}
