import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CAPTCHA_RPC_QUEUE, Exchanges } from '#libs/contracts';
import { Broker, RpcClient, RpcTimeoutError, RpcUnavailableError, serveRpc } from '#libs/messaging';
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
    await server.connect();
    await client.connect();
    // Wait until both are set up (topology declared).
    for (let i = 0; i < 100 && !(server.isConnected && client.isConnected); i++) await new Promise((r) => setTimeout(r, 50));
    rpc = new RpcClient(client, logger);
    await rpc.start();
    await serveRpc<{ n: number; delayMs?: number; fail?: boolean }, { doubled: number } | { error: string }>(server, CAPTCHA_RPC_QUEUE, 4, async (req) => {
      seen.push(req.n);
      if (req.delayMs) await new Promise((r) => setTimeout(r, req.delayMs));
      if (req.fail) throw new Error('boom');
      return { doubled: req.n * 2 };
    }, () => ({ error: 'internal' }), logger);
  });

  afterAll(async () => {
    rpc?.stop();
    await client?.close();
    await server?.close();
    await infra.dispose();
  });

  it('answers each request to its own caller, concurrently', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, n) => rpc.call(Exchanges.commands, CAPTCHA_RPC_QUEUE, { n }, 3000)));
    expect(answers).toEqual(Array.from({ length: 20 }, (_, n) => ({ doubled: n * 2 })));
  });

  it('turns a handler error into the error answer (no redelivery)', async () => {
    const before = seen.length;
    expect(await rpc.call(Exchanges.commands, CAPTCHA_RPC_QUEUE, { n: 7, fail: true }, 3000)).toEqual({ error: 'internal' });
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.length - before).toBe(1);
  });

  it('times out with RpcTimeoutError and drops the late answer', async () => {
    const started = Date.now();
    await expect(rpc.call(Exchanges.commands, CAPTCHA_RPC_QUEUE, { n: 1, delayMs: 600 }, 200)).rejects.toBeInstanceOf(RpcTimeoutError);
    expect(Date.now() - started).toBeLessThan(500);
    await new Promise((r) => setTimeout(r, 600));
    expect(await rpc.call(Exchanges.commands, CAPTCHA_RPC_QUEUE, { n: 2 }, 3000)).toEqual({ doubled: 4 });
  });

  it('fails at once with RpcUnavailableError when no queue is bound for the routing key', async () => {
    const started = Date.now();
    await expect(rpc.call(Exchanges.commands, 'nobody.listens', { n: 1 }, 3000)).rejects.toBeInstanceOf(RpcUnavailableError);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
