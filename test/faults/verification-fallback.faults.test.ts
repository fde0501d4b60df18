import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomInt } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signAksk } from '#libs/auth';
import {
  expectEventually,
  logLinesOf,
  scanLogLines,
  TestInfrastructure,
  TestSmsc,
  WebhookReceiver,
} from '#libs/testing';
import { Fleet } from './support/fleet.js';

/**
 * The verification API's fallback survives its timer's owner dying (issue 18): `auto`
 * verifications are accepted and their SMS submitted (the SMS centre withholds every receipt),
 * then the sms worker — which sweeps for fallbacks due — is SIGKILLed before their fallback time.
 * Only that process is killed: PostgreSQL and RabbitMQ keep running (this file may run beside the
 * other e2e suites). Once sms workers run again (two, competing), every verification gets its
 * fallback call exactly once, with one `verification.fallback` event each, and no code appears in
 * any log. Ports: free ones picked at start.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FALLBACK_S = 6;
const VERIFICATIONS = 12;

/** A free TCP port on loopback. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `count` consecutive free ports (the fleet's health ports). */
async function freeRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = randomInt(20_000, 40_000);
    const free = await Promise.all(
      Array.from(
        { length: count },
        (_, i) =>
          new Promise<boolean>((resolve) => {
            const server = createServer();
            server.once('error', () => resolve(false));
            server.listen(base + i, '127.0.0.1', () => server.close(() => resolve(true)));
          }),
      ),
    );
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free port range');
}

describe('verification fallback: the sms worker killed between the SMS and the fallback', () => {
  const infra = new TestInfrastructure('vfault');
  const adminToken = `op-${randomBytes(16).toString('hex')}`;
  const masterKey = `mk-${randomBytes(24).toString('hex')}`;
  const smppPassword = String(randomInt(10_000_000, 100_000_000));
  const smsc = new TestSmsc({ systemId: 'vfault', password: smppPassword, autoReceipt: null });
  const receiver = new WebhookReceiver();
  const logDir = join(tmpdir(), `verigate-verification-faults-${process.pid}`);
  let fleet: Fleet;
  let gatewayUrl: string;
  let app: { appKey: string; appSecret: string };

  const admin = async (method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const response = await fetch(`${gatewayUrl}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': contentType },
      body: Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body ?? {}),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`admin ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };

  beforeAll(async () => {
    await infra.dispose(); // a previous run's database and queues
    const smscPort = await smsc.start(await freePort());
    await receiver.start();
    const gatewayPort = await freePort();
    const firstHealthPort = await freeRange(12);
    gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    fleet = new Fleet(
      ROOT,
      logDir,
      {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        DATABASE_URL: infra.databaseUrl,
        RABBITMQ_URL: process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
        VERIGATE_AMQP_NAMESPACE: infra.id,
        LOG_LEVEL: 'debug',
        VERIGATE_ADMIN_TOKEN: adminToken,
        VERIGATE_MASTER_KEY: masterKey,
        VERIGATE_WEBHOOK_ALLOW_PRIVATE: 'true',
        VERIGATE_SIM_RING_MS: '300',
        VERIGATE_SIM_PROMPT_MS: '500',
        VERIGATE_TRUSTED_PROXIES: '127.0.0.1',
        VERIGATE_SMS_PROVIDER: 'smpp',
        VERIGATE_SMPP_URL: `smpp://vfault:${smppPassword}@127.0.0.1:${smscPort}`,
        // Eight digits: a code is then unlikely to equal some other number in a log line by chance.
        VERIGATE_VERIFY_CODE_LENGTH: '8',
        VERIGATE_VERIFY_FALLBACK_S: String(FALLBACK_S),
        VERIGATE_VERIFY_SWEEP_MS: '250',
      },
      { gateway: gatewayPort, firstHealthPort, lastHealthPort: firstHealthPort + 11 },
    );
    await fleet.start('gateway', 90_000); // creates the database and runs the migrations
    await Promise.all([fleet.start('voice'), fleet.start('sms'), fleet.start('notifier')]);
    app = await admin('POST', '/apps', {
      name: 'verification faults',
      signature: 'Faults',
      permissions: ['verify'],
      verificationStatusUrl: receiver.url('/verification'),
    });
    await admin('POST', `/apps/${app.appKey}/numbers`, { number: '+8675528000088' });
  }, 180_000);

  afterAll(async () => {
    await fleet?.stopAll();
    await receiver.stop().catch(() => undefined);
    await smsc.stop().catch(() => undefined);
    await infra.dispose();
  }, 60_000);

  it('every auto verification gets its fallback call once, although its sms worker died before the fallback time', async () => {
    const numbers = Array.from({ length: VERIFICATIONS }, (_, i) => `+44770090${String(1000 + i)}`);
    const ids: string[] = [];
    for (const to of numbers) {
      const response = await fetch(`${gatewayUrl}/api/v3/verifications`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json;charset=UTF-8',
          'x-forwarded-for': '198.51.100.9',
          ...signAksk(app.appKey, app.appSecret),
        },
        body: JSON.stringify({ to, channel: 'auto', locale: 'en' }),
      });
      const body = (await response.json()) as { verificationId: string };
      expect(response.status).toBe(201);
      ids.push(body.verificationId);
    }
    const acceptedAt = Date.now();
    // Every SMS submitted and recorded, then the sms worker dies before any fallback is due.
    await expectEventually(async () => {
      const rows = await infra.query<{ status: string }>(
        `SELECT m.status FROM verifications v JOIN sms_messages m ON m.id = v.sms_message_id WHERE v.id = ANY($1::uuid[])`,
        [ids],
      );
      expect(rows.filter((r) => r.status === 'submitted')).toHaveLength(VERIFICATIONS);
    });
    const codes = numbers.map(
      (to) => /(\d{8})\./.exec(smsc.messages().find((m) => m.destination === to.slice(1))!.text)![1]!,
    );
    expect(Date.now() - acceptedAt).toBeLessThan(FALLBACK_S * 1000);
    await fleet.current('sms').kill();

    // Past the fallback time with no sms worker: the fallbacks wait in the database, nothing is lost.
    await expectEventually(
      async () => {
        const [due] = await infra.query<{ n: string }>(
          `SELECT count(*) AS n FROM verifications WHERE id = ANY($1::uuid[]) AND fallback_due_at < now()`,
          [ids],
        );
        expect(Number(due!.n)).toBe(VERIFICATIONS);
      },
      { timeoutMs: (FALLBACK_S + 10) * 1000 },
    );
    expect(
      await infra.query(`SELECT 1 FROM verifications WHERE id = ANY($1::uuid[]) AND call_session_id IS NOT NULL`, [
        ids,
      ]),
    ).toHaveLength(0);

    // Two sms workers come back and compete for the sweep.
    await Promise.all([fleet.start('sms'), fleet.start('sms')]);
    await expectEventually(
      async () => {
        const calls = await infra.query<{ state: string }>(
          `SELECT c.state FROM call_sessions c JOIN verifications v ON v.call_session_id = c.id WHERE v.id = ANY($1::uuid[])`,
          [ids],
        );
        expect(calls.filter((c) => c.state === 'ended')).toHaveLength(VERIFICATIONS);
      },
      { timeoutMs: 60_000 },
    );
    // Exactly one call per destination, one fallback event per verification (by event id: delivery is at least once).
    const perCallee = await infra.query<{ callee_nbr: string; n: string }>(
      `SELECT callee_nbr, count(*) AS n FROM call_sessions WHERE callee_nbr = ANY($1::text[]) GROUP BY callee_nbr`,
      [numbers],
    );
    expect(perCallee.map((r) => Number(r.n))).toEqual(Array(VERIFICATIONS).fill(1));
    await expectEventually(
      () => {
        const fallbacks = new Set(
          receiver
            .on('/verification')
            .filter((r) => r.body.eventType === 'verification.fallback')
            .map((r) => r.body.verification.verificationId as string),
        );
        expect([...fallbacks].sort()).toEqual([...ids].sort());
      },
      { timeoutMs: 30_000 },
    );
    const fallbackEventIds = await infra.query<{ n: string }>(
      `SELECT count(*) AS n FROM webhook_deliveries WHERE session_id = ANY($1::text[]) AND body->>'eventType' = 'verification.fallback'`,
      [ids],
    );
    expect(Number(fallbackEventIds[0]!.n)).toBe(VERIFICATIONS);
    // Each SMS went out once too (the kill came after every submission was recorded).
    for (const to of numbers)
      expect(smsc.submits.filter((s) => s.destination === to.slice(1) && s.status === 0)).toHaveLength(1);

    // No code in any process's log.
    const leaks = scanLogLines(
      fleet.logs().flatMap(({ source, text }) => [...logLinesOf(source, text)]),
      { codes: codes.map((value) => ({ kind: 'verification code', value })), secrets: [] },
    );
    expect(leaks).toEqual([]);
  }, 180_000);
});
