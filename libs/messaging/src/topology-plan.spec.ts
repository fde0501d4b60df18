import { describe, expect, it } from '@jest/globals';
import { CAPTCHA_RPC_QUEUE, Queues } from '#libs/contracts';
import { isPastDeadline, RPC_DEADLINE_HEADER } from './rpc.js';
import { rpcQueuePlan, topologyPlan, workQueuePlan } from './topology-plan.js';
import { delayQueueOf, LEGACY_DELAY_QUEUES, RPC_QUEUES, WORK_QUEUES } from './topology.js';

const ns = (logical: string) => `t1.${logical}`;

describe('topology plan', () => {
  it('declares the exchanges first, then each work queue with its bindings, wait/delay queue and dead-letter queue', () => {
    const plan = topologyPlan(ns);
    const exchanges = plan.filter((d) => d.kind === 'exchange').map((d) => d.name);
    expect(exchanges).toEqual([
      't1.verigate.commands',
      't1.verigate.call-events',
      't1.verigate.sms-events',
      't1.verigate.dead-letter',
      't1.verigate.retry',
      't1.verigate.requeue',
    ]);
    expect(plan.slice(0, exchanges.length).every((d) => d.kind === 'exchange')).toBe(true);
    const queues = plan.filter((d) => d.kind === 'queue').map((d) => d.name);
    expect(queues).toEqual(WORK_QUEUES.flatMap((q) => [`t1.${q.name}`, `t1.${q.name}.dead`, `t1.${delayQueueOf(q)}`]));
    expect(WORK_QUEUES.map(delayQueueOf)).toEqual([
      `${Queues.voiceCalls}.wait`,
      `${Queues.smsSend}.wait`,
      `${Queues.notifierSmsEvents}.retry`,
      `${Queues.notifierCallEvents}.retry`,
    ]);
  });

  it('a quorum work queue has a delivery limit and dead-letters by its logical name; its retries wait in a quorum wait queue without TTL or dead-lettering', () => {
    const spec = WORK_QUEUES.find((q) => q.name === Queues.voiceCalls)!;
    const plan = workQueuePlan(ns, spec);
    expect(plan[0]).toEqual({
      kind: 'queue',
      name: `t1.${Queues.voiceCalls}`,
      arguments: {
        'x-queue-type': 'quorum',
        'x-delivery-limit': spec.deliveryLimit,
        'x-dead-letter-exchange': 't1.verigate.dead-letter',
        'x-dead-letter-routing-key': Queues.voiceCalls,
      },
    });
    expect(plan).toContainEqual({
      kind: 'bind',
      queue: `t1.${Queues.voiceCalls}`,
      exchange: 't1.verigate.requeue',
      routingKey: Queues.voiceCalls,
    });
    expect(plan).toContainEqual({
      kind: 'queue',
      name: `t1.${Queues.voiceCalls}.dead`,
      arguments: { 'x-queue-type': 'quorum' },
    });
    // The wait queue: the consumers' pumps send its messages back; the broker never expires them.
    expect(plan).toContainEqual({
      kind: 'queue',
      name: `t1.${Queues.voiceCalls}.wait`,
      arguments: { 'x-queue-type': 'quorum' },
    });
    expect(plan).toContainEqual({
      kind: 'bind',
      queue: `t1.${Queues.voiceCalls}.wait`,
      exchange: 't1.verigate.retry',
      routingKey: Queues.voiceCalls,
    });
    // Neither legacy delay queue is declared or bound by the work queue's own plan.
    expect(
      plan.filter((d) => /\.(retry|delay)$/.test(d.kind === 'bind' || d.kind === 'unbind' ? d.queue : d.name)),
    ).toEqual([]);
  });

  it('unbinds the legacy delay queues of quorum work queues (classic .retry, quorum .delay) from the retry exchange, after every wait queue is bound; only the classic ones are deleted once drained', () => {
    const plan = topologyPlan(ns);
    expect(LEGACY_DELAY_QUEUES).toEqual([
      { queue: `${Queues.voiceCalls}.retry`, routingKey: Queues.voiceCalls, deleteWhenDrained: true },
      { queue: `${Queues.voiceCalls}.delay`, routingKey: Queues.voiceCalls, deleteWhenDrained: false },
      { queue: `${Queues.smsSend}.retry`, routingKey: Queues.smsSend, deleteWhenDrained: true },
      { queue: `${Queues.smsSend}.delay`, routingKey: Queues.smsSend, deleteWhenDrained: false },
    ]);
    const unbinds = plan.filter((d) => d.kind === 'unbind');
    expect(unbinds).toEqual(
      LEGACY_DELAY_QUEUES.map((l) => ({
        kind: 'unbind',
        queue: `t1.${l.queue}`,
        exchange: 't1.verigate.retry',
        routingKey: l.routingKey,
      })),
    );
    const lastBind = plan.map((d) => d.kind).lastIndexOf('bind');
    expect(plan.findIndex((d) => d.kind === 'unbind')).toBeGreaterThan(lastBind);
  });

  it('a classic work queue is version 2 without a delivery limit', () => {
    const spec = WORK_QUEUES.find((q) => q.type === 'classic')!;
    expect(workQueuePlan(ns, spec)[0]).toMatchObject({
      arguments: { 'x-queue-type': 'classic', 'x-queue-version': 2 },
    });
    expect(workQueuePlan(ns, spec)[0]).not.toHaveProperty('arguments.x-delivery-limit');
  });

  it('a classic work queue keeps its classic delay queue <queue>.retry', () => {
    const spec = WORK_QUEUES.find((q) => q.type === 'classic')!;
    expect(workQueuePlan(ns, spec)).toContainEqual({
      kind: 'queue',
      name: `t1.${spec.name}.retry`,
      arguments: {
        'x-message-ttl': spec.retryDelayMs,
        'x-dead-letter-exchange': 't1.verigate.requeue',
        'x-dead-letter-routing-key': spec.name,
      },
    });
    expect(workQueuePlan(ns, spec)).toContainEqual({
      kind: 'bind',
      queue: `t1.${spec.name}.retry`,
      exchange: 't1.verigate.retry',
      routingKey: spec.name,
    });
  });

  it('an RPC queue is capped with reject-publish and has no dead-lettering', () => {
    const plan = rpcQueuePlan(
      ns,
      RPC_QUEUES.find((q) => q.name === CAPTCHA_RPC_QUEUE)!,
      7,
    );
    expect(plan[0]).toEqual({
      kind: 'queue',
      name: `t1.${CAPTCHA_RPC_QUEUE}`,
      arguments: { 'x-queue-type': 'classic', 'x-queue-version': 2, 'x-max-length': 7, 'x-overflow': 'reject-publish' },
    });
    expect(plan.slice(1)).toEqual([
      {
        kind: 'bind',
        queue: `t1.${CAPTCHA_RPC_QUEUE}`,
        exchange: 't1.verigate.commands',
        routingKey: CAPTCHA_RPC_QUEUE,
      },
    ]);
  });
});

describe('RPC deadline', () => {
  it('is past only when the header holds a positive time before now', () => {
    expect(isPastDeadline({ [RPC_DEADLINE_HEADER]: '1000' }, 1001)).toBe(true);
    expect(isPastDeadline({ [RPC_DEADLINE_HEADER]: '1000' }, 1000)).toBe(false);
    expect(isPastDeadline({}, 5)).toBe(false);
    expect(isPastDeadline({ [RPC_DEADLINE_HEADER]: 'soon' }, 5)).toBe(false);
  });
});
