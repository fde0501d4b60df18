import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { ConsumerHost } from './consumers.js';
import { delayQueueOf, REQUEUE_EXCHANGE, type WorkQueueSpec } from './topology.js';
import { pumpWaitMs } from './wait-queue-timing.js';

/** Default prefetch of a wait-queue pump (VERIGATE_WAIT_PUMP_PREFETCH): messages held at once. */
export const DEFAULT_WAIT_PUMP_PREFETCH = 256;

/** On a failed publish back, how long a message is held before it is given back to the wait queue. */
const GIVE_BACK_DELAY_MS = 1000;

/**
 * A publish back whose confirm has not come after this long counts as failed (the message is given
 * back; should the confirm still come, the command is sent twice, which its handler absorbs): a
 * confirm held up by the broker must not hold the message unacked, and so out of reach, forever.
 */
const CONFIRM_TIMEOUT_MS = 30_000;

interface Pump {
  /** Logical names. */
  workQueue: string;
  waitQueue: string;
  maxDelayMs: number;
  channel?: Channel;
  tag?: string;
  /** Messages held until their due time (or a give-back), with the channel they were delivered on. */
  timers: Map<NodeJS.Timeout, Channel>;
}

/**
 * The wait-queue pumps of this process: one per quorum work queue it consumes (topology.ts
 * delayQueueOf). Each consumes `<queue>.wait` on a channel of its own with manual acks and a
 * bounded prefetch, holds every message until its due time (wait-queue-timing.ts), publishes it
 * to the requeue exchange with the work queue's name (same body, properties and headers,
 * persistent) and waits for the broker's confirm before acking it. A failed publish gives the
 * message back (nack, requeue); a lost channel or connection returns every unacked message to the
 * wait queue, where another pump (or this one, re-attached) takes it. So a retry is never lost
 * and at worst sent back twice (the consumers are idempotent); pumps of many instances compete.
 */
export class WaitQueuePumps {
  private readonly all: Pump[] = [];
  private pumping = true;

  constructor(
    private readonly host: ConsumerHost,
    private readonly prefetch: number,
  ) {}

  /** A pump for `spec` if it is a quorum work queue (once per queue); undefined otherwise. */
  register(spec: WorkQueueSpec | undefined): Pump | undefined {
    if (!spec || spec.type !== 'quorum' || this.all.some((p) => p.workQueue === spec.name)) return undefined;
    const pump: Pump = {
      workQueue: spec.name,
      waitQueue: delayQueueOf(spec),
      maxDelayMs: spec.retryDelayMs,
      timers: new Map(),
    };
    this.all.push(pump);
    return pump;
  }

  get isPumping(): boolean {
    return this.pumping;
  }

  /** Attaches every pump (after a (re)connect). */
  async attachAll(model: ChannelModel): Promise<void> {
    if (this.pumping) for (const pump of this.all) await this.attach(model, pump);
  }

  async attach(model: ChannelModel, pump: Pump): Promise<void> {
    const { host } = this;
    const channel = await model.createChannel();
    channel.on('error', (err: Error) =>
      host.logger.warn('RabbitMQ wait-queue pump channel error', { queue: pump.waitQueue, error: err.message }),
    );
    await channel.prefetch(this.prefetch);
    pump.channel = channel;
    channel.on('close', () => {
      // Its unacked messages are back in the wait queue: forget their timers (only this channel's).
      this.clearTimers(pump, channel);
      const stillWanted = () => pump.channel === channel && this.pumping && host.wanted(model);
      if (!stillWanted()) return;
      host.retryUntil(
        stillWanted,
        () => this.attach(model, pump),
        `re-attach the wait-queue pump of ${pump.workQueue}`,
      );
    });
    const reply = await channel.consume(
      host.name(pump.waitQueue),
      (msg) => {
        // After stop, a message still delivered stays unacked: back to the wait queue on close.
        if (msg && this.pumping) this.hold(channel, pump, msg);
      },
      { noAck: false },
    );
    pump.tag = reply.consumerTag;
  }

  private hold(channel: Channel, pump: Pump, msg: ConsumeMessage): void {
    const headers = msg.properties.headers as Record<string, unknown> | undefined;
    const timer = setTimeout(
      () => {
        pump.timers.delete(timer);
        void this.sendBack(channel, pump, msg);
      },
      pumpWaitMs(headers, Date.now(), pump.maxDelayMs),
    );
    timer.unref();
    pump.timers.set(timer, channel);
  }

  private async sendBack(channel: Channel, pump: Pump, msg: ConsumeMessage): Promise<void> {
    const headers = (msg.properties.headers ?? {}) as Record<string, unknown>;
    try {
      await withTimeout(this.host.republish(REQUEUE_EXCHANGE, pump.workQueue, msg, headers), CONFIRM_TIMEOUT_MS);
      channel.ack(msg);
    } catch (error) {
      // Not confirmed (or the channel is gone): the message stays in the wait queue. On a live
      // channel it is given back after a pause, so a broker refusing publishes is not spun on.
      const giveBack = setTimeout(() => {
        pump.timers.delete(giveBack);
        try {
          channel.nack(msg, false, true);
        } catch {
          /* channel closed meanwhile: returned to the wait queue anyway */
        }
      }, GIVE_BACK_DELAY_MS);
      giveBack.unref();
      pump.timers.set(giveBack, channel);
      this.host.logger.warn('could not send a waiting message back to its work queue; it stays in the wait queue', {
        queue: pump.waitQueue,
        messageId: msg.properties.messageId,
        error: (error as Error).message,
      });
    }
  }

  /** Cancels the pump's timers: those of messages delivered on `channel`, or all. */
  private clearTimers(pump: Pump, channel?: Channel): void {
    for (const [timer, on] of pump.timers) {
      if (channel && on !== channel) continue;
      clearTimeout(timer);
      pump.timers.delete(timer);
    }
  }

  /**
   * Stops pumping: consumers cancelled, held messages released (left unacked, they go back to the
   * wait queue when the channel closes, for another instance's pump).
   */
  async stop(): Promise<void> {
    this.pumping = false;
    for (const pump of this.all) {
      this.clearTimers(pump);
      if (pump.channel && pump.tag) await pump.channel.cancel(pump.tag).catch(() => undefined);
    }
  }

  /** Closes every pump channel, waiting at most `timeoutMs`. */
  async closeChannels(timeoutMs: number): Promise<void> {
    const closing = Promise.all(
      this.all.map((pump) => (pump.channel ? pump.channel.close().catch(() => undefined) : Promise.resolve())),
    );
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no confirm within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
