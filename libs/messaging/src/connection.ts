import amqp, { type ChannelModel, type RecoveringChannelModel } from 'amqplib';
import type { JsonLogger } from '#libs/runtime';

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
 * (reconnect with backoff 0.2 s … 5 s, forever; `setup` re-run after each reconnect).
 */
export async function openConnection(url: string, logger: JsonLogger, events: ConnectionEvents): Promise<RecoveringChannelModel> {
  const model = await amqp.connect(url, {
    noDelay: true,
    heartbeat: 10,
    recovery: {
      initialDelay: 200,
      maxDelay: 5000,
      maxRetries: Infinity,
      initialMaxRetries: 10,
      setup: events.setup,
    },
  } as never);
  model.on('disconnect', (err: Error) => events.lost(err));
  model.on('connect', () => {
    logger.info('RabbitMQ connected');
  });
  model.on('error', (err: Error) => logger.warn('RabbitMQ connection error', { error: err.message }));
  model.on('handler-error', (err: Error) => logger.error('RabbitMQ listener failed', { error: err }));
  return model;
}
