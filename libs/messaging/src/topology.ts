import { CAPTCHA_RPC_QUEUE, Exchanges, Queues, RoutingKeys } from '#libs/contracts';

/**
 * The whole RabbitMQ topology in one place. Work queues are quorum queues (replicated, with a
 * delivery limit so a message that crashes its consumer again and again ends in the dead-letter
 * queue instead of looping); each has a delay queue for "try again later" that dead-letters back
 * into the work queue after `retryDelayMs`.
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
    name: Queues.notifierCallEvents,
    type: 'classic',
    bindings: [{ exchange: Exchanges.callEvents, routingKey: 'call.#' }],
    retryDelayMs: 2000,
    deliveryLimit: 10,
  },
  {
    // Captcha RPC requests (get/check/verify): classic and durable; requests are not persistent
    // and carry an expiration (the gateway's timeout), so a backlog never outlives its callers.
    name: CAPTCHA_RPC_QUEUE,
    type: 'classic',
    bindings: [{ exchange: Exchanges.commands, routingKey: CAPTCHA_RPC_QUEUE }],
    retryDelayMs: 1000,
    deliveryLimit: 5,
  },
];
