import { afterAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import { Exchanges, Queues, RoutingKeys } from '#libs/contracts';
import { Broker, type Delivery } from '#libs/messaging';
import { TestInfrastructure } from '#libs/testing';

/**
 * RABBITMQ_URL with several nodes against the real RabbitMQ: the first node of the list does not
 * answer, so the broker goes on to the next and works there (publish with confirm, consume).
 * The cluster itself (a node lost mid-traffic) is test/faults/rabbitmq-cluster.faults.test.ts.
 */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Broker with one URL per node', () => {
  const infra = new TestInfrastructure();
  let broker: Broker | undefined;

  afterAll(async () => {
    await broker?.close();
    await infra.dispose();
  });

  it('skips a node that does not answer, connects to the next, publishes and consumes there', async () => {
    const config = infra.config();
    const deadNode = `amqp://guest:guest@127.0.0.1:${await closedPort()}`;
    broker = new Broker(`${deadNode},${config.rabbitmqUrl}`, config.amqpNamespace, infra.logger('broker'));
    await broker.connect();
    for (let i = 0; i < 100 && !broker.isConnected; i++) await new Promise((r) => setTimeout(r, 50));
    expect(broker.isConnected).toBe(true);

    const received: Delivery<{ n: number }>[] = [];
    await broker.consume<{ n: number }>(Queues.smsSend, 4, async (delivery) => {
      received.push(delivery);
      return { action: 'ack' };
    });
    await broker.publish(Exchanges.commands, RoutingKeys.sendSms, { n: 7 }, { messageId: 'm-7' });
    for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(received.map((d) => [d.messageId, d.payload.n])).toEqual([['m-7', 7]]);
  });
});
