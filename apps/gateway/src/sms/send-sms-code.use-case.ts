import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { aesFormOfPlainCredential, SecretBox, verificationHash } from '#libs/auth';
import { Exchanges, RoutingKeys, type SendSmsCommand } from '#libs/contracts';
import { Outbox, outboxHeaders, outboxInsertFrom, type OutboxRow } from '#libs/messaging';
import { preparedRows } from '#libs/persistence';
import { APP_LOGGER, currentRequestContext, JsonLogger, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { addressBucket } from '../http/client-address.js';
import type { SdkCaller } from '../sdk/sdk-admission.service.js';
import { SdkError } from '../sdk/sdk-error.js';
import { maskMobile, smsStatement } from './sms-database.js';
import { newCode, SmsCodeHasher, smsPolicy } from './sms-policy.js';
import type { SendSmsRequest } from './sms-request.js';

export interface SendSmsResult {
  messageId: string;
  /** Seconds the code can be verified. */
  expiresIn: number;
  /** Seconds before the same (mobile, type) may ask again. */
  resendAfter: number;
}

/**
 * Accepts a send: in one statement the captcha credential is consumed, the cool-down and caps
 * are checked (verigate_admit_sms), the message is stored with its code as a keyed hash (and
 * sealed for the worker) and its send command goes into the outbox. A refusal leaves nothing
 * behind, not even a consumed credential; an accepted send is published even if RabbitMQ is away.
 */
@Injectable()
export class SendSmsCodeUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly secretBox: SecretBox,
    private readonly hasher: SmsCodeHasher,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
  ) {}

  async execute(caller: SdkCaller, request: SendSmsRequest): Promise<SendSmsResult> {
    const policy = smsPolicy(caller.app.limits, this.config.sms.defaults);
    const code = newCode(policy.codeLength);
    const messageId = randomUUID();
    const accept = (credentialHash: string) => this.accept(caller, request, messageId, code, policy, credentialHash);

    let rows: OutboxRow[];
    try {
      rows = await accept(verificationHash(request.captchaToken));
    } catch (error) {
      // SPEC §2.2: a credential handed out in AES form may come back in plain form. Looked up
      // only after the common case failed, so that case costs one round trip.
      const aesForm = error instanceof SdkError && error.code === 'CAPTCHA_TOKEN_INVALID' ? await this.aesForm(caller, request) : null;
      if (!aesForm) throw error;
      rows = await accept(verificationHash(aesForm));
    }
    if (rows.length === 0) throw new SdkError('INTERNAL_ERROR', caller.sdk.lang);
    void this.outbox.dispatch(rows);
    const context = currentRequestContext();
    if (context) context.messageId = messageId; // for the access log line
    this.logger.info('sms send accepted', { messageId, appKey: caller.app.appKey, mobile: maskMobile(request.mobile), type: request.type });
    return { messageId, expiresIn: policy.codeTtlSeconds, resendAfter: policy.resendCooldownSeconds };
  }

  private accept(caller: SdkCaller, request: SendSmsRequest, messageId: string, code: string, policy: ReturnType<typeof smsPolicy>, credentialHash: string): Promise<OutboxRow[]> {
    const { app, sdk, clientIp } = caller;
    const command: SendSmsCommand = { messageId };
    return smsStatement(() => preparedRows<OutboxRow>(this.dataSource,
      `WITH admitted AS (
         SELECT * FROM verigate_admit_sms($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ), message AS (
         INSERT INTO sms_messages (id, app_id, app_key, mobile, type, lang, code_hash, code_sealed, code_expires_at,
                                   max_verify_attempts, captcha_token, fingerprint, client_ip, created_at, updated_at)
         SELECT $13, $1, $2, $3, $4, $14, $15, $16, admitted.admitted_at + make_interval(secs => $17), $18, admitted.captcha_token,
                $5, $6, admitted.admitted_at, admitted.admitted_at
           FROM admitted
         RETURNING id
       )
       ${outboxInsertFrom('SELECT $19, $20, message.id::text, $21::json FROM message', '$22')}`,
      [
        app.id, app.appKey, request.mobile, request.type, sdk.fingerprint, addressBucket(clientIp), credentialHash,
        policy.resendCooldownSeconds, policy.perMobilePerHour, policy.perMobilePerDay, policy.perDevicePerHour, policy.perIpPerHour,
        messageId, sdk.lang, this.hasher.hash(app.id, request.mobile, request.type, code), this.secretBox.seal(code),
        policy.codeTtlSeconds, policy.verifyAttempts,
        Exchanges.commands, RoutingKeys.sendSms, JSON.stringify(command), outboxHeaders(),
      ],
    ), sdk.lang, this.logger);
  }

  /** The AES form of a plain-form credential whose captcha the client answered with AES, if any. */
  private aesForm(caller: SdkCaller, request: SendSmsRequest): Promise<string | null> {
    return aesFormOfPlainCredential(request.captchaToken, async (token) => {
      const rows = await smsStatement(() => preparedRows<{ secret_key_sealed: string }>(this.dataSource,
        `SELECT secret_key_sealed FROM captcha_sessions WHERE token = $1 AND app_key = $2 AND state = 'passed'`, [token, caller.app.appKey]),
      caller.sdk.lang, this.logger);
      return rows[0] ? this.secretBox.openOrNull(rows[0].secret_key_sealed) : null;
    });
  }

}
