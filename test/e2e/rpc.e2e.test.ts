import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import amqp from 'amqplib';
import { CAPTCHA_RPC_QUEUE, Exchanges, LEGACY_CAPTCHA_RPC_QUEUE } from '#libs/contracts';
import {
  Broker,
  DEFAULT_RPC_QUEUE_MAX_LENGTH,
  RpcClient,
  RpcTimeoutError,
  RpcUnavailableError,
  serveRpc,
} from '#libs/messaging';
import { TestInfrastructure } from '#libs/testing';

/** libs/messaging's request/response against the real RabbitMQ (its own namespace). */
describe('RPC over RabbitMQ (direct reply-to)', () => {
  const infra = new TestInfrastructure();
  const logger = infra.logger('rpc');
  let server: Broker;
  let client: Broker;
  let rpc: RpcClient;
  const seen: number[] = [];

  beforeAll(async () => {
    const config = infra.config();
    server = new Broker(config.rabbitmqUrl, config.amqpNamespace, logger);
    client = new Broker(config.rabbitmqUrl, config.amqpNamespace, logger);
    // Both sides declare the RPC queue they use, with the same cap (as the captcha worker and the gateway do).
    for (const broker of [server, client])
      await broker.declareRpcQueue(CAPTCHA_RPC_QUEUE, DEFAULT_RPC_QUEUE_MAX_LENGTH);
    await server.connect();
    await client.connect();
    // Wait until both are set up (topology declared).
    for (let i = 0; i < 100 && !(server.isConnected && client.isConnected); i++)
      await new Promise((r) => setTimeout(r, 50));
    rpc = new RpcClient(client, logger);
    await rpc.start();
    await serveRpc<
      { n: number; delayMs?: number; busyMs?: number; fail?: boolean },
      { doubled: number } | { error: string }
    >(
      server,
      CAPTCHA_RPC_QUEUE,
      4,
      async (req) => {
        seen.push(req.n);
        // CPU-bound work (like drawing a captcha): the process handles nothing else meanwhile.
        if (req.busyMs)
          for (const until = Date.now() + req.busyMs; Date.now() < until;) {
            /* busy */
          }
        if (req.delayMs) await new Promise((r) => setTimeout(r, req.delayMs));
        if (req.fail) throw new Error('boom');
        return { doubled: req.n * 2 };
      },
      () => ({ error: 'internal' }),
      logger,
    );
  });

  afterAll(async () => {
    rpc?.stop();
    await client?.close();
    await server?.close();
    await infra.dispose();
  });

  it('answers each request to its own caller, concurrently', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, n) => rpc.call(Exchanges.commands, CAPTCHA_RPC_QUEUE, { n }, 3000)),
    );
    expect(answers).toEqual(Array.from({ length: 20 }, (_, n) => ({ doubled: n * 2 })));
  });

  it("callRaw resolves with the answer's JSON bytes as the worker wrote them (for a caller that forwards them unparsed)", async () => {
    const raw = await rpc.callRaw(Exchanges.commands, CAPTCHA_RPC_QUEUE, { n: 21 }, 3000);
    expect(Buffer.isBuffer(raw)).toBe(true);
    expect(raw.toString('utf8')).toBe('{"doubled":42}');
  });

  it('turns a handler error into the error answer (no redelivery)', async () => {
    const before = seen.length;
    expect(await rpc.call(Exchanges.commands, CAPTCHA_RPC_QUEUE, { n: 7, fail: true }, 3000)).toEqual({
      error: 'internal',
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.length - before).toBe(1);
  });

  it('times out with RpcTimeoutError and drops the late answer', async () => {
    const started = Date.now();
    await expect(rpc.call(Exchanges.commands, CAPTCHA_RPC_QUEUE, { n: 1, delayMs: 600 }, 200)).rejects.toBeInstanceOf(
      RpcTimeoutError,
    );
    expect(Date.now() - started).toBeLessThan(500);
    await new Promise((r) => setTimeout(r, 600));
    expect(await rpc.call(Exchanges.commands, CAPTCHA_RPC_QUEUE, { n: 2 }, 3000)).toEqual({ doubled: 4 });
  });

  it('skips a request that reaches the worker after its deadline: no handler call, no answer', async () => {
    // The first request keeps the worker busy for 700 ms; the second is already delivered (prefetch
    // 4) but its caller gives up after 200 ms: when the worker gets to it, it must not run it.
    const busy = rpc.call(Exchanges.commands, CAPTCHA_RPC_QUEUE, { n: 300, busyMs: 700 }, 3000);
    const late = rpc.call(Exchanges.commands, CAPTCHA_RPC_QUEUE, { n: 301 }, 200);
    await expect(late).rejects.toBeInstanceOf(RpcTimeoutError);
    expect(await busy).toEqual({ doubled: 600 });
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toContain(300);
    expect(seen).not.toContain(301);
    expect(await rpc.call(Exchanges.commands, CAPTCHA_RPC_QUEUE, { n: 302 }, 3000)).toEqual({ doubled: 604 });
  });

  it('fails at once with RpcUnavailableError when no queue is bound for the routing key', async () => {
    const started = Date.now();
    await expect(rpc.call(Exchanges.commands, 'nobody.listens', { n: 1 }, 3000)).rejects.toBeInstanceOf(
      RpcUnavailableError,
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

/** The RPC queue itself, with no worker: expired requests vanish, a full queue refuses at once. */
describe('RPC queue (no dead-lettering, length cap with reject-publish)', () => {
  const infra = new TestInfrastructure();
  const logger = infra.logger('rpc-queue');
  let client: Broker;
  let rpc: RpcClient;

  beforeAll(async () => {
    const config = infra.config();
    client = new Broker(config.rabbitmqUrl, config.amqpNamespace, logger);
    await client.declareRpcQueue(CAPTCHA_RPC_QUEUE, 3);
    await client.connect();
    for (let i = 0; i < 100 && !client.isConnected; i++) await new Promise((r) => setTimeout(r, 50));
    rpc = new RpcClient(client, logger);
    await rpc.start();
  });

  afterAll(async () => {
    rpc?.stop();
    await client?.close();
    await infra.dispose();
  });

  it('drops an expired request: nothing is dead-lettered or kept in RabbitMQ', async () => {
    await expect(rpc.call(Exchanges.commands, CAPTCHA_RPC_QUEUE, { secret: 'answer' }, 200)).rejects.toBeInstanceOf(
      RpcTimeoutError,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(await infra.queueDepth(CAPTCHA_RPC_QUEUE)).toBe(0);
    for (const suffix of ['.dead', '.retry'])
      expect(await infra.queueExists(`${CAPTCHA_RPC_QUEUE}${suffix}`)).toBe(false);
  });

  it('refuses a request at once with RpcUnavailableError when the queue is full (x-max-length 3)', async () => {
    const waiting = Array.from({ length: 3 }, (_, n) =>
      rpc.call(Exchanges.commands, CAPTCHA_RPC_QUEUE, { n }, 1500).catch((e: Error) => e),
    );
    const started = Date.now();
    await expect(rpc.call(Exchanges.commands, CAPTCHA_RPC_QUEUE, { n: 3 }, 1500)).rejects.toBeInstanceOf(
      RpcUnavailableError,
    );
    expect(Date.now() - started).toBeLessThan(500);
    for (const outcome of await Promise.all(waiting)) expect(outcome).toBeInstanceOf(RpcTimeoutError);
  });

  it('a process configured with another cap uses the existing queue instead of failing its set-up', async () => {
    const config = infra.config();
    const other = new Broker(config.rabbitmqUrl, config.amqpNamespace, logger);
    await other.declareRpcQueue(CAPTCHA_RPC_QUEUE, 5);
    try {
      await other.connect();
      for (let i = 0; i < 100 && !other.isConnected; i++) await new Promise((r) => setTimeout(r, 50));
      expect(other.isConnected).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('deletes the obsolete captcha.rpc queues when empty, and leaves one that still holds messages', async () => {
    const raw = await amqp.connect(infra.config().rabbitmqUrl);
    try {
      const channel = await raw.createChannel();
      for (const suffix of ['', '.retry', '.dead'])
        await channel.assertQueue(`${infra.id}.${LEGACY_CAPTCHA_RPC_QUEUE}${suffix}`, { durable: true });
      channel.sendToQueue(`${infra.id}.${LEGACY_CAPTCHA_RPC_QUEUE}.dead`, Buffer.from('{}'));
      await channel.close();
    } finally {
      await raw.close();
    }
    expect(await client.deleteObsoleteQueues()).toEqual([`${infra.id}.${LEGACY_CAPTCHA_RPC_QUEUE}.dead`]);
    expect(await infra.queueExists(LEGACY_CAPTCHA_RPC_QUEUE)).toBe(false);
    expect(await infra.queueExists(`${LEGACY_CAPTCHA_RPC_QUEUE}.retry`)).toBe(false);
    expect(await infra.queueExists(`${LEGACY_CAPTCHA_RPC_QUEUE}.dead`)).toBe(true);
  });
});
