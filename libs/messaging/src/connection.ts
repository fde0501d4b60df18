import amqp, { type ChannelModel, type RecoveringChannelModel } from 'amqplib';
import type { JsonLogger } from '#libs/runtime';
import { BrokerNodes } from './broker-nodes.js';

/** What the connection tells its owner (the Broker). */
export interface ConnectionEvents {
  /** Runs after every (re)connect, before the connection counts as up: channels, topology, consumers. */
  setup: (model: ChannelModel) => Promise<void>;
  /** The connection was lost (the owner forgets its channels); recovery reconnects. */
  lost: (error: Error | undefined) => void;
}

/**
 * The process's one AMQP connection — the only place that knows how to reach RabbitMQ: TCP
 * no-delay (otherwise each round trip costs ~45 ms here), 10 s heartbeats, and automatic recovery
 * (reconnect with backoff 0.2 s … 5 s, forever; `setup` re-run after each reconnect). `url` is one
 * URL or one per cluster node, comma-separated: see broker-nodes.ts (a reconnect goes to the next node).
 */
export async function openConnection(
  url: string,
  logger: JsonLogger,
  events: ConnectionEvents,
): Promise<RecoveringChannelModel> {
  const nodes = new BrokerNodes(url);
  const backoff = { initialDelay: 200, maxDelay: 5000 };
  const model = await amqp.connect(
    nodes.target() as string,
    {
      noDelay: true,
      heartbeat: 10,
      recovery: {
        ...backoff,
        maxRetries: Infinity,
        initialMaxRetries: 10 * nodes.count,
        ...nodes.recoveryOptions(backoff),
        setup: events.setup,
      },
    } as never,
  );
  model.on('disconnect', (err: Error) => events.lost(err));
  model.on('connect', () => {
    logger.info('RabbitMQ connected', nodes.count > 1 ? { node: nodes.current } : undefined);
  });
  model.on('error', (err: Error) => logger.warn('RabbitMQ connection error', { error: err.message }));
  model.on('handler-error', (err: Error) => logger.error('RabbitMQ listener failed', { error: err }));
  return model;
}
