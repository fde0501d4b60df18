import { Controller, Inject, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Queues, sendSmsCommandSchema, type SendSmsCommand } from '#libs/contracts';
import { Broker, checkPayload, type Disposition } from '#libs/messaging';
import { APP_LOGGER, JsonLogger, Metrics, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { SMS_PROVIDER, type SmsProvider } from '../providers/sms-provider.js';
import { RecordReceiptUseCase } from '../receipts/record-receipt.use-case.js';
import { SendSmsUseCase } from './send-sms.use-case.js';

/** Handlers still running at shutdown get this long to finish their submission and commit. */
const DRAIN_MS = 15_000;

/**
 * The sms worker's life: the provider connects first (its receipts go to RecordReceiptUseCase),
 * then `sms.send` is consumed (BrokerServer binds it after bootstrap, prefetch VERIGATE_SMS_PREFETCH,
 * see SmsModule). On shutdown: stop taking commands, let submissions in flight
 * finish and commit, then disconnect the provider (receipts are answered until then).
 */
@Controller()
export class SendSmsController implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly broker: Broker,
    private readonly send: SendSmsUseCase,
    private readonly receipts: RecordReceiptUseCase,
    @Inject(SMS_PROVIDER) private readonly provider: SmsProvider,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
    metrics: Metrics,
  ) {
    metrics.gauge(
      'sms_provider_connected',
      '1 while the SMS provider can take messages (SMPP: bound)',
      ['provider'],
      (g) => {
        g.reset();
        g.set({ provider: provider.name }, provider.isReady() ? 1 : 0);
      },
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.provider.start((receipt) => this.receipts.execute(receipt));
    // Every minute: messages whose command was lost or dead-lettered are failed once their code
    // expired (any worker may do it; the statement is idempotent); stale receipts are forgotten.
    this.sweeper = setInterval(() => {
      this.send.sweep().catch((error: Error) => this.logger.warn('sms sweep failed', { error: error.message }));
    }, 60_000);
    this.sweeper.unref();
    this.logger.info('sms worker consuming', { provider: this.provider.name, prefetch: this.config.sms.prefetch });
  }

  @EventPattern<string>(Queues.smsSend)
  sendCommand(@Payload() command: SendSmsCommand | undefined): Promise<Disposition> {
    const checked = checkPayload(sendSmsCommandSchema, command);
    if (!checked.ok) return Promise.resolve(checked.disposition);
    return this.send.execute(checked.value.messageId);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await this.broker.stopConsuming();
    await this.broker.drain(DRAIN_MS);
    this.send.stop();
    await this.broker.drain(1000);
    await this.provider.stop();
  }
}
