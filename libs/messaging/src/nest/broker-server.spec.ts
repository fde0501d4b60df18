import { describe, expect, it } from '@jest/globals';
import type { JsonLogger } from '#libs/runtime';
import type { Broker } from '../broker.js';
import type { Delivery, Handler } from '../consumers.js';
import { RPC_DEADLINE_HEADER } from '../rpc.js';
import { BrokerContext, BrokerServer, type ConsumerSettings } from './broker-server.js';

const logger = { debug: () => undefined, warn: () => undefined } as unknown as JsonLogger;

/** A fake Broker recording what the server asks of it. */
function fakeBroker() {
  const calls: string[] = [];
  const handlers = new Map<string, Handler<unknown>>();
  const replies: Array<[string, string | undefined, unknown]> = [];
  const broker = {
    consume: async (queue: string, prefetch: number, handler: Handler<unknown>, maxRetries = Infinity) => {
      calls.push(`consume ${queue} ${prefetch} ${maxRetries}`);
      handlers.set(queue, handler);
    },
    declareRpcQueue: async (queue: string, maxLength: number) => void calls.push(`declare ${queue} ${maxLength}`),
    reply: async (replyTo: string, correlationId: string | undefined, payload: unknown) =>
      void replies.push([replyTo, correlationId, payload]),
    stopConsuming: async () => void calls.push('stop'),
  } as unknown as Broker;
  return { broker, calls, handlers, replies };
}

function delivery(payload: unknown, extra: Partial<Delivery<unknown>> = {}): Delivery<unknown> {
  return { messageId: 'm-1', payload, redelivered: false, retries: 0, headers: {}, ...extra };
}

async function listening(server: BrokerServer): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    void server.listen((error?: unknown) => (error ? reject(error as Error) : resolve()));
  });
}

describe('BrokerServer', () => {
  it("binds an event pattern to its queue with the configured prefetch, and returns the handler's disposition", async () => {
    const { broker, calls, handlers } = fakeBroker();
    const settings: ConsumerSettings = { 'work.q': { prefetch: 7 } };
    const server = new BrokerServer(() => ({ broker, settings, logger }));
    const seen: Array<[unknown, string]> = [];
    server.addHandler(
      'work.q',
      async (data: unknown, ctx: BrokerContext) => (
        seen.push([data, ctx.getMessageId()]),
        { action: 'retry', reason: 'busy' }
      ),
      true,
    );
    await listening(server);
    expect(calls).toEqual(['consume work.q 7 Infinity']);
    expect(await handlers.get('work.q')!(delivery({ a: 1 }))).toEqual({ action: 'retry', reason: 'busy' });
    expect(seen).toEqual([[{ a: 1 }, 'm-1']]);
  });

  it('rejects an event handler result that is not a disposition (the Broker then retries)', async () => {
    const { broker, handlers } = fakeBroker();
    const server = new BrokerServer(() => ({ broker, settings: { q: { prefetch: 1 } }, logger }));
    server.addHandler('q', async () => 'done', true);
    await listening(server);
    await expect(handlers.get('q')!(delivery({}))).rejects.toThrow('did not return a disposition');
  });

  it('serves a message pattern as RPC: declares the capped queue, replies with the return value, never retries', async () => {
    const { broker, calls, handlers, replies } = fakeBroker();
    const server = new BrokerServer(() => ({
      broker,
      settings: { 'rpc.q': { prefetch: 4, rpcQueueMaxLength: 9 } },
      logger,
    }));
    let ran = 0;
    server.addHandler('rpc.q', async (data: { n: number }) => (ran++, { doubled: data.n * 2 }), false);
    await listening(server);
    expect(calls).toEqual(['declare rpc.q 9', 'consume rpc.q 4 0']);
    expect(
      await handlers.get('rpc.q')!(delivery({ n: 2 }, { replyTo: 'amq.rabbitmq.reply-to.x', correlationId: 'c-1' })),
    ).toEqual({ action: 'ack' });
    expect(replies).toEqual([['amq.rabbitmq.reply-to.x', 'c-1', { doubled: 4 }]]);
    // Past its deadline: acked without running the handler or answering.
    expect(
      await handlers.get('rpc.q')!(
        delivery({ n: 3 }, { replyTo: 'r', headers: { [RPC_DEADLINE_HEADER]: String(Date.now() - 1000) } }),
      ),
    ).toEqual({ action: 'ack' });
    expect(ran).toBe(1);
    expect(replies).toHaveLength(1);
  });

  it('refuses to start a pattern without settings, and cancels the consumers on close', async () => {
    const { broker, calls } = fakeBroker();
    const server = new BrokerServer(() => ({ broker, settings: {}, logger }));
    server.addHandler('unknown.q', async () => ({ action: 'ack' }), true);
    await expect(listening(server)).rejects.toThrow('no consumer settings (prefetch) for queue unknown.q');
    await server.close();
    expect(calls).toEqual(['stop']);
  });
});
