import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { SecretBox } from '#libs/auth';
import { Exchanges, Queues, RoutingKeys } from '#libs/contracts';
import { Broker } from '#libs/messaging';
import { expectEventually } from '#libs/testing';
import { OrphanSweeperService } from '../../apps/voice/src/recovery/orphan-sweeper.service.js';
import { Platform, type TestApp } from './support/platform.js';

/** Real PostgreSQL, real RabbitMQ, real HTTP receiver; the sim carrier with zero ring/prompt time. */
describe('voice verification call, end to end', () => {
  const platform = new Platform();
  let app: TestApp;

  beforeAll(async () => {
    // The periodic orphan sweep is off: the test below sweeps by hand, without racing a timer.
    await platform.start({ VERIGATE_WEBHOOK_RETRY_SCHEDULE: '200ms,400ms,800ms', VERIGATE_ORPHAN_SWEEP_S: '0' });
    app = await platform.createApp();
  });

  afterAll(async () => {
    await platform.stop();
  });

  const statusBodies = (path: string, sessionId: string) =>
    platform.receiver
      .on(path)
      .map((r) => r.body)
      .filter((b) => b.statusInfo?.sessionId === sessionId);

  it('places the call: status events in order on statusUrl, the CDR on feeUrl, all of it in PostgreSQL', async () => {
    const response = await platform.callVerify(
      app,
      platform.callBody(app, '+8613800000021', {
        statusUrl: platform.receiver.base64Url('/status'),
        feeUrl: platform.receiver.base64Url('/fee'),
        returnIdlePort: 'true',
        userData: 'order-42',
        times: 2,
      }),
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ resultcode: '0', resultdesc: 'Success' });
    expect(typeof response.body.sessionId).toBe('string');
    expect(Number.isInteger(response.body.idlePort)).toBe(true);
    expect(response.body.idlePort).toBeGreaterThanOrEqual(0);
    const sessionId: string = response.body.sessionId;

    const events = await expectEventually(() => {
      const bodies = statusBodies('/status', sessionId);
      expect(bodies).toHaveLength(4);
      return bodies;
    });
    expect(events.map((e) => e.eventType)).toEqual(['callout', 'alerting', 'answer', 'disconnect']);
    for (const event of events) {
      expect(event.statusInfo).toMatchObject({
        sessionId,
        caller: app.displayNbr,
        called: '+8613800000021',
        userData: 'order-42',
      });
      expect(event.statusInfo.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    }
    expect(events[3].statusInfo).toMatchObject({ stateCode: 0 });
    // The seed's key order, as its sample receivers print it.
    expect(Object.keys(events[0])).toEqual(['eventType', 'statusInfo']);
    expect(Object.keys(events[3].statusInfo)).toEqual([
      'sessionId',
      'timestamp',
      'caller',
      'called',
      'userData',
      'stateCode',
      'stateDesc',
    ]);
    const statusRequest = platform.receiver.on('/status')[0]!;
    expect(statusRequest.headers['content-type']).toBe('application/json;charset=UTF-8');

    const fee = await expectEventually(() => {
      const fees = platform.receiver.on('/fee').filter((r) => r.body.feeLst?.[0]?.sessionId === sessionId);
      expect(fees).toHaveLength(1);
      return fees[0]!.body;
    });
    expect(fee.eventType).toBe('fee');
    expect(fee.feeLst[0]).toMatchObject({
      direction: 0,
      appKey: app.appKey,
      sessionId,
      callerNum: app.displayNbr,
      calleeNum: '+8613800000021',
      bindNum: app.displayNbr,
      sipStatusCode: 200,
      callOutUnaswRsn: 0,
      ulFailReason: 0,
      serviceType: '001',
      userData: 'order-42',
    });
    expect(fee.feeLst[0].callOutAnswerTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(JSON.stringify(fee)).not.toContain('12345678');

    const [session] = await platform.infra.query<{
      state: string;
      state_code: number;
      verify_code_sealed: string | null;
    }>('SELECT state, state_code, verify_code_sealed FROM call_sessions WHERE id = $1', [sessionId]);
    expect(session).toEqual({ state: 'ended', state_code: 0, verify_code_sealed: null });
    const stored = await platform.infra.query<{ event_type: string }>(
      'SELECT event_type FROM call_events WHERE session_id = $1 ORDER BY seq',
      [sessionId],
    );
    expect(stored.map((e) => e.event_type)).toEqual(['callout', 'alerting', 'answer', 'disconnect']);
    const cdrs = await platform.infra.query('SELECT fee_info FROM cdrs WHERE session_id = $1', [sessionId]);
    expect(cdrs).toHaveLength(1);
  });

  it.each([
    ['486', ['callout', 'disconnect'], 8102, 486],
    ['480', ['callout', 'disconnect'], 8101, 480],
    ['404', ['callout', 'disconnect'], 8100, 404],
    ['408', ['callout', 'alerting', 'disconnect'], 8101, 408],
    ['603', ['callout', 'alerting', 'disconnect'], 8004, 603],
  ])(
    'sim callee ending in %s: events %j, stateCode %i, CDR sipStatusCode %i',
    async (suffix, expectedEvents, stateCode, sipStatus) => {
      const path = `/status-${suffix}`;
      const response = await platform.callVerify(
        app,
        platform.callBody(app, `+8613900000${suffix}`, {
          statusUrl: platform.receiver.base64Url(path),
          feeUrl: platform.receiver.base64Url(`/fee-${suffix}`),
        }),
      );
      expect(response.body.resultcode).toBe('0');
      const sessionId: string = response.body.sessionId;
      const events = await expectEventually(() => {
        const bodies = statusBodies(path, sessionId);
        expect(bodies).toHaveLength(expectedEvents.length);
        return bodies;
      });
      expect(events.map((e) => e.eventType)).toEqual(expectedEvents);
      expect(events.at(-1).statusInfo.stateCode).toBe(stateCode);
      expect(typeof events.at(-1).statusInfo.stateDesc).toBe('string');
      const fee = await expectEventually(() => {
        const [first] = platform.receiver.on(`/fee-${suffix}`);
        expect(first).toBeDefined();
        return first!.body.feeLst[0];
      });
      expect(fee.sipStatusCode).toBe(sipStatus);
      expect(fee.callOutAnswerTime).toBe('');
      expect(fee.callOutUnaswRsn).toBeGreaterThan(0);
    },
  );

  it('a command delivered several times at once places the call only once', async () => {
    const broker = platform.gateway.get(Broker);
    const sessionId = await insertUnpublishedSession('accepted', null, '/dup');
    // Four copies at the same moment, as a redelivery racing the original would arrive.
    await Promise.all(
      [1, 2, 3, 4].map(() =>
        broker.publish(Exchanges.commands, RoutingKeys.placeCall, { sessionId }, { messageId: sessionId }),
      ),
    );
    await expectEventually(async () => {
      const [row] = await platform.infra.query<{ state: string }>('SELECT state FROM call_sessions WHERE id = $1', [
        sessionId,
      ]);
      expect(row!.state).toBe('ended');
    });
    // Every copy consumed (skipped, not executed) before counting.
    await expectEventually(async () => expect(await platform.infra.queueDepth(Queues.voiceCalls)).toBe(0));
    await new Promise((r) => setTimeout(r, 300));
    const events = await platform.infra.query<{ event_type: string }>(
      'SELECT event_type FROM call_events WHERE session_id = $1 ORDER BY seq',
      [sessionId],
    );
    expect(events.map((e) => e.event_type)).toEqual(['callout', 'alerting', 'answer', 'disconnect']);
    expect(await platform.infra.query('SELECT id FROM cdrs WHERE session_id = $1', [sessionId])).toHaveLength(1);
    await expectEventually(() => expect(statusBodies('/dup', sessionId)).toHaveLength(4));
    expect(statusBodies('/dup', sessionId).filter((b) => b.eventType === 'callout')).toHaveLength(1);
  });

  it('when the broker closes the publish channel (unknown exchange), a new one is opened and calls go on', async () => {
    const broker = platform.gateway.get(Broker);
    await expect(broker.publish('no-such-exchange', 'x', {})).rejects.toThrow();
    await expectEventually(() => expect(broker.isConnected).toBe(true));
    const response = await platform.callVerify(
      app,
      platform.callBody(app, '+8613700000009', { statusUrl: platform.receiver.base64Url('/after-reopen') }),
    );
    await expectEventually(() => expect(statusBodies('/after-reopen', response.body.sessionId)).toHaveLength(4));
  });

  it('when a consumer channel closes under a live connection, the worker consumes again', async () => {
    // The Broker's consumer registry (libs/messaging/src/consumers.ts).
    const voiceBroker = platform.voice!.get(Broker) as unknown as {
      consumers: { all: Array<{ queue: string; channel?: { close(): Promise<void> } }> };
    };
    const consumer = voiceBroker.consumers.all.find((c) => c.queue === Queues.voiceCalls)!;
    const closed = consumer.channel!;
    await closed.close();
    await expectEventually(() => expect(consumer.channel).not.toBe(closed));
    const response = await platform.callVerify(
      app,
      platform.callBody(app, '+8613700000010', { statusUrl: platform.receiver.base64Url('/after-reattach') }),
    );
    await expectEventually(() => expect(statusBodies('/after-reattach', response.body.sessionId)).toHaveLength(4));
  });

  it('a publish nobody can route is refused, so its outbox row would be kept', async () => {
    const broker = platform.gateway.get(Broker);
    await expect(broker.publish(Exchanges.commands, 'no.such.route', { sessionId: 'x' })).rejects.toThrow(/unroutable/);
  });

  it('a receiver that answers 500 gets the CDR again on retry, and every attempt is recorded', async () => {
    platform.receiver.respond = (req, count) => (req.path === '/flaky-fee' && count === 1 ? 500 : 200);
    const response = await platform.callVerify(
      app,
      platform.callBody(app, '+8613700000002', { feeUrl: platform.receiver.base64Url('/flaky-fee') }),
    );
    const sessionId: string = response.body.sessionId;
    await expectEventually(() => expect(platform.receiver.on('/flaky-fee')).toHaveLength(2));
    const bodies = platform.receiver.on('/flaky-fee').map((r) => r.body);
    expect(bodies[0]).toEqual(bodies[1]);
    const attempts = await expectEventually(async () => {
      const rows = await platform.infra.query<{ attempt: number; http_status: number }>(
        `SELECT a.attempt, a.http_status FROM delivery_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
          WHERE d.session_id = $1 AND d.stream = 'fee' ORDER BY a.attempt`,
        [sessionId],
      );
      expect(rows).toHaveLength(2);
      return rows;
    });
    expect(attempts).toEqual([
      { attempt: 1, http_status: 500 },
      { attempt: 2, http_status: 200 },
    ]);
    const listed = (await (await platform.admin('GET', `/deliveries?sessionId=${sessionId}`)).json()) as any[];
    expect(listed[0]).toMatchObject({ stream: 'fee', status: 'delivered', attempts: 2 });
    platform.receiver.respond = () => 200;
  });

  it('a dead receiver does not hold up other sessions', async () => {
    platform.receiver.respond = (req) => (req.path === '/dead' ? 503 : 200);
    const dead = await platform.callVerify(
      app,
      platform.callBody(app, '+8613700000003', { statusUrl: platform.receiver.base64Url('/dead') }),
    );
    const alive = await platform.callVerify(
      app,
      platform.callBody(app, '+8613700000004', { statusUrl: platform.receiver.base64Url('/alive') }),
    );
    await expectEventually(() => expect(statusBodies('/alive', alive.body.sessionId)).toHaveLength(4));
    // The dead receiver was tried, but only with the first event (order holds: nothing is sent
    // after an event that was not acknowledged).
    const tried = statusBodies('/dead', dead.body.sessionId);
    expect(tried.length).toBeGreaterThanOrEqual(1);
    expect(tried.every((b) => b.eventType === 'callout')).toBe(true);
    platform.receiver.respond = () => 200;
  });

  /** A session committed with its command, whose publish never happened (gateway crashed, broker away). */
  async function insertUnpublishedSession(
    state: 'accepted' | 'calling',
    workerId: string | null,
    statusPath: string,
  ): Promise<string> {
    const sessionId = randomUUID();
    const [appRow] = await platform.infra.query<{ id: string }>('SELECT id FROM apps WHERE app_key = $1', [app.appKey]);
    await platform.infra.query(
      `INSERT INTO call_sessions (id, app_id, app_key, display_nbr, requested_display_nbr, callee_nbr, language_type, pre_tone,
                                  verify_code_sealed, times, status_url, state, worker_id, started_at)
       VALUES ($1, $2, $3, $4, $4, '+8613600000001', 2, 'welcome.wav', $5, 1, $6, $7, $8, CASE WHEN $7 = 'calling' THEN now() END)`,
      [
        sessionId,
        appRow!.id,
        app.appKey,
        app.displayNbr,
        new SecretBox(platform.config.masterKey).seal('4321'),
        platform.receiver.url(statusPath),
        state,
        workerId,
      ],
    );
    return sessionId;
  }

  it('the outbox relay publishes a committed command whose publish was lost', async () => {
    const sessionId = await insertUnpublishedSession('accepted', null, '/relayed');
    await platform.infra.query(
      `INSERT INTO outbox (exchange, routing_key, message_id, payload, created_at) VALUES ($1, $2, $3, $4, now() - interval '10 seconds')`,
      [Exchanges.commands, RoutingKeys.placeCall, sessionId, JSON.stringify({ sessionId })],
    );
    await expectEventually(() =>
      expect(statusBodies('/relayed', sessionId).map((b) => b.eventType)).toEqual([
        'callout',
        'alerting',
        'answer',
        'disconnect',
      ]),
    );
    await expectEventually(async () =>
      expect(await platform.infra.query('SELECT 1 FROM outbox WHERE message_id = $1', [sessionId])).toHaveLength(0),
    );
  });

  it('a call left behind by a dead voice worker is ended with stateCode 8000 and one CDR, not placed again', async () => {
    const sessionId = await insertUnpublishedSession('calling', 'worker-that-died', '/orphan');
    const swept = await platform.voice!.get(OrphanSweeperService).sweep();
    expect(swept).toBeGreaterThanOrEqual(1);
    const events = await expectEventually(() => {
      const bodies = statusBodies('/orphan', sessionId);
      expect(bodies).toHaveLength(1);
      return bodies;
    });
    expect(events[0]).toMatchObject({ eventType: 'disconnect', statusInfo: { stateCode: 8000 } });
    expect(await platform.voice!.get(OrphanSweeperService).sweep()).toBe(0);
    const cdrs = await platform.infra.query<{ state_code: number }>(
      'SELECT state_code FROM cdrs WHERE session_id = $1',
      [sessionId],
    );
    expect(cdrs).toEqual([{ state_code: 8000 }]);
  });
});
