import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { aesFormOfPlainCredential, SecretBox, verificationHash } from '#libs/auth';
import type { SmsErrorCode } from '#libs/contracts';
import { Outbox, type OutboxRow } from '#libs/messaging';
import { CaptchaSessions, SmsMessagesRepository } from '#libs/persistence';
import {
  APP_LOGGER,
  currentRequestContext,
  JsonLogger,
  Metrics,
  PLATFORM_CONFIG,
  type PlatformConfig,
} from '#libs/runtime';
import { addressBucket } from '../http/client-address.js';
import type { SdkCaller } from '../sdk/sdk-admission.service.js';
import { SdkError } from '../sdk/sdk-error.js';
import { maskMobile, smsStatement } from './sms-database.js';
import {
  newCode,
  SmsCodeHasher,
  smsMobileBlocked,
  smsPolicy,
  velocityAlertPrefix,
  velocityPrefix,
} from './sms-policy.js';
import type { SendSmsRequest } from './sms-request.schema.js';

export interface SendSmsResult {
  messageId: string;
  /** Seconds the code can be verified. */
  expiresIn: number;
  /** Seconds before the same (mobile, type) may ask again. */
  resendAfter: number;
}

/** The outbox rows of an accepted send, or the limit that refused it (one row either way). */
type AdmissionRow = Partial<OutboxRow> & { refusal: SmsErrorCode | null };

/**
 * Accepts a send: in one statement the captcha credential is consumed, the cool-down, caps,
 * daily budget and prefix velocity are checked (verigate_admit_sms), the message is stored with
 * its code as a keyed hash (and sealed for the worker) and its send command goes into the outbox.
 * A send refused by a limit or the cool-down keeps nothing but the consumed credential (one solved
 * captcha cannot probe a mobile's limits again and again); a platform fault (database error)
 * keeps nothing, the credential included. A destination in a blocked range is refused before the
 * credential is looked at (a fixed rule: nothing to probe). An accepted send is published even if
 * RabbitMQ is away.
 */
@Injectable()
export class SendSmsCodeUseCase {
  private readonly velocityAlerts;
  /** The country code of national-form mobiles (VERIGATE_SMPP_DEST_PREFIX, read without VERIGATE_SMPP_URL too). */
  private readonly countryCode: string;

  constructor(
    private readonly messages: SmsMessagesRepository,
    private readonly captchaSessions: CaptchaSessions,
    private readonly outbox: Outbox,
    private readonly secretBox: SecretBox,
    private readonly hasher: SmsCodeHasher,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
    metrics: Metrics,
  ) {
    this.velocityAlerts = metrics.counter(
      'sms_prefix_velocity_alerts_total',
      'SMS sends refused because their destination prefix had far more sends than usual this hour (possible SMS pumping)',
    );
    this.countryCode = config.sms.countryCode;
  }

  async execute(caller: SdkCaller, request: SendSmsRequest): Promise<SendSmsResult> {
    if (smsMobileBlocked(request.mobile, this.config.sms.blockedPrefixes, this.countryCode))
      throw new SdkError('MOBILE_BLOCKED', caller.sdk.lang);
    const policy = smsPolicy(caller.app.limits, this.config.sms.defaults);
    const code = newCode(policy.codeLength);
    const messageId = randomUUID();
    const accept = (credentialHash: string) => this.accept(caller, request, messageId, code, policy, credentialHash);

    let admission: AdmissionRow[];
    try {
      admission = await accept(verificationHash(request.captchaToken));
    } catch (error) {
      // docs/contract.md#sms-verification-code: a credential handed out in AES form may come back in plain form. Looked up
      // only after the common case failed, so that case costs one round trip.
      const aesForm =
        error instanceof SdkError && error.code === 'CAPTCHA_TOKEN_INVALID'
          ? await this.aesForm(caller, request)
          : null;
      if (!aesForm) throw error;
      admission = await accept(verificationHash(aesForm));
    }
    const refusal = admission[0]?.refusal ?? null;
    if (refusal) this.refused(caller, request, refusal);
    const rows = admission.filter((row) => row.id !== null && row.id !== undefined) as OutboxRow[];
    if (rows.length === 0) throw new SdkError('INTERNAL_ERROR', caller.sdk.lang);
    void this.outbox.dispatch(rows);
    const context = currentRequestContext();
    if (context) context.messageId = messageId; // for the access log line
    this.logger.info('sms send accepted', {
      messageId,
      appKey: caller.app.appKey,
      mobile: maskMobile(request.mobile),
      type: request.type,
    });
    return { messageId, expiresIn: policy.codeTtlSeconds, resendAfter: policy.resendCooldownSeconds };
  }

  /** A send refused by a limit: its answer; a velocity refusal also raises the pumping alert (log line and metric). */
  private refused(caller: SdkCaller, request: SendSmsRequest, refusal: SmsErrorCode): never {
    if (refusal === 'PREFIX_VELOCITY_LIMIT') {
      this.velocityAlerts.inc();
      this.logger.warn('sms pumping alert: sends to a destination prefix far above its usual rate', {
        alert: 'sms-prefix-velocity',
        appKey: caller.app.appKey,
        prefix: velocityAlertPrefix(request.mobile, this.config.sms.velocity, this.countryCode),
      });
    }
    throw new SdkError(refusal, caller.sdk.lang);
  }

  private accept(
    caller: SdkCaller,
    request: SendSmsRequest,
    messageId: string,
    code: string,
    policy: ReturnType<typeof smsPolicy>,
    credentialHash: string,
  ): Promise<AdmissionRow[]> {
    const { app, sdk, clientIp } = caller;
    const velocity = this.config.sms.velocity;
    // One statement (SmsMessagesRepository.accept); one row: the outbox row of the accepted send,
    // or the refusal (the credential stays consumed).
    return smsStatement(
      () =>
        this.messages.accept({
          appId: app.id,
          appKey: app.appKey,
          mobile: request.mobile,
          type: request.type,
          fingerprint: sdk.fingerprint,
          addressBucket: addressBucket(clientIp),
          credentialHash,
          resendCooldownSeconds: policy.resendCooldownSeconds,
          perMobilePerHour: policy.perMobilePerHour,
          perMobilePerDay: policy.perMobilePerDay,
          perDevicePerHour: policy.perDevicePerHour,
          perIpPerHour: policy.perIpPerHour,
          messageId,
          lang: sdk.lang,
          codeHash: this.hasher.hash(app.id, request.mobile, request.type, code),
          codeSealed: this.secretBox.seal(code),
          codeTtlSeconds: policy.codeTtlSeconds,
          verifyAttempts: policy.verifyAttempts,
          dailyBudget: policy.dailyBudget,
          velocityPrefix: velocityPrefix(request.mobile, velocity, this.countryCode),
          velocityMultiple: velocity.multiple,
          velocityFloor: velocity.floor,
        }),
      sdk.lang,
      this.logger,
    );
  }

  /** The AES form of a plain-form credential whose captcha the client answered with AES, if any. */
  private aesForm(caller: SdkCaller, request: SendSmsRequest): Promise<string | null> {
    return aesFormOfPlainCredential(request.captchaToken, (token) =>
      smsStatement(
        () => this.captchaSessions.secretKeyOfPassed(token, caller.app.appKey),
        caller.sdk.lang,
        this.logger,
      ),
    );
  }
}
