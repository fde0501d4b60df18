import {
  DEAD_LETTER_EXCHANGE,
  delayQueueOf,
  EXCHANGES,
  LEGACY_DELAY_QUEUES,
  REQUEUE_EXCHANGE,
  RETRY_EXCHANGE,
  WORK_QUEUES,
  type RpcQueueSpec,
  type WorkQueueSpec,
} from './topology.js';

/**
 * The topology as data: the declarations a connection makes, in order, with physical names
 * (`name` maps a logical name to its namespaced one). topology-declarer.ts only carries them out.
 */
export type Declaration =
  | { kind: 'exchange'; name: string; type: 'direct' | 'topic' }
  | { kind: 'queue'; name: string; arguments: Record<string, unknown> }
  | { kind: 'bind'; queue: string; exchange: string; routingKey: string }
  // Idempotent: RabbitMQ answers ok when the binding or the queue does not exist.
  | { kind: 'unbind'; queue: string; exchange: string; routingKey: string };

type Namer = (logical: string) => string;

/**
 * Exchanges (commands, events, dead-letter, retry, requeue), every work queue with its wait/delay
 * and dead-letter queues, then the legacy delay queues unbound from the retry exchange (last: their
 * replacements are bound by then).
 */
export function topologyPlan(name: Namer, workQueues: readonly WorkQueueSpec[] = WORK_QUEUES): Declaration[] {
  const exchanges: Declaration[] = EXCHANGES.map((e) => ({ kind: 'exchange', name: name(e.name), type: e.type }));
  for (const special of [DEAD_LETTER_EXCHANGE, RETRY_EXCHANGE, REQUEUE_EXCHANGE])
    exchanges.push({ kind: 'exchange', name: name(special), type: 'direct' });
  const unbindLegacy = LEGACY_DELAY_QUEUES.map((l): Declaration => ({
    kind: 'unbind',
    queue: name(l.queue),
    exchange: name(RETRY_EXCHANGE),
    routingKey: l.routingKey,
  }));
  return [...exchanges, ...workQueues.flatMap((spec) => workQueuePlan(name, spec)), ...unbindLegacy];
}

/**
 * A work queue (quorum with a delivery limit, or classic v2) dead-lettering into `<queue>.dead`,
 * and where its retries wait (delayQueueOf), all routed by the logical queue name: a quorum work
 * queue's is a quorum wait queue without TTL or dead-lettering (the wait-queue pump sends its
 * messages back through the requeue exchange when due); a classic one's is a classic queue with
 * TTL = retryDelayMs dead-lettering back through the requeue exchange.
 */
export function workQueuePlan(name: Namer, spec: WorkQueueSpec): Declaration[] {
  const queue = name(spec.name);
  const delayQueue = name(delayQueueOf(spec));
  return [
    {
      kind: 'queue',
      name: queue,
      arguments: {
        ...(spec.type === 'quorum'
          ? { 'x-queue-type': 'quorum', 'x-delivery-limit': spec.deliveryLimit }
          : { 'x-queue-type': 'classic', 'x-queue-version': 2 }),
        'x-dead-letter-exchange': name(DEAD_LETTER_EXCHANGE),
        'x-dead-letter-routing-key': spec.name,
      },
    },
    ...spec.bindings.map((b): Declaration => ({
      kind: 'bind',
      queue,
      exchange: name(b.exchange),
      routingKey: b.routingKey,
    })),
    // Requeue path (the wait-queue pump, a delay queue's dead-lettering): straight back into this queue.
    { kind: 'bind', queue, exchange: name(REQUEUE_EXCHANGE), routingKey: spec.name },
    { kind: 'queue', name: `${queue}.dead`, arguments: { 'x-queue-type': 'quorum' } },
    { kind: 'bind', queue: `${queue}.dead`, exchange: name(DEAD_LETTER_EXCHANGE), routingKey: spec.name },
    { kind: 'queue', name: delayQueue, arguments: delayQueueArguments(name, spec) },
    { kind: 'bind', queue: delayQueue, exchange: name(RETRY_EXCHANGE), routingKey: spec.name },
  ];
}

function delayQueueArguments(name: Namer, spec: WorkQueueSpec): Record<string, unknown> {
  // The wait queue: messages leave it only through the pump (publish confirmed, then ack).
  if (spec.type === 'quorum') return { 'x-queue-type': 'quorum' };
  return {
    'x-message-ttl': spec.retryDelayMs,
    'x-dead-letter-exchange': name(REQUEUE_EXCHANGE),
    'x-dead-letter-routing-key': spec.name,
  };
}

/** An RPC queue: classic, no dead-lettering or retry queue, capped with reject-publish (see RpcQueueSpec). */
export function rpcQueuePlan(name: Namer, spec: RpcQueueSpec, maxLength: number): Declaration[] {
  const queue = name(spec.name);
  return [
    {
      kind: 'queue',
      name: queue,
      arguments: {
        'x-queue-type': 'classic',
        'x-queue-version': 2,
        'x-max-length': maxLength,
        'x-overflow': 'reject-publish',
      },
    },
    ...spec.bindings.map((b): Declaration => ({
      kind: 'bind',
      queue,
      exchange: name(b.exchange),
      routingKey: b.routingKey,
    })),
  ];
}
