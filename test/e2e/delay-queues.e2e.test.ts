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
import { TestInfrastructure } from '#libs/testing';

const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The delay queue of a quorum work queue (sms.send here, retry delay 2 s) against the real
 * RabbitMQ: a quorum queue `<queue>.delay` dead-lettering at-least-once, and the classic
 * `<queue>.retry` of earlier versions unbound, drained back into the work queue and deleted.
 */
describe('delay queues of quorum work queues', () => {
  const infra = new TestInfrastructure();
  const logger = infra.logger('delay-queues');
  const spec = WORK_QUEUES.find((q) => q.name === Queues.smsSend)!;
  const physical = (logical: string) => `${infra.id}.${logical}`;
  let broker: Broker;
  const deliveries: Array<{ messageId: string; retries: number; at: number }> = [];

  beforeAll(async () => {
    // The topology of the previous version, holding one message in its classic delay queue (its
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
      await channel.assertQueue(physical(`${spec.name}.retry`), {
        durable: true,
        arguments: {
          'x-message-ttl': spec.retryDelayMs,
          'x-dead-letter-exchange': physical(REQUEUE_EXCHANGE),
          'x-dead-letter-routing-key': spec.name,
        },
      });
      await channel.bindQueue(physical(`${spec.name}.retry`), physical(RETRY_EXCHANGE), spec.name);
      channel.publish(physical(RETRY_EXCHANGE), spec.name, Buffer.from(JSON.stringify({ legacy: true })), {
        persistent: true,
        contentType: 'application/json',
        messageId: 'legacy-retry',
        headers: { [RETRY_HEADER]: 1 },
      });
      await channel.waitForConfirms();
    } finally {
      await connection.close();
    }
    expect(await infra.queueDepth(`${spec.name}.retry`)).toBe(1);

    const config = infra.config();
    broker = new Broker(config.rabbitmqUrl, config.amqpNamespace, logger);
    await broker.consume(spec.name, 4, async (delivery: Delivery<unknown>) => {
      deliveries.push({ messageId: delivery.messageId, retries: delivery.retries, at: Date.now() });
      // A new message is tried again once (transient trouble), then done.
      return delivery.messageId.startsWith('new-') && delivery.retries === 0
        ? { action: 'retry', reason: 'SMS centre busy' }
        : { action: 'ack' };
    });
    await broker.connect();
    for (let i = 0; i < 100 && !broker.isConnected; i++) await sleep(50);
  });

  afterAll(async () => {
    await broker?.close();
    await infra.dispose();
  });

  const ofMessage = (messageId: string) => deliveries.filter((d) => d.messageId === messageId);

  it('a retry waits its delay in the quorum delay queue <queue>.delay, then comes back once', async () => {
    const publishedAt = Date.now();
    await broker.publish(Exchanges.commands, RoutingKeys.sendSms, { n: 1 }, { messageId: 'new-1' });
    let seenWaiting = 0;
    for (let i = 0; i < 100 && ofMessage('new-1').length < 2; i++) {
      seenWaiting = Math.max(seenWaiting, await infra.queueDepth(`${spec.name}.delay`));
      await sleep(100);
    }
    const [first, second] = ofMessage('new-1');
    expect(first?.retries).toBe(0);
    expect(second?.retries).toBe(1);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(spec.retryDelayMs - 100);
    expect(second!.at - publishedAt).toBeLessThan(spec.retryDelayMs + 5000);
    expect(seenWaiting).toBe(1);

    // It is a quorum queue: declaring it as a classic one is refused.
    const connection = await amqp.connect(RABBITMQ_URL);
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      await expect(
        channel.assertQueue(physical(`${spec.name}.delay`), {
          durable: true,
          arguments: { 'x-queue-type': 'classic' },
        }),
      ).rejects.toThrow(/PRECONDITION_FAILED/);
    } finally {
      await connection.close().catch(() => undefined);
    }
  });

  it('the classic <queue>.retry of earlier versions is unbound, drains its message back into the work queue and is deleted once empty, with no duplicate', async () => {
    for (let i = 0; i < 150 && (await infra.queueExists(`${spec.name}.retry`)); i++) await sleep(100);
    expect(await infra.queueExists(`${spec.name}.retry`)).toBe(false);
    expect(ofMessage('legacy-retry').map((d) => d.retries)).toEqual([1]);

    // A retry after the swap goes through the new delay queue only (the old one, had it still
    // been bound, would have sent a second copy).
    await broker.publish(Exchanges.commands, RoutingKeys.sendSms, { n: 2 }, { messageId: 'new-2' });
    for (let i = 0; i < 100 && ofMessage('new-2').length < 2; i++) await sleep(100);
    await sleep(spec.retryDelayMs + 1000);
    expect(ofMessage('new-2').map((d) => d.retries)).toEqual([0, 1]);
    expect(ofMessage('new-1').map((d) => d.retries)).toEqual([0, 1]);
    expect(ofMessage('legacy-retry')).toHaveLength(1);
    for (const queue of [spec.name, `${spec.name}.delay`, `${spec.name}.dead`])
      expect(await infra.queueDepth(queue)).toBe(0);
  });
});
