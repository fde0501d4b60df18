import { describe, expect, it } from '@jest/globals';
import { Queues } from '#libs/contracts';
import { reportedQueues } from './platform-metrics.js';

describe('reported queues', () => {
  it("adds a work queue's delay queue (quorum .wait or classic .retry) and dead-letter queue; other queues as they are", () => {
    expect(reportedQueues([Queues.smsSend, Queues.notifierCallEvents, 'captcha.rpc.v2'])).toEqual([
      Queues.smsSend,
      `${Queues.smsSend}.wait`,
      `${Queues.smsSend}.dead`,
      Queues.notifierCallEvents,
      `${Queues.notifierCallEvents}.retry`,
      `${Queues.notifierCallEvents}.dead`,
      'captcha.rpc.v2',
    ]);
  });
});
