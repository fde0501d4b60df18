import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signAksk } from '#libs/auth';
import { startWorkerEndpoint } from '#libs/platform';
import { redirectLogs } from '#libs/runtime';
import { expectEventually } from '#libs/testing';
import { Platform, type TestApp } from './support/platform.js';

const METRICS_TOKEN = 'e2e-metrics-token-0123456789';
const SAMPLE =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\})? (-?(?:[0-9.]+(?:e[+-]?[0-9]+)?|NaN|\+Inf|-Inf))$/;

/** Parses Prometheus text exposition strictly: every line is a comment or a sample (else the test fails). */
function parseExposition(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  const samples: Array<{ name: string; labels: Record<string, string>; value: number }> = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[key!] = value!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

type Samples = ReturnType<typeof parseExposition>;
/** The value of the one sample with this name and (at least) these labels; undefined if absent. */
function value(samples: Samples, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples match ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

/**
 * /metrics of the gateway and of every worker (their health endpoint, started here as runWorker
 * does), and request ids from the gateway through RabbitMQ into the workers' JSON logs.
 * Real PostgreSQL and RabbitMQ; logs captured at debug from the in-process apps.
 */
describe('metrics and request ids', () => {
  const platform = new Platform();
  const lines: Array<Record<string, unknown>> = [];
  const endpoints: Record<string, string> = {};
  const servers: Server[] = [];
  let restoreLogs: () => void;
  let voiceApp: TestApp;
  let sdkKey: string;

  async function scrape(url: string, token: string | null = METRICS_TOKEN): Promise<Samples> {
    const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${url}: ${response.status} ${text}`);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    return parseExposition(text);
  }
  const scrapeApp = (app: string) =>
    scrape(app === 'gateway' ? `${platform.baseUrl}/metrics` : `${endpoints[app]}/metrics`);

  async function serve(name: string, app: INestApplicationContext): Promise<void> {
    const server = await startWorkerEndpoint(app, platform.config, {}, '127.0.0.1');
    servers.push(server);
    endpoints[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  beforeAll(async () => {
    process.env.TEST_LOG_LEVEL = 'debug';
    restoreLogs = redirectLogs((line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    await platform.start({
      VERIGATE_METRICS_TOKEN: METRICS_TOKEN,
      VERIGATE_TRUSTED_PROXIES: '127.0.0.1',
      VERIGATE_SMS_LOG_FILE: `/tmp/verigate-sms-obs-${process.pid}.jsonl`,
      VERIGATE_WEBHOOK_RETRY_SCHEDULE: '200ms,400ms',
    });
    await serve('voice', platform.voice!);
    await serve('notifier', platform.notifier!);
    await serve('captcha', await platform.startCaptcha());
    await serve('sms', await platform.startSms());
    voiceApp = await platform.createApp();
    const created = await platform.admin('POST', '/apps', { name: 'obs shop', permissions: ['captcha', 'sms'] });
    sdkKey = ((await created.json()) as { appKey: string }).appKey;
  });

  afterAll(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    await platform.stop();
    restoreLogs();
    delete process.env.TEST_LOG_LEVEL;
  });

  it('refuses /metrics without the token, on the gateway and on workers', async () => {
    for (const url of [`${platform.baseUrl}/metrics`, `${endpoints.voice}/metrics`]) {
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    }
  });

  it('carries the client X-Request-Id through the call: gateway answer and access line, voice worker, notifier', async () => {
    const requestId = `e2e-call-${Date.now()}`;
    const before = await scrapeApp('gateway');
    const response = await fetch(`${platform.baseUrl}/rest/httpsessions/callVerify/v1.0`, {
      method: 'POST',
      // From behind the trusted proxy (127.0.0.1), which names the client.
      headers: {
        'content-type': 'application/json;charset=UTF-8',
        'x-request-id': requestId,
        'x-forwarded-for': '198.51.100.20',
        ...signAksk(voiceApp.appKey, voiceApp.appSecret),
      },
      body: JSON.stringify(
        platform.callBody(voiceApp, '+8613800000031', {
          statusUrl: platform.receiver.base64Url('/status'),
          feeUrl: platform.receiver.base64Url('/fee'),
        }),
      ),
    });
    expect([response.status, response.status === 200 ? '' : await response.text()]).toEqual([200, '']);
    expect(response.headers.get('x-request-id')).toBe(requestId);
    const { sessionId } = (await response.json()) as { sessionId: string };

    // The CDR reached the receiver: the call ended and every webhook was delivered.
    await expectEventually(() =>
      expect(platform.receiver.on('/fee').some((r) => r.body.feeLst?.[0]?.sessionId === sessionId)).toBe(true),
    );
    await expectEventually(() => {
      const voice = lines.filter((l) => l.app === 'voice' && l.sessionId === sessionId);
      expect(voice.map((l) => l.msg)).toEqual(expect.arrayContaining(['call placed', 'call ended']));
      for (const line of voice) expect(line.requestId).toBe(requestId);
      const notifier = lines.filter((l) => l.app === 'notifier' && l.sessionId === sessionId);
      expect(notifier.map((l) => l.msg)).toEqual(
        expect.arrayContaining(['webhook delivery queued', 'webhook delivered']),
      );
      expect(notifier.filter((l) => l.msg === 'webhook delivered')).toHaveLength(5); // 4 status events + the CDR
      for (const line of notifier) expect(line.requestId).toBe(requestId);
    });
    const access = lines.find((l) => l.app === 'gateway' && l.msg === 'http request' && l.requestId === requestId);
    expect(access).toMatchObject({
      method: 'POST',
      route: '/rest/httpsessions/callVerify/v1.0',
      status: 200,
      sessionId,
      api: 'callVerify',
      result: '0',
    });
    // The stored rows carry it too (what the relay or a later attempt would use).
    const [delivery] = await platform.infra.query<{ request_id: string }>(
      'SELECT DISTINCT request_id FROM webhook_deliveries WHERE session_id = $1',
      [sessionId],
    );
    expect(delivery!.request_id).toBe(requestId);

    const after = await scrapeApp('gateway');
    const accepted = { api: 'callVerify', result: '0' };
    expect(
      (value(after, 'verigate_api_requests_total', accepted) ?? 0) -
        (value(before, 'verigate_api_requests_total', accepted) ?? 0),
    ).toBe(1);
    const route = { method: 'POST', route: '/rest/httpsessions/callVerify/v1.0', status: '200' };
    expect(
      (value(after, 'verigate_http_request_duration_seconds_count', route) ?? 0) -
        (value(before, 'verigate_http_request_duration_seconds_count', route) ?? 0),
    ).toBe(1);
    expect(value(after, 'verigate_outbox_pending_messages')).toBeGreaterThanOrEqual(0);

    const voice = await scrapeApp('voice');
    expect(value(voice, 'verigate_voice_calls_placed_total', { app: 'voice' })).toBe(1);
    expect(value(voice, 'verigate_voice_calls_ended_total', { state_code: '0' })).toBe(1);
    expect(value(voice, 'verigate_voice_call_duration_seconds_count')).toBe(1);
    expect(value(voice, 'verigate_voice_active_calls')).toBe(0);
    expect(value(voice, 'verigate_voice_idle_ports')).toBe(platform.config.voice.ports);
    for (const queue of ['voice.place-call', 'voice.place-call.wait', 'voice.place-call.dead'])
      expect(value(voice, 'verigate_queue_messages_ready', { queue })).toBe(0);
    expect(value(voice, 'verigate_queue_consumers', { queue: 'voice.place-call' })).toBe(1);
    // The voice worker's wait-queue pump.
    expect(value(voice, 'verigate_queue_consumers', { queue: 'voice.place-call.wait' })).toBe(1);
    expect(value(voice, 'process_cpu_user_seconds_total', { app: 'voice' })).toBeGreaterThan(0);

    const notifier = await scrapeApp('notifier');
    expect(value(notifier, 'verigate_webhook_attempts_total', { stream: 'status', outcome: 'ok' })).toBe(4);
    expect(value(notifier, 'verigate_webhook_attempts_total', { stream: 'fee', outcome: 'ok' })).toBe(1);
    expect(value(notifier, 'verigate_webhook_delivery_lag_seconds_count', { stream: 'fee' })).toBe(1);
    expect(value(notifier, 'verigate_webhook_pending_deliveries')).toBe(0);
    for (const queue of ['notifier.call-events', 'notifier.call-events.dead'])
      expect(value(notifier, 'verigate_queue_messages_ready', { queue })).toBe(0);
  });

  it('replaces an unsafe X-Request-Id and never logs it', async () => {
    for (const unsafe of ['x'.repeat(129), 'two words', '{"level":"error","msg":"forged"}']) {
      const response = await fetch(`${platform.baseUrl}/rest/nothing-here`, {
        method: 'POST',
        headers: { 'x-request-id': unsafe },
      });
      expect(response.status).toBe(403); // 1010006, and the id header is there on errors too
      const echoed = response.headers.get('x-request-id');
      expect(echoed).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      await expectEventually(() =>
        expect(lines.some((l) => l.requestId === echoed && l.route === '/rest/*')).toBe(true),
      );
      // Compare in the JSON-escaped form a logged value would take (quotes become \"), else the forged JSON could never match.
      const logged = JSON.stringify(unsafe).slice(1, 41);
      expect(lines.some((l) => JSON.stringify(l).includes(logged))).toBe(false);
    }
    // An unmatched route is one label value, not its URL.
    await fetch(`${platform.baseUrl}/no/such/path/12345`, { headers: { 'x-request-id': 'r-404' } });
    await expectEventually(async () => {
      const gateway = await scrapeApp('gateway');
      expect(
        value(gateway, 'verigate_http_requests_total', { route: 'unmatched', status: '404', method: 'GET' }),
      ).toBeGreaterThanOrEqual(1);
      expect(gateway.some((s) => Object.values(s.labels).some((v) => v.includes('12345')))).toBe(false);
    });
  });

  it("counts captcha RPCs and SMS sends, with the request id in the workers' logs", async () => {
    const headers = platform.sdkHeaders(sdkKey, 'obs-device', '198.51.100.9', { 'x-request-id': 'e2e-sms-1' });
    const { credential } = await platform.solveCaptcha(headers);
    const sent = await platform.sdk('POST', '/sms/send', headers, {
      mobile: '13800000099',
      type: 'LOGIN_SMS',
      captcha_token: credential,
    });
    expect(sent.status).toBe(200);
    const messageId: string = sent.body.message_id;
    await expectEventually(() => {
      const sms = lines.filter((l) => l.app === 'sms' && l.messageId === messageId);
      expect(sms.map((l) => l.msg)).toContain('sms submitted');
      for (const line of sms) expect(line.requestId).toBe('e2e-sms-1');
    });
    expect(
      lines.some(
        (l) =>
          l.app === 'gateway' && l.msg === 'http request' && l.requestId === 'e2e-sms-1' && l.messageId === messageId,
      ),
    ).toBe(true);

    const captcha = await scrapeApp('captcha');
    expect(value(captcha, 'verigate_captcha_rpc_total', { operation: 'get', result: 'ok' })).toBe(1);
    expect(value(captcha, 'verigate_captcha_rpc_total', { operation: 'check', result: 'ok' })).toBe(1);
    // Captchas are drawn ahead (pre-render pool), so draws are at least the one served.
    expect(
      value(captcha, 'verigate_captcha_draw_seconds_count', { captcha_type: 'blockPuzzle' }),
    ).toBeGreaterThanOrEqual(1);
    const served = ['pool', 'inline'].map(
      (source) => value(captcha, 'verigate_captcha_served_total', { kind: 'blockPuzzle', source }) ?? 0,
    );
    expect(served[0]! + served[1]!).toBe(1);
    expect(value(captcha, 'verigate_queue_consumers', { queue: 'captcha.rpc.v2' })).toBeGreaterThanOrEqual(1);

    const sms = await expectEventually(async () => {
      const samples = await scrapeApp('sms');
      expect(value(samples, 'verigate_sms_submits_total', { outcome: 'submitted' })).toBe(1);
      return samples;
    });
    expect(value(sms, 'verigate_sms_provider_connected', { provider: 'log' })).toBe(1);
    expect(value(sms, 'verigate_sms_accept_to_submit_seconds_count')).toBe(1);
    expect(value(sms, 'verigate_queue_messages_ready', { queue: 'sms.send.dead' })).toBe(0);

    const gateway = await scrapeApp('gateway');
    expect(value(gateway, 'verigate_api_requests_total', { api: 'smsSend', result: 'ok' })).toBe(1);
    expect(value(gateway, 'verigate_api_requests_total', { api: 'captchaGet', result: 'ok' })).toBe(1);
  });
});
