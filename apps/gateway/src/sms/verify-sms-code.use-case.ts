import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SmsErrorCode } from '#libs/contracts';
import { preparedRows } from '#libs/persistence';
import { APP_LOGGER, JsonLogger } from '#libs/runtime';
import type { SdkCaller } from '../sdk/sdk-admission.service.js';
import { SdkError } from '../sdk/sdk-error.js';
import { maskMobile, smsStatement } from './sms-database.js';
import { SmsCodeHasher } from './sms-policy.js';
import type { VerifySmsRequest } from './sms-request.js';

/**
 * Verifies a code against the newest one sent to (mobile, type), in one statement
 * (verigate_verify_sms_code): right once; wrong ones count until the code is dead.
 */
@Injectable()
export class VerifySmsCodeUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: SmsCodeHasher,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
  ) {}

  async execute(caller: SdkCaller, request: VerifySmsRequest): Promise<void> {
    const { app, sdk } = caller;
    const rows = await smsStatement(() => preparedRows<{ outcome: 'OK' | SmsErrorCode }>(this.dataSource,
      `SELECT verigate_verify_sms_code($1, $2, $3, $4) AS outcome`,
      [app.id, request.mobile, request.type, this.hasher.hash(app.id, request.mobile, request.type, request.code)],
    ), sdk.lang, this.logger);
    const outcome = rows[0]?.outcome ?? 'INTERNAL_ERROR';
    if (outcome !== 'OK') {
      this.logger.info('sms code refused', { appKey: app.appKey, mobile: maskMobile(request.mobile), type: request.type, outcome });
      throw new SdkError(outcome, sdk.lang);
    }
  }
}
