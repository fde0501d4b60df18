import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { Broker, CONSUMER_SETTINGS } from '#libs/messaging';
import { startWorker } from '#libs/platform';
import { APP_LOGGER, type JsonLogger } from '#libs/runtime';
import { EnqueueDeliveryUseCase } from './enqueue-delivery.use-case.js';
import { EVENTS_PREFETCH, NOTIFIER_QUEUES, StatusEventsController } from './status-events.controller.js';

describe('StatusEventsConsumer', () => {
  it('hands the call and the SMS queues to the same use case, and stops and drains them at shutdown', async () => {
    const calls: string[] = [];
    const handlers = new Map<string, (delivery: { payload: unknown; messageId: string }) => unknown>();
    const broker = {
      consume: async (
        queue: string,
        prefetch: number,
        handler: (delivery: { payload: unknown; messageId: string }) => unknown,
      ) => {
        calls.push(`consume ${queue} ${prefetch}`);
        handlers.set(queue, handler);
      },
      stopConsuming: async () => void calls.push('stop'),
      drain: async (ms: number) => void calls.push(`drain ${ms}`),
    } as unknown as Broker;
    const executed: Array<[unknown, string]> = [];
    const enqueue = {
      execute: async (payload: unknown, messageId: string) => (executed.push([payload, messageId]), { action: 'ack' }),
    } as unknown as EnqueueDeliveryUseCase;
    // The controller in a Nest microservice whose BrokerServer consumes through the fake broker.
    @Module({
      controllers: [StatusEventsController],
      providers: [
        { provide: Broker, useValue: broker },
        { provide: EnqueueDeliveryUseCase, useValue: enqueue },
        { provide: APP_LOGGER, useValue: {} as JsonLogger },
        {
          provide: CONSUMER_SETTINGS,
          useValue: Object.fromEntries(NOTIFIER_QUEUES.map((queue) => [queue, { prefetch: EVENTS_PREFETCH }])),
        },
      ],
    })
    class TestModule {}
    const app = await startWorker({ module: TestModule }, false);
    const consumer = app.get(StatusEventsController);

    expect(calls).toEqual([
      `consume notifier.call-events ${EVENTS_PREFETCH}`,
      `consume notifier.sms-events ${EVENTS_PREFETCH}`,
    ]);
    await handlers.get('notifier.sms-events')!({ payload: { eventId: 'm:1' }, messageId: 'm:1' });
    await handlers.get('notifier.call-events')!({ payload: { eventId: 'e' }, messageId: 'e' });
    expect(executed).toEqual([
      [{ eventId: 'm:1' }, 'm:1'],
      [{ eventId: 'e' }, 'e'],
    ]);

    await consumer.beforeApplicationShutdown();
    expect(calls.slice(2)).toEqual(['stop', 'drain 5000']);
  });
});
