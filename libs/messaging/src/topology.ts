import { CAPTCHA_RPC_QUEUE, Exchanges, LEGACY_CAPTCHA_RPC_QUEUE, Queues, RoutingKeys } from '#libs/contracts';

/**
 * The whole RabbitMQ topology in one place. Work queues are quorum queues (replicated, with a
 * delivery limit so a message that crashes its consumer again and again ends in the dead-letter
 * queue instead of looping); each has a delay queue for "try again later" that dead-letters back
 * into the work queue after `retryDelayMs` (see delayQueueOf).
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
 * The delay queue of a work queue. A quorum work queue's is a quorum queue, `<queue>.delay`, that
 * dead-letters at-least-once: a message whose delay expires while the work queue has no leader (a
 * cluster node lost) waits instead of being dropped, as classic dead-lettering (at-most-once) would.
 * A classic work queue keeps its classic `<queue>.retry` (one node; cheap per message).
 */
export function delayQueueOf(spec: WorkQueueSpec): string {
  return spec.type === 'quorum' ? `${spec.name}.delay` : `${spec.name}.retry`;
}

/**
 * The classic delay queues of earlier versions that quorum delay queues replaced (a queue's type
 * cannot change in place). On every connect they are unbound from the retry exchange (after the
 * new delay queue is bound: a retry is never unroutable, never copied to both), so nothing new
 * enters them; the messages they still hold go back to their work queue through their own
 * dead-lettering, and the queue is deleted once empty (Broker, deleteDrainedQueues).
 */
export const LEGACY_DELAY_QUEUES: { queue: string; routingKey: string }[] = WORK_QUEUES.filter(
  (q) => q.type === 'quorum',
).map((q) => ({
  queue: `${q.name}.retry`,
  routingKey: q.name,
}));

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
