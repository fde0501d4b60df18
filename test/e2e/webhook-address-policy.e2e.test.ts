import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import dns from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expectEventually } from '#libs/testing';
import { WebhookClient } from '../../apps/notifier/src/deliveries/webhook-client.js';
import { ok, Platform } from './support/platform.js';

/** A real HTTP server on loopback that counts the TCP connections it accepts (a refused URL must make none). */
class CountingServer {
  connections = 0;
  readonly paths: string[] = [];
  handler: (path: string) => { status: number; headers?: Record<string, string> } = () => ({ status: 200 });
  private readonly server: Server = createServer((req, res) => {
    this.paths.push(req.url ?? '/');
    req.resume();
    req.on('end', () => {
      const { status, headers } = this.handler(req.url ?? '/');
      res.writeHead(status, headers).end();
    });
  });

  async start(): Promise<this> {
    this.server.on('connection', () => this.connections++);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * docs/contract.md#notifications's address rule with real sockets: while VERIGATE_WEBHOOK_ALLOW_PRIVATE=false a
 * webhook never reaches a private, loopback or link-local address, whether the URL names it
 * literally or through DNS (checked by the lookup the socket connects with, so a name that
 * re-binds between a check and the connection cannot slip through); redirects are not followed.
 */
describe('webhook address policy and redirects', () => {
  const platform = new Platform();
  const target = new CountingServer();
  let appKey: string;
  const realLookup = dns.lookup;
  const strictEnv = { VERIGATE_WEBHOOK_ALLOW_PRIVATE: 'false', VERIGATE_WEBHOOK_TIMEOUT_MS: '500' };

  beforeAll(async () => {
    await target.start();
    await platform.start(strictEnv, { voice: false });
    appKey = (await ok(await platform.admin('POST', '/apps', { name: 'ssrf-app' }), 201)).appKey;
  });

  /** Webhook clients made by a test: closed after it (their keep-alive sockets and agents). */
  const clients: WebhookClient[] = [];
  afterEach(() => {
    dns.lookup = realLookup;
    for (const made of clients.splice(0)) made.close();
  });

  afterAll(async () => {
    await platform.stop();
    await target.stop();
  });

  /** A webhook client with the platform's policy (private addresses refused), or with `env` on top. */
  const client = (env: Record<string, string> = {}) => {
    const made = new WebhookClient(
      Object.keys(env).length ? platform.infra.config({ ...strictEnv, ...env }) : platform.config,
    );
    clients.push(made);
    return made;
  };

  type DeliveryRow = { status: string; attempts: number; last_error: string | null; last_http_status: number | null };

  /** Sends one SMS status notification to `url` through the whole notifier; returns the delivery row once failed for good. */
  async function notifySms(url: string): Promise<DeliveryRow> {
    const messageId = await sendSmsStatus(url);
    return expectEventually(async () => {
      const [row] = await platform.infra.query<DeliveryRow>(
        'SELECT status, attempts, last_error, last_http_status FROM webhook_deliveries WHERE session_id = $1',
        [messageId],
      );
      expect(row?.status).toBe('failed');
      return row!;
    });
  }

  /** Makes the notifier send one SMS status notification to `url`; returns the message id (the delivery's session_id). */
  async function sendSmsStatus(url: string): Promise<string> {
    await ok(await platform.admin('PATCH', `/apps/${appKey}`, { smsStatusUrl: url }));
    return platform.submittedSms(appKey);
  }

  it('refuses a literal loopback or private address at once: failed for good, recorded, no connection made', async () => {
    const before = target.connections;
    expect(await notifySms(`http://127.0.0.1:${target.port}/sms`)).toEqual({
      status: 'failed',
      attempts: 1,
      last_http_status: null,
      last_error: 'refused: 127.0.0.1 is a loopback address',
    });
    for (const [url, kind] of [
      [`http://[::ffff:127.0.0.1]:${target.port}/`, 'loopback'],
      ['http://10.1.2.3/', 'private'],
      ['http://169.254.169.254/latest/meta-data/', 'link-local'],
      ['http://[fe80::1]/', 'link-local'],
    ] as const) {
      const result = await client().post(url, '{}');
      expect(result).toMatchObject({ ok: false, permanent: true, error: expect.stringContaining(`a ${kind} address`) });
    }
    expect(target.connections).toBe(before);
  });

  it('refuses a host name that resolves to loopback, at connect time', async () => {
    const before = target.connections;
    const row = await notifySms(`http://localhost:${target.port}/sms`);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, last_http_status: null });
    expect(row.last_error).toMatch(/^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address$/);
    expect(target.connections).toBe(before);
  });

  it("has exactly one lookup per attempt, the connection's own: a name re-bound to loopback is refused", async () => {
    // A rebinding name: another address the first time it is resolved, loopback afterwards. Were
    // the URL validated by one lookup and connected by another, the connection's lookup would
    // reach loopback unchecked; here each attempt resolves once, and that answer is the one checked.
    // (The first answer is a documentation address so that no packet leaves the machine.)
    const resolved: string[] = [];
    dns.lookup = ((hostname: string, options: unknown, callback: (...args: unknown[]) => void) => {
      if (hostname !== 'rebind.test') return (realLookup as any)(hostname, options, callback);
      const address = resolved.length === 0 ? '192.0.2.200' /* documentation: refused, no traffic */ : '127.0.0.1';
      resolved.push(address);
      const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
      return all ? callback(null, [{ address, family: 4 }]) : callback(null, address, 4);
    }) as typeof dns.lookup;
    const before = target.connections;
    const first = await client().post(`http://rebind.test:${target.port}/`, '{}');
    expect(resolved).toEqual(['192.0.2.200']); // one lookup for the first attempt
    expect(first).toMatchObject({
      ok: false,
      permanent: true,
      error: 'refused: rebind.test resolves to 192.0.2.200, a documentation address',
    });
    const second = await client().post(`http://rebind.test:${target.port}/`, '{}');
    expect(resolved).toEqual(['192.0.2.200', '127.0.0.1']); // and one for the second
    expect(second).toMatchObject({
      ok: false,
      permanent: true,
      error: 'refused: rebind.test resolves to 127.0.0.1, a loopback address',
    });
    expect(target.connections).toBe(before);
  });

  it('does not follow a redirect: the attempt fails with the 3xx recorded, and is retried per schedule', async () => {
    // Loopback is needed for a real receiver here, so for this test the notifier allows private
    // addresses; its first retry is a minute away (±10 % jitter), so exactly one attempt happens.
    await platform.restartNotifier({ VERIGATE_WEBHOOK_ALLOW_PRIVATE: 'true', VERIGATE_WEBHOOK_RETRY_SCHEDULE: '1m' });
    target.handler = (path) =>
      path === '/moved'
        ? { status: 302, headers: { location: `http://127.0.0.1:${target.port}/elsewhere` } }
        : { status: 200 };
    try {
      const messageId = await sendSmsStatus(`http://127.0.0.1:${target.port}/moved`);
      const row = await expectEventually(async () => {
        const [got] = await platform.infra.query<DeliveryRow & { id: string; retry_in_s: number; leased: boolean }>(
          `SELECT id, status, attempts, last_error, last_http_status, lease_until IS NOT NULL AS leased,
                  extract(epoch FROM next_attempt_at - now())::float AS retry_in_s
             FROM webhook_deliveries WHERE session_id = $1`,
          [messageId],
        );
        expect(got).toMatchObject({ attempts: 1, leased: false });
        return got!;
      });
      // Back to pending with its next attempt on the schedule (1 min ± 10 %), not failed for good.
      expect(row).toMatchObject({ status: 'pending', last_http_status: 302, last_error: 'redirect not followed' });
      expect(row.retry_in_s).toBeGreaterThan(30);
      expect(row.retry_in_s).toBeLessThanOrEqual(66);
      const attempts = await platform.infra.query(
        'SELECT attempt, http_status, error FROM delivery_attempts WHERE delivery_id = $1',
        [row.id],
      );
      expect(attempts).toEqual([{ attempt: 1, http_status: 302, error: 'redirect not followed' }]);
      expect(target.paths).toContain('/moved');
      expect(target.paths).not.toContain('/elsewhere');
    } finally {
      target.handler = () => ({ status: 200 });
      await platform.restartNotifier(); // back to the file's policy: private addresses refused
    }
  });

  it('sends to loopback when the operator allows private addresses (development and tests)', async () => {
    const permissive = client({ VERIGATE_WEBHOOK_ALLOW_PRIVATE: 'true' });
    expect(await permissive.post(`http://localhost:${target.port}/ok`, '{}')).toMatchObject({
      ok: true,
      httpStatus: 200,
    });
  });
});
