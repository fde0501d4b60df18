import { CAPTCHA_RPC_QUEUE, Exchanges, LEGACY_CAPTCHA_RPC_QUEUE, Queues, RoutingKeys } from '#libs/contracts';

/**
 * The whole RabbitMQ topology in one place. Work queues are quorum queues (replicated, with a
 * delivery limit so a message that crashes its consumer again and again ends in the dead-letter
 * queue instead of looping); each has a queue where "try again later" waits `retryDelayMs` before
 * going back into the work queue (see delayQueueOf).
 */
export interface WorkQueueSpec {
  name: string;
  /**
   * quorum: replicated, with a delivery limit against poison messages (commands).
   * classic: far cheaper per message on a single broker; used where messages are many and small.
   */
  type: 'quorum' | 'classic';
  bindings: { exchange: string; routingKey: string }[];
  retryDelayMs: number;
  deliveryLimit: number;
}

export const EXCHANGES: { name: string; type: 'direct' | 'topic' }[] = [
  { name: Exchanges.commands, type: 'direct' },
  { name: Exchanges.callEvents, type: 'topic' },
  { name: Exchanges.smsEvents, type: 'topic' },
];

/** Dead letters and delayed retries are routed by the original queue name. */
export const DEAD_LETTER_EXCHANGE = 'verigate.dead-letter';
export const RETRY_EXCHANGE = 'verigate.retry';
export const REQUEUE_EXCHANGE = 'verigate.requeue';

export const WORK_QUEUES: WorkQueueSpec[] = [
  {
    name: Queues.voiceCalls,
    type: 'quorum',
    bindings: [{ exchange: Exchanges.commands, routingKey: RoutingKeys.placeCall }],
    retryDelayMs: 5000,
    // Returns to the queue on connection loss count too: high enough for a flapping network,
    // low enough that a message that kills its consumer stops after a while.
    deliveryLimit: 50,
  },
  {
    name: Queues.smsSend,
    type: 'quorum',
    bindings: [{ exchange: Exchanges.commands, routingKey: RoutingKeys.sendSms }],
    // An SMS centre that is down or throttling: try again soon (the code's validity is short).
    retryDelayMs: 2000,
    deliveryLimit: 50,
  },
  {
    name: Queues.notifierSmsEvents,
    type: 'classic',
    bindings: [
      { exchange: Exchanges.smsEvents, routingKey: 'sms.#' },
      // The verification API's webhook events (libs/contracts verifications.ts), in the same envelope.
      { exchange: Exchanges.smsEvents, routingKey: 'verification.#' },
    ],
    retryDelayMs: 2000,
    deliveryLimit: 10,
  },
  {
    name: Queues.notifierCallEvents,
    type: 'classic',
    bindings: [{ exchange: Exchanges.callEvents, routingKey: 'call.#' }],
    retryDelayMs: 2000,
    deliveryLimit: 10,
  },
];

/**
 * Where a work queue's retries wait (the queue bound to the retry exchange by the queue's name).
 * A quorum work queue's is a quorum queue `<queue>.wait` with NO TTL and NO dead-lettering: the
 * wait-queue pump of every process consuming the work queue (wait-queue-pump.ts) holds each
 * message until its due time (header `x-verigate-due-at`), publishes it back to the work queue
 * with a confirm, and only then acks it. Broker TTL + at-least-once dead-lettering (the earlier
 * `<queue>.delay`) is not used: RabbitMQ 3.10.8's dead-letter worker strands expired messages
 * after the leader of the work queue and the delay queue is lost (fixed only in later patch
 * releases, rabbitmq-server #7677). A classic work queue keeps its classic `<queue>.retry`
 * (TTL + dead-lettering; one node, cheap per message).
 */
export function delayQueueOf(spec: WorkQueueSpec): string {
  return spec.type === 'quorum' ? `${spec.name}.wait` : `${spec.name}.retry`;
}

/**
 * Delay queues of earlier versions of the quorum work queues (a queue's type or arguments cannot
 * change in place, so each replacement has a new name): the classic `<queue>.retry`, then the
 * quorum `<queue>.delay` (TTL + at-least-once dead-lettering). On every connect they are unbound
 * from the retry exchange (after the wait queue is bound: a retry is never unroutable), so nothing
 * new enters them; what they still hold goes back to its work queue through their own
 * dead-lettering. An empty classic one is then deleted (Broker, deleteDrainedQueues); a quorum one
 * is left to the operator (`queue.delete` with if-empty is not implemented for quorum queues in
 * RabbitMQ 3.x, and messages its dead-letter worker holds are not counted as ready).
 */
export interface LegacyDelayQueue {
  queue: string;
  routingKey: string;
  deleteWhenDrained: boolean;
}

export const LEGACY_DELAY_QUEUES: LegacyDelayQueue[] = WORK_QUEUES.filter((q) => q.type === 'quorum').flatMap((q) => [
  { queue: `${q.name}.retry`, routingKey: q.name, deleteWhenDrained: true },
  { queue: `${q.name}.delay`, routingKey: q.name, deleteWhenDrained: false },
]);

/**
 * A request/response queue (rpc.ts): classic and durable, but unlike a work queue nothing is
 * ever dead-lettered or retried — an expired or refused request is simply dropped, so requests
 * (tokens, answers, credentials) never pile up in RabbitMQ. Its length is capped
 * (`x-max-length`, `x-overflow: reject-publish`): when full, the broker nacks the publish and
 * the caller fails at once instead of filling the disk (RabbitMQ's disk alarm would stop every
 * publisher, voice commands included). Each request carries its own expiry (the caller's timeout).
 */
export interface RpcQueueSpec {
  name: string;
  bindings: { exchange: string; routingKey: string }[];
}

/** Default `x-max-length` of RPC queues (VERIGATE_CAPTCHA_RPC_QUEUE_MAX). */
export const DEFAULT_RPC_QUEUE_MAX_LENGTH = 1000;

export const RPC_QUEUES: RpcQueueSpec[] = [
  // Captcha get/check/verify. Routed by its own (new) name so gateways of the previous version,
  // which publish with routing key `captcha.rpc`, never reach it.
  { name: CAPTCHA_RPC_QUEUE, bindings: [{ exchange: Exchanges.commands, routingKey: CAPTCHA_RPC_QUEUE }] },
];

/**
 * Queues of earlier versions that nothing uses any more (arguments of an existing queue cannot
 * change, so the captcha RPC queue got a new name). `Broker.deleteObsoleteQueues` removes them
 * when they are empty and unused; docs/architecture.md tells operators what to do otherwise.
 */
export const OBSOLETE_QUEUES: string[] = [
  LEGACY_CAPTCHA_RPC_QUEUE,
  `${LEGACY_CAPTCHA_RPC_QUEUE}.retry`,
  `${LEGACY_CAPTCHA_RPC_QUEUE}.dead`,
];
