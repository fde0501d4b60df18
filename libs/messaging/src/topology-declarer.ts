import type { Channel, ChannelModel } from 'amqplib';
import type { JsonLogger } from '#libs/runtime';
import type { Declaration } from './topology-plan.js';
import { OBSOLETE_QUEUES } from './topology.js';

/** Carries out declarations (topology-plan.ts) in order on one channel; the first refusal rejects. */
export async function declareAll(channel: Channel, plan: readonly Declaration[]): Promise<void> {
  for (const d of plan) {
    if (d.kind === 'exchange') await channel.assertExchange(d.name, d.type, { durable: true });
    else if (d.kind === 'queue') await channel.assertQueue(d.name, { durable: true, arguments: d.arguments });
    else if (d.kind === 'bind') await channel.bindQueue(d.queue, d.exchange, d.routingKey);
    else await channel.unbindQueue(d.queue, d.exchange, d.routingKey);
  }
}

/**
 * An RPC queue's declarations on a channel of their own: if the queue already exists with other
 * arguments (another process configured with a different VERIGATE_CAPTCHA_RPC_QUEUE_MAX), the
 * broker refuses the declaration; the existing queue is then used as it is, with an error logged,
 * rather than failing the whole connection set-up again and again.
 */
export async function declareRpcQueue(
  model: ChannelModel,
  plan: readonly Declaration[],
  maxLength: number,
  logger: JsonLogger,
): Promise<void> {
  const channel = await model.createChannel();
  channel.on('error', () => undefined);
  try {
    await declareAll(channel, plan);
    await channel.close();
  } catch (error) {
    const queue = plan[0]?.kind === 'queue' ? plan[0].name : '';
    logger.error('RPC queue exists with other arguments; using it as it is', {
      queue,
      maxLength,
      error: (error as Error).message,
    });
  }
}

/**
 * Deletes the queues of earlier versions (OBSOLETE_QUEUES) that still exist, only if empty and
 * without consumers; returns those it had to leave (an operator decides about their messages).
 */
export async function deleteObsoleteQueues(
  model: ChannelModel,
  name: (logical: string) => string,
  logger: JsonLogger,
): Promise<string[]> {
  const left: string[] = [];
  for (const logical of OBSOLETE_QUEUES) {
    const queue = name(logical);
    const outcome = await deleteIfEmptyAndUnused(model, queue);
    if (outcome === 'deleted') logger.info('obsolete queue deleted', { queue });
    else if (typeof outcome === 'object') {
      left.push(queue);
      logger.warn('obsolete queue not deleted: it still holds messages or has consumers; delete it by hand', {
        queue,
        error: outcome.error,
      });
    }
  }
  return left;
}

/**
 * Deletes each of `queues` that exists and is empty and unused (legacy delay queues that drain by
 * themselves); returns those that still hold messages or have consumers, to be tried again later.
 */
export async function deleteDrainedQueues(
  model: ChannelModel,
  queues: readonly string[],
  logger: JsonLogger,
): Promise<string[]> {
  const left: string[] = [];
  for (const queue of queues) {
    const outcome = await deleteIfEmptyAndUnused(model, queue);
    if (outcome === 'deleted') logger.info('drained legacy delay queue deleted', { queue });
    else if (typeof outcome === 'object') left.push(queue);
  }
  return left;
}

/** One queue, on a channel of its own (a failed check or delete closes the channel). */
async function deleteIfEmptyAndUnused(
  model: ChannelModel,
  queue: string,
): Promise<'deleted' | 'missing' | { error: string }> {
  const channel = await model.createChannel();
  channel.on('error', () => undefined);
  try {
    await channel.checkQueue(queue);
  } catch {
    return 'missing'; // does not exist (any more)
  }
  try {
    await channel.deleteQueue(queue, { ifEmpty: true, ifUnused: true });
    await channel.close();
    return 'deleted';
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Ready messages and consumers of one queue, or why it could not be checked. */
export type QueueStats = { queue: string; ready: number; consumers: number } | { queue: string; error: string };

/**
 * Ready messages and consumers of each queue (for /metrics), on a channel opened for the purpose
 * and closed after (a check of a missing queue closes its channel: one more is opened for the
 * rest). Queues that cannot be checked come back with their error.
 */
export async function checkQueues(
  model: ChannelModel,
  logicalQueues: readonly string[],
  name: (logical: string) => string,
): Promise<QueueStats[]> {
  const stats: QueueStats[] = [];
  let channel: Channel | undefined;
  try {
    for (const queue of logicalQueues) {
      if (!channel) {
        channel = await model.createChannel();
        // A missing queue closes the channel with an error; it is reported per queue below.
        channel.on('error', () => undefined);
      }
      try {
        const ok = await channel.checkQueue(name(queue));
        stats.push({ queue, ready: ok.messageCount, consumers: ok.consumerCount });
      } catch (error) {
        stats.push({ queue, error: (error as Error).message });
        channel = undefined; // closed by the broker
      }
    }
  } finally {
    await channel?.close().catch(() => undefined);
  }
  return stats;
}
