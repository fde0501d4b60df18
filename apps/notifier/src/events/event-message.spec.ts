import { parseEventMessage } from './event-message.js';

const statusEvent = {
  eventId: '0b4c6b2e-7a53-4f0e-9b43-0d5f3f1c8a11',
  sessionId: 'sess-1',
  appKey: 'app-1',
  seq: 2,
  eventType: 'alerting',
  statusUrl: 'https://hooks.example.com/status',
  body: {
    eventType: 'alerting',
    statusInfo: { sessionId: 'sess-1', timestamp: '2025-01-01 00:00:00', caller: '1', called: '2' },
  },
};

const feeEvent = {
  cdrId: '6a1a3d0c-1f1e-4a8e-8b7e-2a0f5d9c3b22',
  sessionId: 'sess-1',
  appKey: 'app-1',
  feeUrl: 'https://hooks.example.com/fee',
  body: { eventType: 'fee', feeLst: [] },
};

describe('parseEventMessage', () => {
  it('reads a status event', () => {
    expect(parseEventMessage(statusEvent)).toEqual({
      outcome: 'deliver',
      delivery: {
        sourceId: statusEvent.eventId,
        stream: 'status',
        sessionId: 'sess-1',
        appKey: 'app-1',
        seq: 2,
        url: 'https://hooks.example.com/status',
        body: statusEvent.body,
      },
    });
  });

  it('reads a CDR as the fee stream with seq 1', () => {
    expect(parseEventMessage(feeEvent)).toEqual({
      outcome: 'deliver',
      delivery: {
        sourceId: feeEvent.cdrId,
        stream: 'fee',
        sessionId: 'sess-1',
        appKey: 'app-1',
        seq: 1,
        url: 'https://hooks.example.com/fee',
        body: feeEvent.body,
      },
    });
  });

  it('reads an SMS status event as the status stream of its message', () => {
    const sms = {
      eventId: '5d0f3e0a-93c4-4c5e-8f7e-1b2a3c4d5e6f:2',
      sessionId: '5d0f3e0a-93c4-4c5e-8f7e-1b2a3c4d5e6f',
      appKey: 'app-1',
      seq: 2,
      statusUrl: 'https://hooks.example.com/sms',
      body: {
        eventType: 'smsStatus',
        statusInfo: { messageId: '5d0f3e0a-93c4-4c5e-8f7e-1b2a3c4d5e6f', status: 'delivered' },
      },
    };
    expect(parseEventMessage(sms)).toEqual({
      outcome: 'deliver',
      delivery: {
        sourceId: sms.eventId,
        stream: 'status',
        sessionId: sms.sessionId,
        appKey: 'app-1',
        seq: 2,
        url: 'https://hooks.example.com/sms',
        body: sms.body,
      },
    });
  });

  it('has nothing to deliver without a URL', () => {
    expect(parseEventMessage({ ...statusEvent, statusUrl: null })).toEqual({
      outcome: 'no-url',
      stream: 'status',
      sessionId: 'sess-1',
    });
    expect(parseEventMessage({ ...feeEvent, feeUrl: null })).toEqual({
      outcome: 'no-url',
      stream: 'fee',
      sessionId: 'sess-1',
    });
  });

  it.each([
    ['not an object', 'hello'],
    ['null', null],
    ['an array', []],
    ['neither id', { sessionId: 's', appKey: 'a', body: {} }],
    ['an empty eventId', { ...statusEvent, eventId: '' }],
    ['a numeric cdrId', { ...feeEvent, cdrId: 7 }],
    ['no sessionId', { ...statusEvent, sessionId: undefined }],
    ['no appKey', { ...feeEvent, appKey: undefined }],
    ['no body', { ...statusEvent, body: undefined }],
    ['a string body', { ...statusEvent, body: '{}' }],
    ['seq 0', { ...statusEvent, seq: 0 }],
    ['a fractional seq', { ...statusEvent, seq: 1.5 }],
    ['a string seq', { ...statusEvent, seq: '1' }],
    ['a numeric url', { ...statusEvent, statusUrl: 5 }],
  ])('rejects %s as malformed', (_label, payload) => {
    expect(parseEventMessage(payload).outcome).toBe('malformed');
  });
});
