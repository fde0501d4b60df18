import { Inject, Injectable } from '@nestjs/common';
import type { SmsErrorCode } from '#libs/contracts';
import { SmsMessagesRepository } from '#libs/persistence';
import { APP_LOGGER, JsonLogger, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { addressBucket } from '../http/client-address.js';
import type { SdkCaller } from '../sdk/sdk-admission.service.js';
import { SdkError } from '../sdk/sdk-error.js';
import { maskMobile, smsStatement } from './sms-database.js';
import { SmsCodeHasher } from './sms-policy.js';
import type { VerifySmsRequest } from './sms-request.schema.js';

/**
 * Verifies a code against the newest one sent to (mobile, type), in one statement: the caller's
 * verify budget per device and per IP (fixed hourly windows, verigate_take_counters; over it,
 * nothing is compared) and the comparison (verigate_verify_sms_code): right once; wrong ones
 * count until the code is dead.
 */
@Injectable()
export class VerifySmsCodeUseCase {
  constructor(
    private readonly messages: SmsMessagesRepository,
    private readonly hasher: SmsCodeHasher,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
  ) {}

  async execute(caller: SdkCaller, request: VerifySmsRequest): Promise<void> {
    const { app, sdk } = caller;
    const sms = this.config.sms;
    const refusal: SmsErrorCode = 'VERIFY_RATE_LIMITED';
    const rows = await smsStatement(
      () =>
        this.messages.verify({
          appId: app.id,
          mobile: request.mobile,
          type: request.type,
          codeHash: this.hasher.hash(app.id, request.mobile, request.type, request.code),
          fingerprint: sdk.fingerprint,
          addressBucket: addressBucket(caller.clientIp),
          perDeviceHour: sms.verifyPerDeviceHour,
          perIpHour: sms.verifyPerIpHour,
          refusal,
        }),
      sdk.lang,
      this.logger,
    );
    const outcome = rows[0]?.outcome ?? 'INTERNAL_ERROR';
    if (outcome !== 'OK') {
      this.logger.info('sms code refused', {
        appKey: app.appKey,
        mobile: maskMobile(request.mobile),
        type: request.type,
        outcome,
      });
      throw new SdkError(outcome, sdk.lang);
    }
  }
}
