import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SecretBox } from '#libs/auth';
import { Outbox, type Disposition, type OutboxRow } from '#libs/messaging';
import { databaseUnavailable, SmsMessagesRepository, SUBMIT_LEASE_RENEW_SECONDS } from '#libs/persistence';
import { APP_LOGGER, JsonLogger, Metrics, SLOW_BUCKETS } from '#libs/runtime';
import { SMS_PROVIDER, SmsSubmitError, type SmsProvider } from '../providers/sms-provider.js';
import { renderSmsText } from './sms-template.js';

/**
 * Sends one accepted message: claims it (a lease with an owner token, renewed while this
 * attempt works on it, so no other worker sends it meanwhile), renders the text with the code,
 * submits it, and records the outcome with its notification. The command is acked only after
 * that record is committed. A worker that dies between the SMS centre's answer and that commit
 * leaves the message `accepted`: another worker submits it again once the lease ran out (with
 * the same code) — the one window where a message can go out twice; never zero times.
 */
@Injectable()
export class SendSmsUseCase {
  private stopping = false;
  private readonly submits;
  private readonly acceptedToSubmitted;

  constructor(
    private readonly messages: SmsMessagesRepository,
    private readonly outbox: Outbox,
    private readonly secretBox: SecretBox,
    @Inject(SMS_PROVIDER) private readonly provider: SmsProvider,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
    metrics: Metrics = new Metrics('sms', { processMetrics: false }),
  ) {
    this.submits = metrics.counter(
      'sms_submits_total',
      'Send commands handled, by outcome: submitted, refused (by the provider, for good), failed (code expired or unreadable), retry (provider down, busy or transient error), duplicate',
      ['outcome'],
    );
    this.acceptedToSubmitted = metrics.histogram(
      'sms_accept_to_submit_seconds',
      'From the gateway accepting a message to the SMS centre taking it',
      [],
      SLOW_BUCKETS,
    );
  }
  /**
   * Fails messages whose command was lost or dead-lettered once their code expired (their
   * notifications are dispatched), then forgets stale receipts. Idempotent: any worker may run it.
   */
  async sweep(): Promise<void> {
    const rows = await this.messages.failExpired();
    void this.outbox.dispatch(rows);
    if (rows.length)
      this.logger.warn('sms messages never submitted failed after their code expired', { notifications: rows.length });
    await this.messages.sweepReceipts();
  }

  /** On shutdown: an attempt still waiting for the database to record a submission gives up (see recordSubmission). */
  stop(): void {
    this.stopping = true;
  }

  async execute(messageId: string): Promise<Disposition> {
    const disposition = await this.send(messageId);
    if (disposition.action === 'retry') this.submits.inc({ outcome: 'retry' });
    return disposition;
  }

  private async send(messageId: string): Promise<Disposition> {
    // Not connected to the SMS centre: leave the message alone (no claim, no attempt counted).
    if (!this.provider.isReady())
      return { action: 'retry', reason: `the ${this.provider.name} provider is not connected` };
    const owner = randomUUID();
    const claim = await this.messages.claim(messageId, owner);
    if (claim.outcome === 'unknown') return { action: 'dead', reason: `no SMS message ${messageId}` };
    if (claim.outcome === 'done') {
      this.submits.inc({ outcome: 'duplicate' });
      return { action: 'ack' };
    }
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
    const text = renderSmsText({
      type: message.type,
      lang: message.lang,
      signature: message.signature,
      code,
      ttlSeconds: message.ttlSeconds,
    });

    const renewal = setInterval(() => {
      this.messages
        .renew(messageId, owner)
        .then((held) => {
          if (!held) log.warn('lost the hold on an sms being submitted');
        })
        .catch((error: Error) => log.warn('could not renew the hold on an sms', { error: error.message }));
    }, SUBMIT_LEASE_RENEW_SECONDS * 1000);
    try {
      let providerIds: string[];
      try {
        ({ providerIds } = await this.provider.submit({ messageId, to: message.mobile, text }));
      } catch (error) {
        if (error instanceof SmsSubmitError && !error.transient) {
          log.warn('sms refused by the provider', {
            provider: this.provider.name,
            providerCode: error.providerCode,
            error: error.message,
          });
          return await this.fail(messageId, `${error.providerCode ?? this.provider.name}: ${error.message}`, 'refused');
        }
        await this.messages.release(messageId, owner);
        return { action: 'retry', reason: `submission failed: ${(error as Error).message}` };
      }
      const rows = await this.recordSubmission(messageId, providerIds, log);
      if (!rows)
        return { action: 'dead', reason: 'the submission could not be recorded (see the error logged with it)' };
      void this.outbox.dispatch(rows);
      this.submits.inc({ outcome: 'submitted' });
      if (message.acceptedAt)
        this.acceptedToSubmitted.observe(Math.max(0, (Date.now() - message.acceptedAt.getTime()) / 1000));
      log.info('sms submitted', {
        provider: this.provider.name,
        segments: providerIds.length,
        attempt: message.submitAttempts,
      });
      return { action: 'ack' };
    } finally {
      clearInterval(renewal);
    }
  }

  /**
   * The SMS centre has the message: recording that is not given up while the database is away
   * and this worker runs (the lease is renewed meanwhile), since a command retried after a failed
   * record would submit the message again. A worker that is stopping gives up (its command goes
   * back to the queue and the message may be sent twice); any other error is a defect: the
   * command is parked in the dead-letter queue, and the message, never recorded as submitted,
   * is failed by the sweeper once its code expired.
   */
  private async recordSubmission(
    messageId: string,
    providerIds: string[],
    log: JsonLogger,
  ): Promise<OutboxRow[] | null> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.messages.submitted(messageId, this.provider.name, providerIds);
      } catch (error) {
        if (!databaseUnavailable(error)) {
          log.error('could not record a submitted sms', { providerIds, error: (error as Error).message });
          return null;
        }
        if (this.stopping) throw error;
        log.warn('could not record a submitted sms; trying again', { attempt, error: (error as Error).message });
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * 2 ** attempt)));
      }
    }
  }

  private async fail(
    messageId: string,
    reason: string,
    outcome: 'failed' | 'refused' = 'failed',
  ): Promise<Disposition> {
    const rows = await this.messages.failed(messageId, reason);
    this.submits.inc({ outcome });
    void this.outbox.dispatch(rows);
    this.logger.warn('sms failed', { messageId, reason });
    return { action: 'ack' };
  }
}
