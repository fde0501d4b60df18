import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { SecretBox } from '#libs/auth';
import { Outbox, type Disposition, type OutboxRow } from '#libs/messaging';
import { APP_LOGGER, JsonLogger } from '#libs/runtime';
import { SmsMessagesRepository, SUBMIT_LEASE_SECONDS } from '../messages/sms-messages.repository.js';
import { SMS_PROVIDER, SmsSubmitError, type SmsProvider } from '../providers/sms-provider.js';
import { renderSmsText } from './sms-template.js';

/** How long a submitted message's record is retried (well within its lease, which then still protects it). */
const RECORD_PATIENCE_MS = (SUBMIT_LEASE_SECONDS * 1000) / 2;

/**
 * Sends one accepted message: claims it (a lease, so no other worker sends it meanwhile),
 * renders the text with the code, submits it, and records the outcome with its notification.
 * The command is acked only after that record is committed. A worker that dies between the
 * SMS centre's answer and that commit leaves the message `accepted`: it is submitted again
 * (with the same code) — the one window where a message can go out twice; never zero times.
 */
@Injectable()
export class SendSmsUseCase {
  constructor(
    private readonly messages: SmsMessagesRepository,
    private readonly outbox: Outbox,
    private readonly secretBox: SecretBox,
    @Inject(SMS_PROVIDER) private readonly provider: SmsProvider,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
  ) {}

  async execute(messageId: string): Promise<Disposition> {
    const claim = await this.messages.claim(messageId);
    if (claim.outcome === 'unknown') return { action: 'dead', reason: `no SMS message ${messageId}` };
    if (claim.outcome === 'done') return { action: 'ack' };
    if (claim.outcome === 'leased') return { action: 'retry', reason: 'another worker is submitting this message' };
    const message = claim.message;
    const log = this.logger.child({ messageId });

    if (message.codeExpired) return this.fail(messageId, 'the code expired before the message could be submitted');
    let code: string;
    try {
      if (message.codeSealed === null) throw new Error('no sealed code');
      code = this.secretBox.open(message.codeSealed);
    } catch {
      return this.fail(messageId, 'the code cannot be opened (was VERIGATE_MASTER_KEY changed?)');
    }
    const text = renderSmsText({ type: message.type, lang: message.lang, signature: message.signature, code, ttlSeconds: message.ttlSeconds });

    let providerIds: string[];
    try {
      ({ providerIds } = await this.provider.submit({ messageId, to: message.mobile, text }));
    } catch (error) {
      if (error instanceof SmsSubmitError && !error.transient) {
        log.warn('sms refused by the provider', { provider: this.provider.name, providerCode: error.providerCode, error: error.message });
        return this.fail(messageId, `${error.providerCode ?? this.provider.name}: ${error.message}`);
      }
      await this.messages.release(messageId);
      return { action: 'retry', reason: `submission failed: ${(error as Error).message}` };
    }
    const rows = await this.recordSubmission(messageId, providerIds);
    void this.outbox.dispatch(rows);
    log.info('sms submitted', { provider: this.provider.name, segments: providerIds.length, attempt: message.submitAttempts });
    return { action: 'ack' };
  }

  /**
   * The SMS centre has the message: recording that must not be given up lightly, since a command
   * retried after a failed record would submit the message again. So a database that is away
   * (a PostgreSQL restart) is waited for here, within the message's lease; only after that does
   * the error go to the broker (and the message may be sent twice).
   */
  private async recordSubmission(messageId: string, providerIds: string[]): Promise<OutboxRow[]> {
    const deadline = Date.now() + RECORD_PATIENCE_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.messages.submitted(messageId, this.provider.name, providerIds);
      } catch (error) {
        if (Date.now() >= deadline) throw error;
        this.logger.warn('could not record a submitted sms; trying again', { messageId, attempt, error: (error as Error).message });
        await sleep(Math.min(5000, 250 * 2 ** attempt));
      }
    }
  }

  private async fail(messageId: string, reason: string): Promise<Disposition> {
    const rows = await this.messages.failed(messageId, reason);
    void this.outbox.dispatch(rows);
    this.logger.warn('sms failed', { messageId, reason });
    return { action: 'ack' };
  }
}
