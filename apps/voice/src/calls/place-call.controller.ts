import { Controller, Inject, type BeforeApplicationShutdown } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { placeCallCommandSchema, Queues, type PlaceCallCommand } from '#libs/contracts';
import { Broker, BrokerContext, checkPayload, type Disposition } from '#libs/messaging';
import { APP_LOGGER, JsonLogger, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { VoicePortsService } from '../ports/voice-ports.service.js';
import { PlaceCallUseCase } from './place-call.use-case.js';

/** `voice.calls` (BrokerServer, prefetch = voice ports: see VoiceModule) → PlaceCallUseCase. */
@Controller()
export class PlaceCallController implements BeforeApplicationShutdown {
  constructor(
    private readonly broker: Broker,
    private readonly placeCall: PlaceCallUseCase,
    private readonly ports: VoicePortsService,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
  ) {}

  @EventPattern<string>(Queues.voiceCalls)
  async placeCallCommand(
    @Payload() command: PlaceCallCommand | undefined,
    @Ctx() context: BrokerContext,
  ): Promise<Disposition> {
    const checked = checkPayload(placeCallCommandSchema, command);
    if (!checked.ok) return checked.disposition;
    const { sessionId } = checked.value;
    // After a channel was re-attached, calls from the old channel still hold ports: wait for one.
    if (this.placeCall.liveCalls >= this.ports.capacity)
      return { action: 'retry', reason: 'no free voice port on this worker' };
    return this.placeCall.execute({ sessionId, messageId: context.getMessageId() });
  }

  /** BrokerServer has cancelled the consumer (app.close); live calls finish or are ended here. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.broker.stopConsuming();
    // Always drain: a handler may be between its claim and its call, not yet counted as live.
    this.logger.info('stopping: letting live calls finish', { liveCalls: this.placeCall.liveCalls });
    await this.broker.drain(this.config.voice.shutdownGraceSeconds * 1000);
    if (this.placeCall.liveCalls > 0) {
      this.logger.warn('ending live calls for shutdown', { liveCalls: this.placeCall.liveCalls });
      this.placeCall.abortAll();
    }
    // Handlers still running (calls being ended and recorded) settle before connections close.
    await this.broker.drain(15_000);
    await this.ports.unregister();
  }
}
