import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { CAPTCHA_RPC_QUEUE } from '#libs/contracts';
import { signAksk } from '#libs/auth';
import { expectEventually } from '#libs/testing';
import { AppProcess } from './support/app-process.js';
import { ok, Platform, type TestApp } from './support/platform.js';

/** An exit well inside docker compose's stop_grace_period (40 s) and start.mjs's SIGKILL. */
const EXIT_WITHIN_MS = 25_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Graceful stop of each app as a real process (`npm run build` first): SIGTERM in the middle of
 * work, exit code 0 within a bound, and the work in hand finished by the stopping process or by
 * a second instance: nothing lost, nothing done twice. The rest of the platform (gateway for the
 * management API and the outbox, workers not under test) runs in-process on the same database
 * and AMQP namespace.
 */
describe('graceful shutdown of every app (real processes)', () => {
  const platform = new Platform();
  const processes: AppProcess[] = [];
  const spawnApp = async (...args: Parameters<typeof AppProcess.start>) => {
    const app = await AppProcess.start(...args);
    processes.push(app);
    return app;
  };

  beforeAll(async () => {
    // The in-process gateway waits long for captcha answers: requests stay queued while no worker runs.
    await platform.start(
      { VERIGATE_TRUSTED_PROXIES: '127.0.0.1', VERIGATE_CAPTCHA_RPC_TIMEOUT_MS: '20000' },
      { voice: false, notifier: false },
    );
  });

  afterEach(() => {
    platform.receiver.respond = () => 200;
  });

  afterAll(async () => {
    for (const app of processes) app.kill();
    await platform.stop();
  });

  describe('notifier', () => {
    /** Creates one SMS status notification per message id, for an app. */
    async function notifySms(appKey: string, ids: string[]): Promise<void> {
      for (const id of ids) await platform.submittedSms(appKey, { messageId: id });
    }
    const newIds = (n: number) => Array.from({ length: n }, () => randomUUID());

    it('finishes requests in flight, hands back the ones it cannot wait for, and a second instance sends them at once', async () => {
      const appKey = (
        await ok(
          await platform.admin('POST', '/apps', {
            name: 'notify',
            smsStatusUrl: platform.receiver.url('/shutdown-sms'),
          }),
          201,
        )
      ).appKey;
      // Quick receivers answer within the notifier's 5 s grace; slow ones never do (the first time).
      const slowFirst = new Set<string>();
      const seen = new Map<string, number>();
      platform.receiver.respond = async (r) => {
        const id = r.body.statusInfo.messageId as string;
        seen.set(id, (seen.get(id) ?? 0) + 1);
        await sleep(slowFirst.has(id) && seen.get(id) === 1 ? 40_000 : 1500);
        return 200;
      };
      const quick = newIds(3);
      const slow = newIds(2);
      for (const id of slow) slowFirst.add(id);
      // Requests may take longer than the notifier's 5 s shutdown grace without timing out.
      const notifierEnv = { VERIGATE_WEBHOOK_TIMEOUT_MS: '30000' };
      const first = await spawnApp('notifier', platform.infra, notifierEnv);
      await notifySms(appKey, [...quick, ...slow]);
      await expectEventually(() => expect(seen.size).toBe(5)); // all five requests are on the wire

      first.signal('SIGTERM');
      expect(await first.exit(EXIT_WITHIN_MS)).toEqual({ code: 0, signal: null });
      expect(first.lines.map((line) => line.msg)).toEqual(
        expect.arrayContaining(['abandoning in-flight webhook deliveries', 'stopped']),
      );
      // Before any other instance runs: the quick ones were recorded by the stopping instance; the
      // cut-off ones were handed back unrecorded, due now and unleased (not left to a 45 s lease expiry).
      const afterStop = await platform.infra.query<{
        session_id: string;
        status: string;
        attempts: number;
        leased: boolean;
        due: boolean;
      }>(
        `SELECT session_id, status, attempts, lease_until IS NOT NULL AS leased, next_attempt_at <= now() AS due
           FROM webhook_deliveries WHERE session_id = ANY($1::text[])`,
        [[...quick, ...slow]],
      );
      const stateOf = (id: string) => afterStop.find((r) => r.session_id === id);
      for (const id of quick) expect(stateOf(id)).toMatchObject({ status: 'delivered', attempts: 1 });
      for (const id of slow)
        expect(stateOf(id)).toMatchObject({ status: 'pending', attempts: 0, leased: false, due: true });
      await spawnApp('notifier', platform.infra, notifierEnv);

      const rows = await expectEventually(
        async () => {
          const got = await platform.infra.query<{ session_id: string; status: string; attempts: number }>(
            `SELECT session_id, status, attempts FROM webhook_deliveries WHERE session_id = ANY($1::text[])`,
            [[...quick, ...slow]],
          );
          expect(got.filter((r) => r.status === 'delivered')).toHaveLength(5);
          return got;
        },
        { timeoutMs: 20_000 },
      );
      expect(rows.every((r) => r.attempts === 1)).toBe(true); // recorded once each
      for (const id of quick) expect(seen.get(id)).toBe(1); // finished by the stopping instance: sent once
      for (const id of slow) expect(seen.get(id)).toBe(2); // cut off, then sent again with the same webhook-id
      const slowRequests = platform.receiver.on('/shutdown-sms').filter((r) => r.body.statusInfo.messageId === slow[0]);
      expect(slowRequests[1]!.headers['x-verigate-delivery-id']).toBe(
        slowRequests[0]!.headers['x-verigate-delivery-id'],
      );
    });
  });

  describe('gateway', () => {
    it('answers 503 on /health while draining, finishes the request in flight, then exits 0', async () => {
      const gateway = await spawnApp('gateway', platform.infra, {
        VERIGATE_TRUSTED_PROXIES: '127.0.0.1',
        VERIGATE_CAPTCHA_RPC_TIMEOUT_MS: '20000',
        VERIGATE_SHUTDOWN_DRAIN_MS: '1500',
      });
      const appKey = (await ok(await platform.admin('POST', '/apps', { name: 'drain', permissions: ['captcha'] }), 201))
        .appKey;
      expect((await fetch(`${gateway.baseUrl}/health`)).status).toBe(200);
      // No captcha worker yet: the request waits in the gateway for its RPC answer.
      const inFlight = fetch(`${gateway.baseUrl}/api/v2/sdk/captcha?captchaType=blockPuzzle`, {
        headers: platform.sdkHeaders(appKey, 'device-drain'),
      });
      // Its RPC request is in the queue: the gateway holds the request when the signal comes.
      await expectEventually(async () => expect(await platform.infra.queueDepth(CAPTCHA_RPC_QUEUE)).toBe(1));
      gateway.signal('SIGTERM');
      await expectEventually(async () => {
        const health = await fetch(`${gateway.baseUrl}/health`);
        expect(health.status).toBe(503);
        expect((await health.json()).checks.shutdown).toBe('down: draining: the process is stopping');
      });
      const worker = await platform.startCaptcha(); // the answer comes while the gateway is stopping
      try {
        const answer = await inFlight;
        expect(answer.status).toBe(200);
        expect(await answer.json()).toMatchObject({ token: expect.stringMatching(/^[0-9a-f]{32}$/) });
        expect(await gateway.exit(EXIT_WITHIN_MS)).toEqual({ code: 0, signal: null });
        await expect(fetch(`${gateway.baseUrl}/health`)).rejects.toThrow(); // the listener is closed
      } finally {
        await platform.stopCaptcha(worker);
      }
    });

    it('a second SIGTERM exits at once, with 1', async () => {
      const gateway = await spawnApp('gateway', platform.infra, { VERIGATE_SHUTDOWN_DRAIN_MS: '60000' });
      gateway.signal('SIGTERM');
      await expectEventually(() => expect(gateway.logged('stopping gracefully')).toBe(true));
      gateway.signal('SIGTERM');
      expect(await gateway.exit(5000)).toEqual({ code: 1, signal: null });
      expect(gateway.logged('second stop signal: exiting without waiting')).toBe(true);
    });

    it('the deadline (VERIGATE_SHUTDOWN_TIMEOUT_S) exits 1 when a stop hangs', async () => {
      const gateway = await spawnApp('gateway', platform.infra, {
        VERIGATE_SHUTDOWN_DRAIN_MS: '60000',
        VERIGATE_SHUTDOWN_TIMEOUT_S: '2',
        VERIGATE_SHUTDOWN_GRACE_S: '1',
      });
      gateway.signal('SIGTERM');
      expect(await gateway.exit(10_000)).toEqual({ code: 1, signal: null });
      expect(gateway.logged('graceful stop took longer than its deadline: exiting')).toBe(true);
    });
  });

  describe('captcha worker', () => {
    it('answers every request it took, the rest go to the next instance; exits 0', async () => {
      const appKey = (
        await ok(await platform.admin('POST', '/apps', { name: 'captcha-stop', permissions: ['captcha'] }), 201)
      ).appKey;
      const first = await spawnApp('captcha', platform.infra, { VERIGATE_CAPTCHA_PREFETCH: '4' }); // takes 4 at a time
      // A lock held by the test blocks the worker's INSERT into captcha_sessions (reads go on): the
      // requests it took stay observably in flight, mid-work, until the test lets them go.
      const blocker = new pg.Client({ connectionString: platform.infra.databaseUrl });
      await blocker.connect();
      let locked = false;
      try {
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE captcha_sessions IN SHARE MODE');
        locked = true;
        const settled = new Set<number>();
        const requests = Array.from({ length: 12 }, (_, i) =>
          platform
            .sdk(
              'GET',
              '/captcha?captchaType=blockPuzzle',
              platform.sdkHeaders(appKey, `device-stop-${i}`, `198.51.100.${i + 1}`),
            )
            .finally(() => settled.add(i)),
        );
        /** Inserts of this database waiting for the test's lock: the first worker's requests in hand. */
        const blockedInserts = async () =>
          (
            await blocker.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
            WHERE NOT l.granted AND c.relname = 'captcha_sessions'
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
            )
          ).rows[0]!.n;
        await expectEventually(async () => {
          expect(await blockedInserts()).toBe(4);
          expect(await platform.infra.queueDepth(CAPTCHA_RPC_QUEUE)).toBe(8); // the rest wait in the queue
        });
        first.signal('SIGTERM');
        await expectEventually(() => expect(first.logged('stopping gracefully')).toBe(true));
        expect(await blockedInserts()).toBe(4); // still in hand after the signal
        expect(settled.size).toBe(0);
        await blocker.query('COMMIT');
        locked = false;
        expect(await first.exit(EXIT_WITHIN_MS)).toEqual({ code: 0, signal: null });
        // The stopping worker answered the 4 it had taken and took no more: 8 left for the next one.
        // (Before the broker closed its consumer channels first, the 4 answered were redelivered
        // too, their acks lost behind the connection's close: 12 here, and done twice.)
        await expectEventually(() => expect(settled.size).toBe(4));
        expect(await platform.infra.queueDepth(CAPTCHA_RPC_QUEUE)).toBe(8);

        const second = await platform.startCaptcha();
        try {
          const answers = await Promise.all(requests);
          expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
          const tokens = answers.map((a) => a.body.token as string);
          expect(tokens.every((token) => /^[0-9a-f]{32}$/.test(token))).toBe(true);
          expect(new Set(tokens).size).toBe(12);
          const stored = await platform.infra.query(
            'SELECT token FROM captcha_sessions WHERE token = ANY($1::text[])',
            [tokens],
          );
          expect(stored).toHaveLength(12); // each answered once, and what was answered exists
        } finally {
          await platform.stopCaptcha(second);
        }
      } finally {
        if (locked) await blocker.query('ROLLBACK').catch(() => undefined);
        await blocker.end();
      }
    });
  });

  describe('sms worker', () => {
    it('finishes the submissions in hand, the queued sends go to the next instance, each sent once; exits 0', async () => {
      // A slow HTTP SMS gateway (1.5 s per message), counting what it is given.
      const submitted = new Map<string, number>();
      const smsGateway = createServer((req, res) => {
        let text = '';
        req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        req.on('end', () => {
          const { messageId } = JSON.parse(text) as { messageId: string };
          submitted.set(messageId, (submitted.get(messageId) ?? 0) + 1);
          setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 1500).unref();
        });
      });
      await new Promise<void>((resolve) => smsGateway.listen(0, '127.0.0.1', resolve));
      const captcha = await platform.startCaptcha();
      try {
        const smsEnv = {
          VERIGATE_SMS_PROVIDER: 'http',
          VERIGATE_SMS_HTTP_URL: `http://127.0.0.1:${(smsGateway.address() as AddressInfo).port}/sms`,
          VERIGATE_SMS_HTTP_SECRET: 'a-secret-of-sixteen-chars',
          VERIGATE_SMS_PREFETCH: '1', // one in hand, the rest queued
        };
        const first = await spawnApp('sms', platform.infra, smsEnv);
        const appKey = (
          await ok(await platform.admin('POST', '/apps', { name: 'sms-stop', permissions: ['captcha', 'sms'] }), 201)
        ).appKey;
        const messageIds: string[] = [];
        for (let i = 0; i < 4; i++) {
          const headers = platform.sdkHeaders(appKey, `device-sms-stop-${i}`, `198.51.100.${20 + i}`);
          const { credential } = await platform.solveCaptcha(headers);
          const sent = await platform.sdk('POST', '/sms/send', headers, {
            mobile: `1390000${String(1000 + i)}`,
            type: 'LOGIN_SMS',
            captcha_token: credential,
          });
          expect(sent).toMatchObject({ status: 200, body: { result: true } });
          messageIds.push(sent.body.message_id as string);
        }
        await expectEventually(() => expect(submitted.size).toBeGreaterThanOrEqual(1)); // work in hand
        first.signal('SIGTERM');
        const second = await spawnApp('sms', platform.infra, smsEnv);
        expect(await first.exit(EXIT_WITHIN_MS)).toEqual({ code: 0, signal: null });
        const rows = await expectEventually(
          async () => {
            const got = await platform.infra.query<{ id: string; status: string; code_sealed: string | null }>(
              'SELECT id, status, code_sealed FROM sms_messages WHERE id = ANY($1::uuid[])',
              [messageIds],
            );
            expect(got.map((r) => r.status)).toEqual(['submitted', 'submitted', 'submitted', 'submitted']);
            return got;
          },
          { timeoutMs: 30_000 },
        );
        expect(rows.every((r) => r.code_sealed === null)).toBe(true);
        expect(messageIds.map((id) => submitted.get(id))).toEqual([1, 1, 1, 1]); // nothing lost, nothing sent twice
        second.signal('SIGTERM');
        expect(await second.exit(EXIT_WITHIN_MS)).toEqual({ code: 0, signal: null });
      } finally {
        await platform.stopCaptcha(captcha);
        smsGateway.closeAllConnections();
        await new Promise<void>((resolve) => smsGateway.close(() => resolve()));
      }
    });
  });

  describe('voice worker', () => {
    let app: TestApp;

    it('lets a live call finish within its grace period, a second instance takes the next call; exits 0', async () => {
      app = await platform.createApp();
      const env = { VERIGATE_SIM_RING_MS: '300', VERIGATE_SIM_PROMPT_MS: '1500', VERIGATE_SHUTDOWN_GRACE_S: '15' };
      const first = await spawnApp('voice', platform.infra, env);
      // The in-process gateway trusts 127.0.0.1 as a proxy here: it names the client.
      const fromClient = () => ({ ...signAksk(app.appKey, app.appSecret), 'x-forwarded-for': '198.51.100.7' });
      const live = await platform.callVerify(
        app,
        platform.callBody(app, '+8613800000701', { statusUrl: platform.receiver.base64Url('/voice-stop') }),
        fromClient(),
      );
      expect(live).toMatchObject({ status: 200 });
      await expectEventually(async () => {
        const [row] = await platform.infra.query<{ answered_at: Date | null }>(
          'SELECT answered_at FROM call_sessions WHERE id = $1',
          [live.body.sessionId],
        );
        expect(row?.answered_at).not.toBeNull();
      });
      const second = await spawnApp('voice', platform.infra, env);
      first.signal('SIGTERM');
      const next = await platform.callVerify(app, platform.callBody(app, '+8613800000702'), fromClient());
      expect(next).toMatchObject({ status: 200 });
      expect(await first.exit(EXIT_WITHIN_MS)).toEqual({ code: 0, signal: null });
      const sessions = await expectEventually(async () => {
        const rows = await platform.infra.query<{ id: string; state: string; state_code: number; worker_id: string }>(
          'SELECT id, state, state_code, worker_id FROM call_sessions WHERE id = ANY($1::text[]) ORDER BY created_at',
          [[live.body.sessionId, next.body.sessionId]],
        );
        expect(rows.map((r) => r.state)).toEqual(['ended', 'ended']);
        return rows;
      });
      // The live call ended normally (it was not cut off); each call has one CDR.
      expect(sessions.map((s) => s.state_code)).toEqual([0, 0]);
      expect(sessions[0]!.worker_id).not.toBe(sessions[1]!.worker_id);
      const cdrs = await platform.infra.query('SELECT session_id FROM cdrs WHERE session_id = ANY($1::text[])', [
        [live.body.sessionId, next.body.sessionId],
      ]);
      expect(cdrs).toHaveLength(2);
      second.signal('SIGTERM');
      expect(await second.exit(EXIT_WITHIN_MS)).toEqual({ code: 0, signal: null });
    });
  });
});
