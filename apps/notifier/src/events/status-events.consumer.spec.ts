import { describe, expect, it } from '@jest/globals';
import type { Broker } from '#libs/messaging';
import type { EnqueueDeliveryUseCase } from './enqueue-delivery.use-case.js';
import { EVENTS_PREFETCH, StatusEventsConsumer } from './status-events.consumer.js';

describe('StatusEventsConsumer', () => {
  it('hands the call and the SMS queues to the same use case, and stops and drains them at shutdown', async () => {
    const calls: string[] = [];
    const handlers = new Map<string, (delivery: { payload: unknown; messageId: string }) => unknown>();
    const broker = {
      consume: async (queue: string, prefetch: number, handler: (delivery: { payload: unknown; messageId: string }) => unknown) => {
        calls.push(`consume ${queue} ${prefetch}`);
        handlers.set(queue, handler);
      },
      stopConsuming: async () => void calls.push('stop'),
      drain: async (ms: number) => void calls.push(`drain ${ms}`),
    } as unknown as Broker;
    const executed: Array<[unknown, string]> = [];
    const enqueue = { execute: async (payload: unknown, messageId: string) => (executed.push([payload, messageId]), { action: 'ack' }) } as unknown as EnqueueDeliveryUseCase;
    const consumer = new StatusEventsConsumer(broker, enqueue);

    await consumer.onApplicationBootstrap();
    expect(calls).toEqual([`consume notifier.call-events ${EVENTS_PREFETCH}`, `consume notifier.sms-events ${EVENTS_PREFETCH}`]);
    await handlers.get('notifier.sms-events')!({ payload: { eventId: 'm:1' }, messageId: 'm:1' });
    await handlers.get('notifier.call-events')!({ payload: { eventId: 'e' }, messageId: 'e' });
    expect(executed).toEqual([[{ eventId: 'm:1' }, 'm:1'], [{ eventId: 'e' }, 'e']]);

    await consumer.beforeApplicationShutdown();
    expect(calls.slice(2)).toEqual(['stop', 'drain 5000']);
  });
});
