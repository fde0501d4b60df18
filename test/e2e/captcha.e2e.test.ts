import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadImage } from '@napi-rs/canvas';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { RpcClient } from '#libs/messaging';
import { CaptchaRpcClient } from '../../apps/gateway/src/captcha/captcha-rpc.client.js';
import { Platform } from './support/platform.js';

const aes = (plain: string, key: string) => {
  const c = createCipheriv('aes-128-ecb', Buffer.from(key), null);
  return Buffer.concat([c.update(plain, 'utf8'), c.final()]).toString('base64');
};
const unaes = (cipher: string, key: string) => {
  const d = createDecipheriv('aes-128-ecb', Buffer.from(key), null);
  return Buffer.concat([d.update(Buffer.from(cipher, 'base64')), d.final()]).toString('utf8');
};

const SEED_FIELDS = [
  'captchaId',
  'projectCode',
  'captchaOriginalPath',
  'captchaFontType',
  'captchaFontSize',
  'secretKey',
  'originalImageBase64',
  'point',
  'jigsawImageBase64',
  'wordList',
  'pointList',
  'pointJson',
  'token',
  'result',
  'captchaVerification',
];

/** The captcha SDK API end to end: gateway → RabbitMQ RPC → captcha workers → PostgreSQL. */
describe('image captcha (SPEC §2.1)', () => {
  const platform = new Platform();
  let appKey: string;
  let fp = 0;
  const fingerprint = () => `device-${++fp}-${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    await platform.start(
      {
        VERIGATE_CAPTCHA_GET_LIMIT_FP: '8',
        VERIGATE_CAPTCHA_GET_LIMIT_IP: '100000',
        VERIGATE_CAPTCHA_FAIL_LIMIT_FP: '3',
        VERIGATE_CAPTCHA_FAIL_LIMIT_IP: '100000',
        VERIGATE_CAPTCHA_RPC_TIMEOUT_MS: '1500',
        VERIGATE_TRUSTED_PROXIES: '127.0.0.1',
      },
      { voice: false, notifier: false },
    );
    await platform.startCaptcha();
    await platform.startCaptcha();
    // An AJ-Captcha client's app: proof of work off (captcha-pow.e2e.test.ts covers it on).
    const created = await platform.admin('POST', '/apps', {
      name: 'captcha shop',
      permissions: ['captcha'],
      captchaPow: false,
    });
    appKey = ((await created.json()) as { appKey: string }).appKey;
  });

  afterAll(async () => {
    await platform.stop();
  });

  /** As a client behind the trusted proxy 127.0.0.1 (which names it in X-Forwarded-For). */
  const sdkHeaders = (device: string, extra: Record<string, string> = {}) =>
    platform.sdkHeaders(appKey, device, '198.51.100.1', extra);
  const call = (method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: unknown) =>
    platform.sdk(method, `/captcha${path}`, headers, body);

  async function answerOf(token: string): Promise<any> {
    const [row] = await platform.infra.query<{ answer: any }>('SELECT answer FROM captcha_sessions WHERE token = $1', [
      token,
    ]);
    return row!.answer;
  }

  it('gets a blockPuzzle with exactly the seed fields, PNGs of 310×155 and a piece strip, and no answer', async () => {
    const got = await call('GET', '?captchaType=blockPuzzle', sdkHeaders(fingerprint()));
    expect(got.status).toBe(200);
    expect(Object.keys(got.body).sort()).toEqual([...SEED_FIELDS].sort());
    expect(got.body).toMatchObject({
      point: null,
      pointList: null,
      pointJson: null,
      result: false,
      captchaVerification: null,
      wordList: null,
    });
    expect(got.body.secretKey).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(got.body.token).toMatch(/^[0-9a-f]{32}$/);
    const background = await loadImage(Buffer.from(got.body.originalImageBase64, 'base64'));
    const piece = await loadImage(Buffer.from(got.body.jigsawImageBase64, 'base64'));
    expect([background.width, background.height]).toEqual([310, 155]);
    expect(piece.height).toBe(155);
    expect(piece.width).toBeLessThan(80);
  });

  it("a get answer (the worker's JSON, forwarded unparsed by the gateway) is compact UTF-8 JSON, never cached", async () => {
    for (const captchaType of ['blockPuzzle', 'clickWord']) {
      const got = await fetch(`${platform.baseUrl}/api/v2/sdk/captcha?captchaType=${captchaType}`, {
        headers: sdkHeaders(fingerprint()),
      });
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('application/json;charset=UTF-8');
      expect(got.headers.get('cache-control')).toBe('no-store');
      const text = await got.text();
      expect(Number(got.headers.get('content-length'))).toBe(Buffer.byteLength(text));
      expect(JSON.stringify(JSON.parse(text))).toBe(text);
    }
  });

  it('blockPuzzle with AES pointJson (AJ-Captcha client): check → encrypted captchaVerification → verify once', async () => {
    const headers = sdkHeaders(fingerprint());
    const got = (await call('GET', '', headers)).body;
    const answer = await answerOf(got.token);
    const pointJson = JSON.stringify({ x: answer.x + 3, y: 5 });
    const checked = await call('POST', '/check', headers, {
      captchaType: 'blockPuzzle',
      token: got.token,
      pointJson: aes(pointJson, got.secretKey),
    });
    expect(checked.status).toBe(200);
    expect(checked.body.result).toBe(true);
    expect(unaes(checked.body.captchaVerification, got.secretKey)).toBe(`${got.token}---${pointJson}`);

    const replay = await call('POST', '/check', headers, {
      captchaType: 'blockPuzzle',
      token: got.token,
      pointJson: aes(pointJson, got.secretKey),
    });
    expect(replay).toMatchObject({ status: 400, body: { error_code: 'CAPTCHA.TOKEN_INVALID' } });

    const verified = await call('POST', '/verify', sdkHeaders('backend'), {
      captchaVerification: checked.body.captchaVerification,
    });
    expect(verified).toMatchObject({ status: 200, body: { result: true } });
    const again = await call('POST', '/verify', sdkHeaders('backend'), {
      captchaVerification: checked.body.captchaVerification,
    });
    expect(again).toMatchObject({ status: 400, body: { error_code: 'CAPTCHA.VERIFICATION_INVALID' } });
  });

  it('verify also accepts the plain form (token---pointJson) of an AES credential, still once', async () => {
    const headers = sdkHeaders(fingerprint());
    const got = (await call('GET', '', headers)).body;
    const answer = await answerOf(got.token);
    const pointJson = JSON.stringify({ x: answer.x, y: 5 });
    const checked = await call('POST', '/check', headers, {
      token: got.token,
      pointJson: aes(pointJson, got.secretKey),
    });
    const plain = unaes(checked.body.captchaVerification, got.secretKey);
    expect(
      (await call('POST', '/verify', headers, { captchaVerification: `${got.token}---{"x":1,"y":5}` })).body.error_code,
    ).toBe('CAPTCHA.VERIFICATION_INVALID');
    expect((await call('POST', '/verify', headers, { captchaVerification: plain })).body.result).toBe(true);
    expect(
      (await call('POST', '/verify', headers, { captchaVerification: checked.body.captchaVerification })).body
        .error_code,
    ).toBe('CAPTCHA.VERIFICATION_INVALID');
  });

  it('clickWord in English with plain pointJson: Latin words, check in order, plain captchaVerification', async () => {
    const headers = sdkHeaders(fingerprint(), { 'x-l': 'en' });
    const got = (await call('GET', '?captchaType=clickWord', headers)).body;
    expect(got.wordList.length).toBeGreaterThanOrEqual(3);
    expect(got.wordList.length).toBeLessThanOrEqual(4);
    for (const word of got.wordList) expect(word).toMatch(/^[A-Z]$/);
    expect(got.jigsawImageBase64).toBeNull();
    const points = await answerOf(got.token);
    const pointJson = JSON.stringify(points.map((p: { x: number; y: number }) => ({ x: p.x + 4, y: p.y - 4 })));
    const checked = await call('POST', '/check', headers, { captchaType: 'clickWord', token: got.token, pointJson });
    expect(checked.status).toBe(200);
    expect(checked.body.captchaVerification).toBe(`${got.token}---${pointJson}`);
    expect(
      (await call('POST', '/verify', headers, { captchaVerification: checked.body.captchaVerification })).body.result,
    ).toBe(true);
  });

  it('clickWord in Chinese by default draws CJK characters', async () => {
    const got = (await call('GET', '?captchaType=clickWord', sdkHeaders(fingerprint()))).body;
    for (const word of got.wordList) expect(word).toMatch(/^[\u4e00-\u9fff]$/);
  });

  it('a wrong answer burns the token; the right answer afterwards is refused', async () => {
    const headers = sdkHeaders(fingerprint());
    const got = (await call('GET', '', headers)).body;
    const answer = await answerOf(got.token);
    const wrong = await call('POST', '/check', headers, {
      captchaType: 'blockPuzzle',
      token: got.token,
      pointJson: JSON.stringify({ x: answer.x + 40, y: 5 }),
    });
    expect(wrong).toMatchObject({ status: 400, body: { error_code: 'CAPTCHA.CAPTCHA_WRONG' } });
    const right = await call('POST', '/check', headers, {
      captchaType: 'blockPuzzle',
      token: got.token,
      pointJson: JSON.stringify({ x: answer.x, y: 5 }),
    });
    expect(right).toMatchObject({ status: 400, body: { error_code: 'CAPTCHA.TOKEN_INVALID' } });
  });

  it('an expired captcha and an expired credential are refused', async () => {
    const headers = sdkHeaders(fingerprint());
    const got = (await call('GET', '', headers)).body;
    const answer = await answerOf(got.token);
    await platform.infra.query(
      `UPDATE captcha_sessions SET expires_at = now() - interval '1 second' WHERE token = $1`,
      [got.token],
    );
    const late = await call('POST', '/check', headers, {
      captchaType: 'blockPuzzle',
      token: got.token,
      pointJson: JSON.stringify({ x: answer.x, y: 5 }),
    });
    expect(late.body.error_code).toBe('CAPTCHA.TOKEN_INVALID');

    const next = (await call('GET', '', headers)).body;
    const nextAnswer = await answerOf(next.token);
    const passed = await call('POST', '/check', headers, {
      captchaType: 'blockPuzzle',
      token: next.token,
      pointJson: JSON.stringify({ x: nextAnswer.x, y: 5 }),
    });
    expect(passed.body.result).toBe(true);
    await platform.infra.query(
      `UPDATE captcha_sessions SET verification_expires_at = now() - interval '1 second' WHERE token = $1`,
      [next.token],
    );
    expect(
      (await call('POST', '/verify', headers, { captchaVerification: passed.body.captchaVerification })).body
        .error_code,
    ).toBe('CAPTCHA.VERIFICATION_INVALID');
  });

  it('a synthetic straight-line drag is refused even at the right place', async () => {
    const headers = sdkHeaders(fingerprint());
    const got = (await call('GET', '', headers)).body;
    const { x } = await answerOf(got.token);
    const trajectory = Array.from({ length: 10 }, (_, i) => [i * 5, (x * i) / 9, 5]);
    const checked = await call('POST', '/check', headers, {
      captchaType: 'blockPuzzle',
      token: got.token,
      pointJson: JSON.stringify({ x, y: 5 }),
      trajectory,
    });
    expect(checked.body.error_code).toBe('CAPTCHA.CAPTCHA_WRONG');
  });

  it('SDK header rules: missing header, unknown client id, app without captcha permission; messages in X-L', async () => {
    const device = fingerprint();
    const { 'x-agent': _agent, ...noAgent } = sdkHeaders(device);
    expect(await call('GET', '', noAgent)).toEqual({
      status: 400,
      body: { error_code: 'CAPTCHA.HEADER_MISSING', error_msg: '缺少必填请求头: x-agent' },
    });
    expect(await call('GET', '', { ...noAgent, 'x-l': 'en' })).toEqual({
      status: 400,
      body: { error_code: 'CAPTCHA.HEADER_MISSING', error_msg: 'A required header is missing: x-agent' },
    });
    expect((await call('GET', '', sdkHeaders(device, { 'x-client-id': 'nope' }))).body.error_code).toBe(
      'CAPTCHA.CLIENT_ID_INVALID',
    );
    const voiceOnly = (await (
      await platform.admin('POST', '/apps', { name: 'voice only', permissions: ['voice'] })
    ).json()) as { appKey: string };
    const refused = await call('GET', '', sdkHeaders(device, { 'x-client-id': voiceOnly.appKey }));
    expect(refused).toMatchObject({ status: 400, body: { error_code: 'CAPTCHA.APP_NOT_PERMITTED' } });
  });

  it('bad input gets documented codes, never a 500', async () => {
    const headers = sdkHeaders(fingerprint());
    expect((await call('GET', '?captchaType=puzzle', headers)).body.error_code).toBe('CAPTCHA.CAPTCHA_TYPE_INVALID');
    expect(await call('POST', '/check', headers, '{"token":')).toMatchObject({
      status: 400,
      body: { error_code: 'CAPTCHA.PARAMETER_INVALID' },
    });
    expect((await call('POST', '/check', headers, [1, 2])).body.error_code).toBe('CAPTCHA.PARAMETER_INVALID');
    expect((await call('POST', '/check', headers, { token: 'x'.repeat(32), pointJson: '{}' })).body.error_code).toBe(
      'CAPTCHA.TOKEN_INVALID',
    );
    expect((await call('POST', '/check', headers, { token: 'a'.repeat(32), pointJson: 7 })).body.error_code).toBe(
      'CAPTCHA.PARAMETER_INVALID',
    );
    expect(
      (await call('POST', '/check', headers, { token: 'a'.repeat(32), pointJson: 'garbage' })).body.error_code,
    ).toBe('CAPTCHA.TOKEN_INVALID');
    expect((await call('POST', '/verify', headers, {})).body.error_code).toBe('CAPTCHA.PARAMETER_INVALID');
    expect((await call('POST', '/verify', headers, { captchaVerification: 'forged---{"x":1}' })).body.error_code).toBe(
      'CAPTCHA.VERIFICATION_INVALID',
    );
    // A garbage pointJson burns a real token like any wrong answer.
    const got = (await call('GET', '', headers)).body;
    expect(
      (await call('POST', '/check', headers, { token: got.token, pointJson: 'bm90IGFlcw==' })).body.error_code,
    ).toBe('CAPTCHA.CAPTCHA_WRONG');
  });

  it('rate-limits get per device fingerprint atomically under concurrency (429)', async () => {
    const headers = sdkHeaders(fingerprint());
    const results = await Promise.all(Array.from({ length: 12 }, () => call('GET', '', headers)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(8);
    const limited = results.filter((r) => r.status === 429);
    expect(limited).toHaveLength(4);
    expect(limited[0]!.body.error_code).toBe('CAPTCHA.RATE_LIMITED');
    expect((await call('GET', '', sdkHeaders(fingerprint()))).status).toBe(200);
  });

  it('locks a fingerprint out after repeated failures (429), other devices unaffected', async () => {
    const headers = sdkHeaders(fingerprint());
    for (let i = 0; i < 3; i++) {
      const got = (await call('GET', '', headers)).body;
      const answer = await answerOf(got.token);
      const wrong = await call('POST', '/check', headers, {
        token: got.token,
        pointJson: JSON.stringify({ x: answer.x + 50, y: 5 }),
      });
      expect(wrong.body.error_code).toBe('CAPTCHA.CAPTCHA_WRONG');
    }
    expect(await call('GET', '', headers)).toMatchObject({ status: 429, body: { error_code: 'CAPTCHA.LOCKED_OUT' } });
    expect((await call('GET', '', sdkHeaders(fingerprint()))).status).toBe(200);
  });

  it('believes X-Forwarded-For only from a trusted proxy (here 127.0.0.1)', async () => {
    const got = (
      await call(
        'GET',
        '',
        sdkHeaders(fingerprint(), { 'x-forwarded-for': '203.0.113.50, 198.51.100.7', 'x-device-ip': '10.10.10.1' }),
      )
    ).body;
    const [row] = await platform.infra.query<{ client_ip: string }>(
      'SELECT client_ip FROM captcha_sessions WHERE token = $1',
      [got.token],
    );
    expect(row!.client_ip).toBe('198.51.100.7');
  });

  it('refuses (400 CLIENT_ADDRESS_MISSING) a request from a trusted proxy that names no client, rather than limit everyone behind it as one', async () => {
    const { 'x-forwarded-for': _xff, ...fromProxy } = sdkHeaders(fingerprint());
    expect(await call('GET', '', fromProxy)).toEqual({
      status: 400,
      body: {
        error_code: 'CAPTCHA.CLIENT_ADDRESS_MISSING',
        error_msg: '无法确定客户端地址：受信任代理未通过 X-Forwarded-For 提供客户端 IP',
      },
    });
    expect(
      await call('POST', '/check', { ...fromProxy, 'x-l': 'en' }, { token: 'a'.repeat(32), pointJson: '{}' }),
    ).toEqual({
      status: 400,
      body: {
        error_code: 'CAPTCHA.CLIENT_ADDRESS_MISSING',
        error_msg: 'The client address is unknown: the trusted proxy did not send it in X-Forwarded-For',
      },
    });
    // Only trusted proxies in the chain: still nobody to attribute the request to.
    expect(
      (
        await call(
          'POST',
          '/verify',
          { ...fromProxy, 'x-forwarded-for': '127.0.0.1' },
          { captchaVerification: 'x---y' },
        )
      ).body.error_code,
    ).toBe('CAPTCHA.CLIENT_ADDRESS_MISSING');
  });

  it('GET /health answers 200 (its checks find the global DataSource and Broker)', async () => {
    const health = await fetch(`${platform.baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
  });

  it("allows cross-origin calls from the widget on customers' pages (CORS preflight and answers)", async () => {
    for (const path of ['', '/check', '/verify']) {
      const preflight = await fetch(`${platform.baseUrl}/api/v2/sdk/captcha${path}`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://shop.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'x-client-id,x-device-fingerprint,content-type',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/X-client-id.*X-L/);
    }
    const got = await fetch(`${platform.baseUrl}/api/v2/sdk/captcha`, {
      headers: { ...sdkHeaders(fingerprint()), origin: 'https://shop.example' },
    });
    expect(got.status).toBe(200);
    expect(got.headers.get('access-control-allow-origin')).toBe('*');
    const refused = await fetch(`${platform.baseUrl}/api/v2/sdk/captcha`, {
      headers: { origin: 'https://shop.example' },
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('serves the widget (one JS file) and the demo page', async () => {
    const widget = await fetch(`${platform.baseUrl}/captcha/widget.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get('content-type')).toContain('javascript');
    const source = await widget.text();
    expect(source).toContain('VerigateCaptcha');
    expect(source).not.toMatch(/^\s*import\s/m);
    const demo = await fetch(`${platform.baseUrl}/demo/captcha`);
    expect(demo.status).toBe(200);
    expect(await demo.text()).toContain('<script src="/captcha/widget.js"></script>');
  });

  it('a verify the gateway gave up on is not run late by a busy worker: the credential stays usable, once', async () => {
    const headers = sdkHeaders(fingerprint());
    const got = (await call('GET', '', headers)).body;
    const answer = await answerOf(got.token);
    const checked = await call('POST', '/check', headers, {
      token: got.token,
      pointJson: JSON.stringify({ x: answer.x, y: 5 }),
    });
    expect(checked.body.result).toBe(true);

    // The verify reaches a worker whose event loop is busy (drawing) past the gateway's 1.5 s
    // timeout. Gateway and workers share this process: stalling it right after the publish does that.
    const rpc = (platform.gateway.get(CaptchaRpcClient) as unknown as { rpc: RpcClient }).rpc;
    const call0 = rpc.call;
    rpc.call = function (this: RpcClient, ...args: Parameters<RpcClient['call']>) {
      const pending = call0.apply(this, args);
      for (const until = Date.now() + 1700; Date.now() < until;) {
        /* busy */
      }
      return pending;
    } as RpcClient['call'];
    let timedOut: { status: number; body: any };
    try {
      timedOut = await call('POST', '/verify', sdkHeaders('backend'), {
        captchaVerification: checked.body.captchaVerification,
      });
    } finally {
      rpc.call = call0;
    }
    expect(timedOut).toMatchObject({ status: 503, body: { error_code: 'CAPTCHA.SERVICE_UNAVAILABLE' } });
    await new Promise((r) => setTimeout(r, 500));

    expect(
      await call('POST', '/verify', sdkHeaders('backend'), { captchaVerification: checked.body.captchaVerification }),
    ).toMatchObject({ status: 200, body: { result: true } });
    expect(
      (await call('POST', '/verify', sdkHeaders('backend'), { captchaVerification: checked.body.captchaVerification }))
        .body.error_code,
    ).toBe('CAPTCHA.VERIFICATION_INVALID');
  });

  it('two workers serve one flow: get on one instance, check and verify on another', async () => {
    expect(platform.captchaWorkers).toHaveLength(2);
    await platform.stopCaptcha(platform.captchaWorkers[0]!);
    const headers = sdkHeaders(fingerprint());
    const got = (await call('GET', '', headers)).body; // only the second worker runs now
    const third = await platform.startCaptcha();
    await platform.stopCaptcha(platform.captchaWorkers[0]!); // the one that drew it
    expect(platform.captchaWorkers).toEqual([third]);
    const answer = await answerOf(got.token);
    const checked = await call('POST', '/check', headers, {
      token: got.token,
      pointJson: JSON.stringify({ x: answer.x, y: 5 }),
    });
    expect(checked.body.result).toBe(true);
    expect(
      (await call('POST', '/verify', headers, { captchaVerification: checked.body.captchaVerification })).body.result,
    ).toBe(true);
  });

  it('answers 503 SERVICE_UNAVAILABLE when no worker answers within the timeout', async () => {
    await platform.stopCaptcha(platform.captchaWorkers[0]!);
    const started = Date.now();
    const got = await call('GET', '', sdkHeaders(fingerprint()));
    expect(got).toMatchObject({ status: 503, body: { error_code: 'CAPTCHA.SERVICE_UNAVAILABLE' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);

    // The request expired in the queue with the gateway's timeout: a worker that starts later
    // does not draw a captcha nobody waits for.
    const device = `late-${Date.now()}`;
    expect((await call('GET', '', sdkHeaders(device))).status).toBe(503);
    await platform.startCaptcha();
    await new Promise((r) => setTimeout(r, 500));
    expect(await platform.infra.query('SELECT 1 FROM captcha_sessions WHERE fingerprint = $1', [device])).toHaveLength(
      0,
    );
    expect((await call('GET', '', sdkHeaders(device))).status).toBe(200);
  });
});
