import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { powPayload, solvePow, type PowChallenge } from '#libs/auth';
import { CaptchaPow1764700000500 } from '../../libs/persistence/src/migrations/1764700000500-captcha-pow.js';
import { ok, Platform } from './support/platform.js';

const BASE = 2000;

/**
 * Proof of work (ALTCHA format), its risk-adapted difficulty, managed mode and the people-tuned
 * lock-outs, end to end: gateway → RabbitMQ RPC → captcha worker → PostgreSQL.
 */
describe('captcha proof of work and managed mode', () => {
  const platform = new Platform();
  let appKey: string;
  let device = 0;
  let address = 0;
  /** A fresh device behind its own address (so one test's counts do not raise another's risk). */
  const freshClient = (ip = `198.51.100.${++address}`) => platform.sdkHeaders(appKey, `pow-device-${++device}`, ip);
  const call = (method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: unknown) =>
    platform.sdk(method, `/captcha${path}`, headers, body);

  beforeAll(async () => {
    await platform.start(
      { VERIGATE_TRUSTED_PROXIES: '127.0.0.1', VERIGATE_CAPTCHA_VELOCITY_IP: '4' },
      { voice: false, notifier: false },
    );
    await platform.startCaptcha();
    const created = await ok(
      await platform.admin('POST', '/apps', { name: 'pow shop', permissions: ['captcha'] }),
      201,
    );
    appKey = created.appKey;
  });

  afterAll(async () => {
    await platform.stop();
  });

  async function answerOf(token: string): Promise<{ x: number; y: number }> {
    const [row] = await platform.infra.query<{ answer: { x: number; y: number } }>(
      'SELECT answer FROM captcha_sessions WHERE token = $1',
      [token],
    );
    return row!.answer;
  }

  const solved = (pow: PowChallenge) => powPayload(pow, solvePow(pow)!);

  it('a new app has proof of work on: get adds a signed ALTCHA challenge to the seed fields', async () => {
    expect(await ok(await platform.admin('GET', `/apps/${appKey}`))).toMatchObject({
      captchaPow: true,
      captchaUnderAttack: false,
    });
    const got = await call('GET', '', freshClient());
    expect(got.status).toBe(200);
    expect(got.body.pow).toEqual({
      algorithm: 'SHA-256',
      challenge: expect.stringMatching(/^[0-9a-f]{64}$/),
      maxnumber: BASE,
      salt: expect.stringMatching(/^[0-9a-f]{16}\?expires=\d+$/),
      signature: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(got.body.token).toMatch(/^[0-9a-f]{32}$/);
  });

  it('check refuses a missing or wrong solution (POW_REQUIRED, POW_INVALID) and then accepts the right one', async () => {
    const h = freshClient();
    const got = (await call('GET', '', h)).body;
    const pointJson = JSON.stringify({ x: (await answerOf(got.token)).x, y: 5 });
    expect(await call('POST', '/check', h, { token: got.token, pointJson })).toMatchObject({
      status: 400,
      body: { error_code: 'CAPTCHA.POW_REQUIRED' },
    });
    const number = solvePow(got.pow)!;
    const wrong = powPayload(got.pow, number === 0 ? 1 : number - 1);
    expect(await call('POST', '/check', h, { token: got.token, pointJson, powSolution: wrong })).toMatchObject({
      status: 400,
      body: { error_code: 'CAPTCHA.POW_INVALID' },
    });
    expect(await call('POST', '/check', h, { token: got.token, pointJson, powSolution: 'garbage' })).toMatchObject({
      status: 400,
      body: { error_code: 'CAPTCHA.POW_INVALID' },
    });
    const right = await call('POST', '/check', h, {
      token: got.token,
      pointJson,
      powSolution: powPayload(got.pow, number),
    });
    expect(right).toMatchObject({ status: 200, body: { result: true } });
    expect(
      (await call('POST', '/verify', h, { captchaVerification: right.body.captchaVerification })).body.result,
    ).toBe(true);
  });

  it('a solution with a non-ASCII signature of 64 characters is POW_INVALID (not an internal error), and the right one still passes', async () => {
    const h = freshClient();
    const got = (await call('GET', '', h)).body;
    const pointJson = JSON.stringify({ x: (await answerOf(got.token)).x, y: 5 });
    const payload = JSON.parse(Buffer.from(solved(got.pow), 'base64').toString('utf8'));
    const nonAscii = { ...payload, signature: `é${payload.signature.slice(1)}` };
    expect(await call('POST', '/check', h, { token: got.token, pointJson, powSolution: nonAscii })).toMatchObject({
      status: 400,
      body: { error_code: 'CAPTCHA.POW_INVALID' },
    });
    expect(
      await call('POST', '/check', h, {
        token: got.token,
        pointJson,
        powSolution: Buffer.from(JSON.stringify(nonAscii)).toString('base64'),
      }),
    ).toMatchObject({ status: 400, body: { error_code: 'CAPTCHA.POW_INVALID' } });
    expect(await call('POST', '/check', h, { token: got.token, pointJson, powSolution: payload })).toMatchObject({
      status: 200,
      body: { result: true },
    });
  });

  it('a replayed solution is refused: on its own captcha (single-use token) and on another captcha (bound to its token)', async () => {
    const h = freshClient();
    const first = (await call('GET', '', h)).body;
    const solution = solved(first.pow);
    const pointJson = JSON.stringify({ x: (await answerOf(first.token)).x, y: 5 });
    expect(
      (await call('POST', '/check', h, { token: first.token, pointJson, powSolution: solution })).body.result,
    ).toBe(true);
    expect(
      (await call('POST', '/check', h, { token: first.token, pointJson, powSolution: solution })).body.error_code,
    ).toBe('CAPTCHA.TOKEN_INVALID');
    const second = (await call('GET', '', h)).body;
    const secondPoint = JSON.stringify({ x: (await answerOf(second.token)).x, y: 5 });
    expect(
      await call('POST', '/check', h, { token: second.token, pointJson: secondPoint, powSolution: solution }),
    ).toMatchObject({ status: 400, body: { error_code: 'CAPTCHA.POW_INVALID' } });
    // As an object (ALTCHA payload decoded) works as well as base64.
    const decoded = JSON.parse(Buffer.from(solved(second.pow), 'base64').toString('utf8'));
    expect(
      (await call('POST', '/check', h, { token: second.token, pointJson: secondPoint, powSolution: decoded })).body
        .result,
    ).toBe(true);
  });

  it('difficulty rises ten-fold for a device asking too often (velocity), from whatever address', async () => {
    const maxnumbers: number[] = [];
    for (let i = 0; i < 7; i++)
      maxnumbers.push(
        (await call('GET', '', platform.sdkHeaders(appKey, 'busy-device', `198.51.100.${++address}`))).body.pow
          .maxnumber,
      );
    expect(maxnumbers).toEqual([BASE, BASE, BASE, BASE, BASE, BASE * 10, BASE * 10]);
  });

  it('counts an IPv6 client by its /64: rotating addresses (and devices) inside it still raises velocity', async () => {
    const maxnumbers: number[] = [];
    for (let i = 1; i <= 6; i++)
      maxnumbers.push((await call('GET', '', freshClient(`2001:db8:77:1::${i.toString(16)}`))).body.pow.maxnumber);
    expect(maxnumbers).toEqual([BASE, BASE, BASE, BASE, BASE * 10, BASE * 10]);
    // Another /64 is somebody else.
    expect((await call('GET', '', freshClient('2001:db8:77:2::1'))).body.pow.maxnumber).toBe(BASE);
  });

  it('a person who fails twice gets a fresh puzzle and a harder proof of work, not a lock-out; then passes', async () => {
    const h = freshClient();
    for (let i = 0; i < 2; i++) {
      const got = (await call('GET', '', h)).body;
      const wrong = JSON.stringify({ x: (await answerOf(got.token)).x + 50, y: 5 });
      expect(
        (await call('POST', '/check', h, { token: got.token, pointJson: wrong, powSolution: solved(got.pow) })).body
          .error_code,
      ).toBe('CAPTCHA.CAPTCHA_WRONG');
    }
    const third = await call('GET', '', h);
    expect(third.status).toBe(200);
    expect(third.body.pow.maxnumber).toBe(BASE * 10);
    const pointJson = JSON.stringify({ x: (await answerOf(third.body.token)).x, y: 5 });
    expect(
      (await call('POST', '/check', h, { token: third.body.token, pointJson, powSolution: solved(third.body.pow) }))
        .body.result,
    ).toBe(true);
  });

  it('managed mode: a low-risk client gets a captchaVerification without a puzzle; verify takes it once', async () => {
    const h = freshClient();
    const got = (await call('GET', '', h)).body;
    const managed = await call('POST', '/managed', h, {
      token: got.token,
      powSolution: solved(got.pow),
      signals: { elapsedMs: 2500, interactions: 12 },
    });
    expect(managed).toMatchObject({ status: 200, body: { result: true, captchaVerification: expect.any(String) } });
    const backend = platform.sdkHeaders(appKey, 'backend');
    expect(
      (await call('POST', '/verify', backend, { captchaVerification: managed.body.captchaVerification })).body.result,
    ).toBe(true);
    expect(
      (await call('POST', '/verify', backend, { captchaVerification: managed.body.captchaVerification })).body
        .error_code,
    ).toBe('CAPTCHA.VERIFICATION_INVALID');
    // The token is spent: neither managed nor check takes it again.
    expect(
      (
        await call('POST', '/managed', h, {
          token: got.token,
          powSolution: solved(got.pow),
          signals: { elapsedMs: 2500 },
        })
      ).body.error_code,
    ).toBe('CAPTCHA.TOKEN_INVALID');
  });

  it("a managed-mode credential is the SMS API's captcha_token like any other (single use)", async () => {
    const smsApp = await ok(
      await platform.admin('POST', '/apps', {
        name: 'managed sms shop',
        signature: 'Shop',
        permissions: ['captcha', 'sms'],
      }),
      201,
    );
    const h = platform.sdkHeaders(smsApp.appKey, 'managed-sms-device', '198.51.100.240');
    const got = (await call('GET', '', h)).body;
    const managed = await call('POST', '/managed', h, {
      token: got.token,
      powSolution: solved(got.pow),
      signals: { elapsedMs: 1500 },
    });
    expect(managed.body.result).toBe(true);
    const send = (mobile: string) =>
      platform.sdk('POST', '/sms/send', h, {
        mobile,
        type: 'LOGIN_SMS',
        captcha_token: managed.body.captchaVerification,
      });
    expect((await send('13800000001')).status).toBe(200);
    expect((await send('13800000002')).body.error_code).toBe('SMS.CAPTCHA_TOKEN_INVALID');
  });

  it('managed mode escalates to the puzzle: high velocity, a page seen for an instant, no proof of work', async () => {
    const hot = freshClient();
    for (let i = 0; i < 6; i++) await call('GET', '', hot);
    const got = (await call('GET', '', hot)).body;
    const solution = solved(got.pow);
    const managed = await call('POST', '/managed', hot, {
      token: got.token,
      powSolution: solution,
      signals: { elapsedMs: 2500 },
    });
    expect(managed).toMatchObject({
      status: 200,
      body: { result: false, escalated: 'velocity', captchaVerification: null },
    });
    // The same captcha, now by its puzzle (and the same proof of work).
    const pointJson = JSON.stringify({ x: (await answerOf(got.token)).x, y: 5 });
    expect(
      (await call('POST', '/check', hot, { token: got.token, pointJson, powSolution: solution })).body.result,
    ).toBe(true);

    const quick = freshClient();
    const next = (await call('GET', '', quick)).body;
    expect(
      (
        await call('POST', '/managed', quick, {
          token: next.token,
          powSolution: solved(next.pow),
          signals: { elapsedMs: 30 },
        })
      ).body,
    ).toMatchObject({ result: false, escalated: 'behaviour' });
    expect(await call('POST', '/managed', quick, { token: next.token, signals: { elapsedMs: 3000 } })).toMatchObject({
      status: 400,
      body: { error_code: 'CAPTCHA.POW_REQUIRED' },
    });
    expect((await call('POST', '/managed', quick, { token: next.token, signals: 'x' })).body.error_code).toBe(
      'CAPTCHA.PARAMETER_INVALID',
    );
  });

  it('managed mode judges the get: a get flagged for velocity stays flagged after its window, and from another device and address', async () => {
    const hotDevice = `hot-device-${++device}`;
    const hotIp = `198.51.100.${++address}`;
    const hot = platform.sdkHeaders(appKey, hotDevice, hotIp);
    for (let i = 0; i < 6; i++) await call('GET', '', hot);
    const flagged = (await call('GET', '', hot)).body;
    expect(flagged.pow.maxnumber).toBe(BASE * 10);
    // The get window passes (as if the script waited 60 s; the token lives 120 s).
    await platform.infra.query(
      `UPDATE captcha_limits SET get_window_start = now() - interval '1 hour' WHERE key IN ($1, $2)`,
      [`fp:${appKey}:${hotDevice}`, `ip:${hotIp}`],
    );
    expect(
      (
        await call('POST', '/managed', hot, {
          token: flagged.token,
          powSolution: solved(flagged.pow),
          signals: { elapsedMs: 2500 },
        })
      ).body,
    ).toMatchObject({ result: false, escalated: 'velocity', captchaVerification: null });
    // Another device behind another address, with the flagged get's token: still the puzzle.
    for (let i = 0; i < 6; i++) await call('GET', '', hot);
    const again = (await call('GET', '', hot)).body;
    expect(again.pow.maxnumber).toBe(BASE * 10);
    const elsewhere = freshClient();
    expect(
      (
        await call('POST', '/managed', elsewhere, {
          token: again.token,
          powSolution: solved(again.pow),
          signals: { elapsedMs: 2500 },
        })
      ).body,
    ).toMatchObject({ result: false, escalated: 'velocity' });
  });

  it("managed mode escalates when the caller is not the get's (another device, or another address bucket)", async () => {
    const h = freshClient();
    const got = (await call('GET', '', h)).body;
    const otherDevice = { ...h, 'x-device-fingerprint': `other-${++device}` };
    const otherAddress = { ...h, 'x-forwarded-for': `198.51.100.${++address}` };
    for (const caller of [otherDevice, otherAddress]) {
      expect(
        (
          await call('POST', '/managed', caller, {
            token: got.token,
            powSolution: solved(got.pow),
            signals: { elapsedMs: 2500 },
          })
        ).body,
      ).toMatchObject({ result: false, escalated: 'caller-changed' });
    }
    // Another address inside the same IPv6 /64 is the same address bucket: the get's caller.
    const v6 = freshClient('2001:db8:99:1::1');
    const v6Got = (await call('GET', '', v6)).body;
    expect(
      (
        await call(
          'POST',
          '/managed',
          { ...v6, 'x-forwarded-for': '2001:db8:99:1::2' },
          { token: v6Got.token, powSolution: solved(v6Got.pow), signals: { elapsedMs: 2500 } },
        )
      ).body.result,
    ).toBe(true);
    // The get's own caller passes.
    expect(
      (
        await call('POST', '/managed', h, {
          token: got.token,
          powSolution: solved(got.pow),
          signals: { elapsedMs: 2500 },
        })
      ).body.result,
    ).toBe(true);
  });

  it('under attack (operator switch): every client pays ten times more and managed mode always shows the puzzle', async () => {
    await ok(await platform.admin('PATCH', `/apps/${appKey}`, { captchaUnderAttack: true }));
    try {
      const h = freshClient();
      await new Promise((resolve) => setTimeout(resolve, 1100)); // the gateway's app cache (DIRECTORY_TTL_MS)
      const got = (await call('GET', '', h)).body;
      expect(got.pow.maxnumber).toBe(BASE * 10);
      expect(
        (
          await call('POST', '/managed', h, {
            token: got.token,
            powSolution: solved(got.pow),
            signals: { elapsedMs: 5000 },
          })
        ).body,
      ).toMatchObject({ result: false, escalated: 'under-attack' });
    } finally {
      await ok(await platform.admin('PATCH', `/apps/${appKey}`, { captchaUnderAttack: false }));
    }
  });

  it('with proof of work off, an app answers exactly as an AJ-Captcha server (no pow field) and managed mode shows the puzzle', async () => {
    const created = await ok(
      await platform.admin('POST', '/apps', { name: 'legacy shop', permissions: ['captcha'], captchaPow: false }),
      201,
    );
    expect(created.captchaPow).toBe(false);
    const h = platform.sdkHeaders(created.appKey, 'legacy-device', '198.51.100.250');
    const got = (await call('GET', '', h)).body;
    expect(got).not.toHaveProperty('pow');
    expect((await call('POST', '/managed', h, { token: got.token })).body).toMatchObject({
      result: false,
      escalated: 'pow-off',
    });
    const pointJson = JSON.stringify({ x: (await answerOf(got.token)).x, y: 5 });
    expect((await call('POST', '/check', h, { token: got.token, pointJson })).body.result).toBe(true);
    expect((await platform.admin('PATCH', `/apps/${created.appKey}`, { captchaPow: 'yes' })).status).toBe(400);
  });

  it('the migration turns proof of work off for the apps that existed before it, on for apps created after', async () => {
    const existing = await ok(
      await platform.admin('POST', '/apps', { name: 'existing before the migration', permissions: ['captcha'] }),
      201,
    );
    const runner = platform.gateway.get(DataSource, { strict: false }).createQueryRunner();
    try {
      const migration = new CaptchaPow1764700000500();
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    expect(await ok(await platform.admin('GET', `/apps/${existing.appKey}`))).toMatchObject({
      captchaPow: false,
      captchaUnderAttack: false,
    });
    expect(
      await ok(
        await platform.admin('POST', '/apps', { name: 'created after the migration', permissions: ['captcha'] }),
        201,
      ),
    ).toMatchObject({ captchaPow: true });
  });
});
