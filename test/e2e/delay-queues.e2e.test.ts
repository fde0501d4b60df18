import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import amqp from 'amqplib';
import { Exchanges, Queues, RoutingKeys } from '#libs/contracts';
import {
  Broker,
  REQUEUE_EXCHANGE,
  RETRY_EXCHANGE,
  RETRY_HEADER,
  WORK_QUEUES,
  workQueuePlan,
  type Delivery,
} from '#libs/messaging';
import { expectEventually, TestInfrastructure } from '#libs/testing';

const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const DUE_AT_HEADER = 'x-verigate-due-at';

/**
 * Where the retries of a quorum work queue wait (sms.send here, retry delay 2 s), against the
 * real RabbitMQ: the quorum wait queue `<queue>.wait` (no TTL, no dead-lettering) whose messages
 * the consuming processes' pumps send back when due; and the delay queues of earlier versions (the
 * classic `<queue>.retry`, the quorum TTL `<queue>.delay`) unbound, drained back into the work queue.
 */
describe('wait queues of quorum work queues', () => {
  const infra = new TestInfrastructure();
  const logger = infra.logger('delay-queues');
  const spec = WORK_QUEUES.find((q) => q.name === Queues.smsSend)!;
  const physical = (logical: string) => `${infra.id}.${logical}`;
  const brokers: Broker[] = [];
  const broker = (index: number) => brokers[index]!;
  const deliveries: Array<{ messageId: string; retries: number; at: number; dueAt: unknown; by: string }> = [];

  /** A process consuming sms.send: a new message is tried again once (transient trouble), then done. */
  async function startConsumer(by: string): Promise<Broker> {
    const config = infra.config();
    const broker = new Broker(config.rabbitmqUrl, config.amqpNamespace, logger.child({ by }));
    brokers.push(broker);
    await broker.consume(spec.name, 4, async (delivery: Delivery<unknown>) => {
      const { messageId, retries, headers } = delivery;
      deliveries.push({ messageId, retries, at: Date.now(), dueAt: headers[DUE_AT_HEADER], by });
      return messageId.startsWith('new-') && retries === 0
        ? { action: 'retry', reason: 'SMS centre busy' }
        : { action: 'ack' };
    });
    await broker.connect();
    await expectEventually(() => expect(broker.isConnected).toBe(true), { timeoutMs: 5000 });
    return broker;
  }

  /** A graceful stop, as a worker's shutdown does it (the same, seen from RabbitMQ, as a crash after the ack). */
  async function stopConsumer(broker: Broker): Promise<void> {
    await broker.stopConsuming();
    await broker.drain(5000);
    await broker.close();
  }

  beforeAll(async () => {
    // The topology of the previous versions, one message waiting in each legacy delay queue (their
    // TTL running out about 2 s from now, by when the new version is connected).
    const connection = await amqp.connect(RABBITMQ_URL);
    try {
      const channel = await connection.createConfirmChannel();
      for (const exchange of [RETRY_EXCHANGE, REQUEUE_EXCHANGE])
        await channel.assertExchange(physical(exchange), 'direct', { durable: true });
      const workQueue = workQueuePlan(physical, spec)[0]!;
      if (workQueue.kind !== 'queue') throw new Error('the plan starts with the work queue');
      await channel.assertQueue(workQueue.name, { durable: true, arguments: workQueue.arguments });
      await channel.bindQueue(workQueue.name, physical(REQUEUE_EXCHANGE), spec.name);
      const back = {
        'x-message-ttl': spec.retryDelayMs,
        'x-dead-letter-exchange': physical(REQUEUE_EXCHANGE),
        'x-dead-letter-routing-key': spec.name,
      };
      const legacy = [
        { queue: `${spec.name}.retry`, messageId: 'legacy-retry', arguments: back },
        {
          queue: `${spec.name}.delay`,
          messageId: 'legacy-delay',
          arguments: {
            'x-queue-type': 'quorum',
            ...back,
            'x-dead-letter-strategy': 'at-least-once',
            'x-overflow': 'reject-publish',
          },
        },
      ];
      for (const { queue, messageId, arguments: args } of legacy) {
        await channel.assertQueue(physical(queue), { durable: true, arguments: args });
        await channel.bindQueue(physical(queue), physical(RETRY_EXCHANGE), spec.name);
        // Straight into this queue only (the default exchange), not through the retry exchange.
        channel.sendToQueue(physical(queue), Buffer.from(JSON.stringify({ legacy: true })), {
          persistent: true,
          contentType: 'application/json',
          messageId,
          headers: { [RETRY_HEADER]: 1 },
        });
      }
      await channel.waitForConfirms();
    } finally {
      await connection.close();
    }
    await expectEventually(async () => {
      expect(await infra.queueDepth(`${spec.name}.retry`)).toBe(1);
      expect(await infra.queueDepth(`${spec.name}.delay`)).toBe(1);
    });
    await startConsumer('first');
  });

  afterAll(async () => {
    for (const broker of brokers) await broker.close().catch(() => undefined);
    await infra.dispose();
  });

  const ofMessage = (messageId: string) => deliveries.filter((d) => d.messageId === messageId);

  it('a retry waits its delay in the wait queue <queue>.wait, held by the pump, then comes back once', async () => {
    expect(await infra.queueConsumers(`${spec.name}.wait`)).toBe(1); // the pump
    await broker(0).publish(Exchanges.commands, RoutingKeys.sendSms, { n: 1 }, { messageId: 'new-1' });
    await expectEventually(() => expect(ofMessage('new-1')).toHaveLength(2), { timeoutMs: spec.retryDelayMs + 5000 });
    const [first, second] = ofMessage('new-1');
    expect(first?.retries).toBe(0);
    expect(second?.retries).toBe(1);
    // Stamped due one delay after the retry; sent back no earlier than that.
    expect(Number(second!.dueAt)).toBeGreaterThanOrEqual(first!.at + spec.retryDelayMs);
    expect(Number(second!.dueAt)).toBeLessThan(first!.at + spec.retryDelayMs + 1000);
    expect(second!.at).toBeGreaterThanOrEqual(Number(second!.dueAt) - 5);

    // A quorum queue without TTL or dead-lettering: declaring it with the old delay queue's arguments is refused.
    const connection = await amqp.connect(RABBITMQ_URL);
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      await expect(
        channel.assertQueue(physical(`${spec.name}.wait`), {
          durable: true,
          arguments: { 'x-queue-type': 'quorum', 'x-message-ttl': spec.retryDelayMs },
        }),
      ).rejects.toThrow(/PRECONDITION_FAILED/);
    } finally {
      await connection.close().catch(() => undefined);
    }
  });

  it('the legacy delay queues are unbound and drain back into the work queue once each; the classic one is deleted, the quorum one left (empty)', async () => {
    await expectEventually(async () => expect(await infra.queueExists(`${spec.name}.retry`)).toBe(false));
    await expectEventually(async () => expect(await infra.queueDepth(`${spec.name}.delay`)).toBe(0));
    expect(await infra.queueExists(`${spec.name}.delay`)).toBe(true);
    await expectEventually(() => {
      expect(ofMessage('legacy-retry').map((d) => d.retries)).toEqual([1]);
      expect(ofMessage('legacy-delay').map((d) => d.retries)).toEqual([1]);
    });

    // A retry after the swap goes through the wait queue only (the old delay queue, had it still
    // been bound, would have sent a second copy one delay later).
    await broker(0).publish(Exchanges.commands, RoutingKeys.sendSms, { n: 2 }, { messageId: 'new-2' });
    await expectEventually(() => expect(ofMessage('new-2')).toHaveLength(2), { timeoutMs: spec.retryDelayMs + 5000 });
    // Absence of a duplicate: it would come one retry delay after the first copy.
    await new Promise((resolve) => setTimeout(resolve, spec.retryDelayMs + 1000));
    expect(ofMessage('new-2').map((d) => d.retries)).toEqual([0, 1]);
    expect(ofMessage('new-1').map((d) => d.retries)).toEqual([0, 1]);
    expect(ofMessage('legacy-retry')).toHaveLength(1);
    expect(ofMessage('legacy-delay')).toHaveLength(1);
    for (const queue of [spec.name, `${spec.name}.wait`, `${spec.name}.delay`, `${spec.name}.dead`])
      expect(await infra.queueDepth(queue)).toBe(0);
  });

  it('a retry waiting when its consumer process stops goes back to the wait queue, and another process pumps it, once', async () => {
    await broker(0).publish(Exchanges.commands, RoutingKeys.sendSms, { n: 3 }, { messageId: 'new-3' });
    await expectEventually(() => expect(ofMessage('new-3')).toHaveLength(1));
    // Stopped well within the 2 s delay: the pump held the message unacked, so it is back, ready.
    await stopConsumer(broker(0));
    expect(ofMessage('new-3')).toHaveLength(1);
    expect(await infra.queueDepth(`${spec.name}.wait`)).toBe(1);
    expect(await infra.queueConsumers(`${spec.name}.wait`)).toBe(0);

    await startConsumer('second');
    await expectEventually(() => expect(ofMessage('new-3')).toHaveLength(2), { timeoutMs: spec.retryDelayMs + 5000 });
    const [first, second] = ofMessage('new-3');
    expect([first?.by, first?.retries]).toEqual(['first', 0]);
    expect([second?.by, second?.retries]).toEqual(['second', 1]);
    // Not before its due time, even from a pump that never saw it before.
    expect(second!.at).toBeGreaterThanOrEqual(Number(second!.dueAt) - 5);
    await expectEventually(async () => expect(await infra.queueDepth(`${spec.name}.wait`)).toBe(0));
    expect(await infra.queueConsumers(`${spec.name}.wait`)).toBe(1);
  });
});
