import { Inject, Injectable } from '@nestjs/common';
import { Outbox } from '#libs/messaging';
import { APP_LOGGER, boundedLabel, JsonLogger, Metrics } from '#libs/runtime';
import { SmsMessagesRepository } from '#libs/persistence';
import { SMS_PROVIDER, type DeliveryReceipt, type SmsProvider } from '../providers/sms-provider.js';

const RECEIPT_STATUSES = ['delivered', 'undeliverable', 'expired', 'failed', 'accepted', 'unknown'];

/**
 * A delivery receipt from the provider: recorded, applied to its message (whose status and
 * notification follow in the same transaction), then dispatched. Resolves only after the
 * commit: the provider acknowledges the receipt to the SMS centre after that, so a crash before
 * makes the centre send it again (recording is idempotent).
 */
@Injectable()
export class RecordReceiptUseCase {
  private readonly receiptsCounter;

  constructor(
    private readonly messages: SmsMessagesRepository,
    private readonly outbox: Outbox,
    @Inject(SMS_PROVIDER) private readonly provider: SmsProvider,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
    metrics: Metrics,
  ) {
    this.receiptsCounter = metrics.counter(
      'sms_receipts_total',
      'Delivery receipts recorded, by the status the provider reported',
      ['status'],
    );
  }

  async execute(receipt: DeliveryReceipt): Promise<void> {
    const rows = await this.messages.receipt(this.provider.name, receipt);
    void this.outbox.dispatch(rows);
    this.receiptsCounter.inc({ status: boundedLabel(receipt.status, RECEIPT_STATUSES) });
    this.logger.debug('delivery receipt recorded', {
      providerId: receipt.providerId,
      status: receipt.status,
      applied: rows.length > 0,
    });
  }
}
