import { appendFile, mkdir } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import type { SmsDevInboxRepository } from '#libs/persistence';
import type { JsonLogger } from '#libs/runtime';
import {
  SmsSubmitError,
  type OutgoingSms,
  type ReceiptHandler,
  type SmsProvider,
  type SubmitResult,
} from '../sms-provider.js';

/**
 * Development provider (VERIGATE_SMS_PROVIDER=log, the default): sends nothing. Each message is
 * appended to a JSON-lines file and to the `sms_dev_inbox` table (the management API's
 * GET /admin/v1/sms/dev-inbox), where a developer reads the code; then it reports the message
 * delivered, so status notifications can be developed against it. Codes are in clear there:
 * never use it in production (the configuration refuses it when NODE_ENV=production unless
 * chosen explicitly).
 */
export class LogSmsProvider implements SmsProvider {
  readonly name = 'log' as const;
  private onReceipt?: ReceiptHandler;

  constructor(
    private readonly inbox: SmsDevInboxRepository,
    private readonly file: string,
    private readonly logger: JsonLogger,
  ) {}

  async start(onReceipt: ReceiptHandler): Promise<void> {
    this.onReceipt = onReceipt;
    await mkdir(dirname(this.file), { recursive: true });
    this.logger.warn(
      'SMS provider "log": messages are not sent; they are written with their codes to a file and to sms_dev_inbox',
      { file: this.file },
    );
  }

  async submit(sms: OutgoingSms): Promise<SubmitResult> {
    const providerId = `log-${randomUUID()}`;
    try {
      await appendFile(
        this.file,
        `${JSON.stringify({ at: new Date().toISOString(), providerId, messageId: sms.messageId, to: sms.to, text: sms.text })}\n`,
      );
      await this.inbox.record(providerId, sms.messageId, sms.to, sms.text);
    } catch (error) {
      throw new SmsSubmitError(`could not record the message: ${(error as Error).message}`, true);
    }
    setImmediate(() => {
      this.onReceipt?.({ providerId, status: 'delivered', doneAt: new Date(), errorCode: null }).catch((error: Error) =>
        this.logger.warn('log provider: receipt not recorded', { providerId, error: error.message }),
      );
    });
    return { providerIds: [providerId] };
  }

  isReady(): boolean {
    return this.onReceipt !== undefined;
  }

  async stop(): Promise<void> {
    this.onReceipt = undefined;
  }
}
