import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SmsErrorCode } from '#libs/contracts';
import { preparedRows } from '#libs/persistence';
import { APP_LOGGER, JsonLogger, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { addressBucket } from '../http/client-address.js';
import type { SdkCaller } from '../sdk/sdk-admission.service.js';
import { SdkError } from '../sdk/sdk-error.js';
import { maskMobile, smsStatement } from './sms-database.js';
import { SmsCodeHasher } from './sms-policy.js';
import type { VerifySmsRequest } from './sms-request.js';

/**
 * Verifies a code against the newest one sent to (mobile, type), in one statement: the caller's
 * verify budget per device and per IP (fixed hourly windows, verigate_take_counters; over it,
 * nothing is compared) and the comparison (verigate_verify_sms_code): right once; wrong ones
 * count until the code is dead.
 */
@Injectable()
export class VerifySmsCodeUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: SmsCodeHasher,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
  ) {}

  async execute(caller: SdkCaller, request: VerifySmsRequest): Promise<void> {
    const { app, sdk } = caller;
    const sms = this.config.sms;
    const refusal: SmsErrorCode = 'VERIFY_RATE_LIMITED';
    const rows = await smsStatement(() => preparedRows<{ outcome: 'OK' | SmsErrorCode }>(this.dataSource,
      `WITH allowed AS (SELECT verigate_take_counters($5, $6, $7, $8))
       SELECT verigate_verify_sms_code($1, $2, $3, $4) AS outcome FROM allowed`,
      [
        app.id, request.mobile, request.type, this.hasher.hash(app.id, request.mobile, request.type, request.code),
        [`sms-verify-device:${app.id}:${sdk.fingerprint}`, `sms-verify-ip:${app.id}:${addressBucket(caller.clientIp)}`],
        [sms.verifyPerDeviceHour, sms.verifyPerIpHour], [3600, 3600], [refusal, refusal],
      ],
    ), sdk.lang, this.logger);
    const outcome = rows[0]?.outcome ?? 'INTERNAL_ERROR';
    if (outcome !== 'OK') {
      this.logger.info('sms code refused', { appKey: app.appKey, mobile: maskMobile(request.mobile), type: request.type, outcome });
      throw new SdkError(outcome, sdk.lang);
    }
  }
}
