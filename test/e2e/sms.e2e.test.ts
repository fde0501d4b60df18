import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { expectEventually } from '#libs/testing';
import { Platform } from './support/platform.js';

/**
 * The SMS API end to end with the development provider (log): gateway → PostgreSQL + outbox →
 * RabbitMQ → sms worker → sms_dev_inbox, and verification. The SMPP provider's own end-to-end
 * tests are in sms-smpp.e2e.test.ts.
 */
describe('SMS verification codes (SPEC §2.2)', () => {
  const platform = new Platform();
  const logLines: string[] = [];
  let appKey: string;
  let device = 0;
  let mobileSeq = 0;
  const newDevice = () => `sms-device-${++device}`;
  const newMobile = () => `139${String(10_000_000 + ++mobileSeq).slice(-8)}`;

  beforeAll(async () => {
    // Every log line of the run, at debug level, is kept: no code or credential may be in one.
    process.env.TEST_LOG_LEVEL = 'debug';
    const write = process.stdout.write.bind(process.stdout);
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logLines.push(String(chunk));
      return true;
    });
    void write;
    await platform.start(
      {
        VERIGATE_TRUSTED_PROXIES: '127.0.0.1',
        VERIGATE_CAPTCHA_GET_LIMIT_FP: '1000',
        VERIGATE_CAPTCHA_GET_LIMIT_IP: '100000',
        VERIGATE_SMS_VERIFY_PER_DEVICE_HOUR: '6',
        VERIGATE_SMS_LOG_FILE: `/tmp/verigate-sms-${process.pid}.jsonl`,
      },
      { voice: false, notifier: false },
    );
    await platform.startCaptcha();
    await platform.startSms();
    const created = await platform.admin('POST', '/apps', {
      name: 'sms shop',
      signature: '华为云',
      permissions: ['captcha', 'sms'],
    });
    appKey = ((await created.json()) as { appKey: string }).appKey;
  });

  afterAll(async () => {
    await platform.stop();
    delete process.env.TEST_LOG_LEVEL;
    jest.restoreAllMocks();
  });

  const headers = (dev: string, extra: Record<string, string> = {}, ip = '198.51.100.7') =>
    platform.sdkHeaders(appKey, dev, ip, extra);
  const send = (h: Record<string, string>, body: unknown) => platform.sdk('POST', '/sms/send', h, body);
  const verify = (h: Record<string, string>, body: unknown) => platform.sdk('POST', '/sms/verify', h, body);

  async function inboxText(messageId: string): Promise<string> {
    let text = '';
    await expectEventually(async () => {
      const rows = await platform.infra.query<{ text: string }>(
        'SELECT text FROM sms_dev_inbox WHERE message_id = $1',
        [messageId],
      );
      expect(rows).toHaveLength(1);
      text = rows[0]!.text;
    });
    return text;
  }
  const codeIn = (text: string) => /(\d{6})/.exec(text)![1]!;

  it('sends the seed example (type "BIND_MOBILE_ SMS ", X-L zh) and verifies the code exactly once', async () => {
    const dev = newDevice();
    const h = headers(dev, { 'x-l': 'zh' });
    const { credential } = await platform.solveCaptcha(h);
    const mobile = newMobile();
    const sent = await send(h, { mobile, type: 'BIND_MOBILE_ SMS ', captcha_token: credential });
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({
      result: true,
      message_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      expires_in: 300,
      resend_after: 60,
    });

    const text = await inboxText(sent.body.message_id);
    expect(text).toMatch(/^【华为云】您的绑定手机号验证码是\d{6}，5分钟内有效。请勿泄露给他人。$/);
    const code = codeIn(text);

    // The log provider reports delivery at once; the sealed code is wiped once submitted.
    await expectEventually(async () => {
      const [row] = await platform.infra.query<any>(
        'SELECT status, code_sealed, code_hash, segments, provider, type FROM sms_messages WHERE id = $1',
        [sent.body.message_id],
      );
      expect(row).toMatchObject({
        status: 'delivered',
        code_sealed: null,
        segments: 1,
        provider: 'log',
        type: 'BIND_MOBILE_SMS',
      });
      expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.code_hash).not.toContain(code);
    });

    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect(await verify(h, { mobile, type: 'BIND_MOBILE_SMS', code: wrong })).toMatchObject({
      status: 400,
      body: { error_code: 'SMS.CODE_WRONG' },
    });
    expect(await verify(h, { mobile, type: 'BIND_MOBILE_SMS', code })).toEqual({ status: 200, body: { result: true } });
    expect(await verify(h, { mobile, type: 'BIND_MOBILE_SMS', code })).toMatchObject({
      status: 400,
      body: { error_code: 'SMS.CODE_USED' },
    });
    // Another type of the same mobile has no code: answered like a wrong code (no enumeration).
    expect(await verify(h, { mobile, type: 'LOGIN_SMS', code })).toMatchObject({
      status: 400,
      body: { error_code: 'SMS.CODE_WRONG' },
    });
  });

  it('writes the English template for X-L en', async () => {
    const h = headers(newDevice(), { 'x-l': 'en' });
    const sent = await send(h, {
      mobile: newMobile(),
      type: 'LOG IN_SMS',
      captcha_token: (await platform.solveCaptcha(h)).credential,
    });
    expect(sent.status).toBe(200);
    expect(await inboxText(sent.body.message_id)).toMatch(
      /^\[华为云\] Your login code is \d{6}\. Valid for 5 min\. Never share it\.$/,
    );
  });

  it('consumes the captcha credential: once only, also when the send is refused by a limit', async () => {
    const h = headers(newDevice());
    const mobile = newMobile();
    const first = await platform.solveCaptcha(h);
    expect((await send(h, { mobile, type: 'LOGIN_SMS', captcha_token: first.credential })).status).toBe(200);
    expect(await send(h, { mobile: newMobile(), type: 'LOGIN_SMS', captcha_token: first.credential })).toMatchObject({
      status: 400,
      body: { error_code: 'SMS.CAPTCHA_TOKEN_INVALID' },
    });

    // Refused by the cool-down: the credential is spent too (issue 14 item 6: one solved captcha
    // cannot probe a mobile's cool-down and caps again and again).
    const second = await platform.solveCaptcha(h);
    expect(await send(h, { mobile, type: 'LOGIN_SMS', captcha_token: second.credential })).toMatchObject({
      status: 429,
      body: { error_code: 'SMS.RESEND_TOO_SOON' },
    });
    expect(await send(h, { mobile, type: 'REGISTER_SMS', captcha_token: second.credential })).toMatchObject({
      status: 400,
      body: { error_code: 'SMS.CAPTCHA_TOKEN_INVALID' },
    });

    // A credential of the captcha verify API (secondary verification) is spent there.
    const third = await platform.solveCaptcha(h);
    expect((await platform.sdk('POST', '/captcha/verify', h, { captchaVerification: third.credential })).status).toBe(
      200,
    );
    expect(await send(h, { mobile: newMobile(), type: 'LOGIN_SMS', captcha_token: third.credential })).toMatchObject({
      status: 400,
      body: { error_code: 'SMS.CAPTCHA_TOKEN_INVALID' },
    });
    // Unknown and forged credentials.
    expect(
      await send(h, {
        mobile: newMobile(),
        type: 'LOGIN_SMS',
        captcha_token: `${'a'.repeat(32)}---{"x":237.0,"y":5.0}`,
      }),
    ).toMatchObject({ status: 400, body: { error_code: 'SMS.CAPTCHA_TOKEN_INVALID' } });
  });

  it('accepts an AES credential, and its plain form instead (SPEC §2.2), once', async () => {
    const h = headers(newDevice());
    const aes = await platform.solveCaptcha(h, true);
    expect(aes.credential).not.toContain('---');
    expect((await send(h, { mobile: newMobile(), type: 'LOGIN_SMS', captcha_token: aes.credential })).status).toBe(200);

    const other = await platform.solveCaptcha(h, true);
    expect((await send(h, { mobile: newMobile(), type: 'LOGIN_SMS', captcha_token: other.plain })).status).toBe(200);
    expect(await send(h, { mobile: newMobile(), type: 'LOGIN_SMS', captcha_token: other.credential })).toMatchObject({
      status: 400,
      body: { error_code: 'SMS.CAPTCHA_TOKEN_INVALID' },
    });
  });

  it('a credential of another app is not accepted', async () => {
    const created = await platform.admin('POST', '/apps', { name: 'other shop', permissions: ['captcha', 'sms'] });
    const otherKey = ((await created.json()) as { appKey: string }).appKey;
    const otherHeaders = platform.sdkHeaders(otherKey, newDevice());
    const { credential } = await platform.solveCaptcha(otherHeaders);
    expect(
      await send(headers(newDevice()), { mobile: newMobile(), type: 'LOGIN_SMS', captcha_token: credential }),
    ).toMatchObject({ status: 400, body: { error_code: 'SMS.CAPTCHA_TOKEN_INVALID' } });
    expect(
      (await send(otherHeaders, { mobile: newMobile(), type: 'LOGIN_SMS', captcha_token: credential })).status,
    ).toBe(200);
  });

  it('kills a code after the allowed wrong attempts, refuses expired codes, and only the newest code counts', async () => {
    const h = headers(newDevice());
    const mobile = newMobile();
    const sent = await send(h, {
      mobile,
      type: 'FORGET_PWD_SMS',
      captcha_token: (await platform.solveCaptcha(h)).credential,
    });
    const code = codeIn(await inboxText(sent.body.message_id));
    const wrong = code === '000000' ? '111111' : '000000';
    // Wrong guesses all answer CODE_WRONG (even the one that kills the code, and any after it):
    // only the right code learns that the code is dead.
    for (let i = 1; i <= 6; i++)
      expect((await verify(h, { mobile, type: 'FORGET_PWD_SMS', code: wrong })).body.error_code).toBe('SMS.CODE_WRONG');
    const [dead] = await platform.infra.query<{ code_state: string; verify_attempts: number }>(
      'SELECT code_state, verify_attempts FROM sms_messages WHERE id = $1',
      [sent.body.message_id],
    );
    expect(dead).toEqual({ code_state: 'dead', verify_attempts: 5 });
    expect((await verify(headers(newDevice()), { mobile, type: 'FORGET_PWD_SMS', code })).body.error_code).toBe(
      'SMS.CODE_ATTEMPTS_EXCEEDED',
    );

    const mobile2 = newMobile();
    const expiring = await send(h, {
      mobile: mobile2,
      type: 'FORGET_PWD_SMS',
      captcha_token: (await platform.solveCaptcha(h)).credential,
    });
    const code2 = codeIn(await inboxText(expiring.body.message_id));
    await platform.infra.query(`UPDATE sms_messages SET code_expires_at = now() - interval '1 second' WHERE id = $1`, [
      expiring.body.message_id,
    ]);
    const other = headers(newDevice());
    expect(
      (await verify(other, { mobile: mobile2, type: 'FORGET_PWD_SMS', code: wrong === code2 ? '222222' : wrong })).body
        .error_code,
    ).toBe('SMS.CODE_WRONG');
    expect((await verify(other, { mobile: mobile2, type: 'FORGET_PWD_SMS', code: code2 })).body.error_code).toBe(
      'SMS.CODE_EXPIRED',
    );
  });

  it('supersedes an earlier code of the same mobile and type', async () => {
    await platform.admin('PATCH', `/apps/${appKey}`, { limits: { smsResendCooldownSeconds: 0 } });
    try {
      const h = headers(newDevice());
      const mobile = newMobile();
      const older = await send(h, {
        mobile,
        type: 'UPDATE_MOBILE_SMS',
        captcha_token: (await platform.solveCaptcha(h)).credential,
      });
      const olderCode = codeIn(await inboxText(older.body.message_id));
      await expectEventually(async () => {
        const newer = await send(h, {
          mobile,
          type: 'UPDATE_MOBILE_SMS',
          captcha_token: (await platform.solveCaptcha(h)).credential,
        });
        expect(newer.status).toBe(200);
        const newerCode = codeIn(await inboxText(newer.body.message_id));
        if (newerCode === olderCode) return; // one chance in a million: the assertion below would be wrong
        expect((await verify(h, { mobile, type: 'UPDATE_MOBILE_SMS', code: olderCode })).body.error_code).toBe(
          'SMS.CODE_WRONG',
        );
        expect((await verify(h, { mobile, type: 'UPDATE_MOBILE_SMS', code: newerCode })).status).toBe(200);
      });
      const [row] = await platform.infra.query<{ code_state: string }>(
        'SELECT code_state FROM sms_messages WHERE id = $1',
        [older.body.message_id],
      );
      expect(row!.code_state).toBe('superseded');
    } finally {
      await platform.admin('PATCH', `/apps/${appKey}`, { limits: { smsResendCooldownSeconds: null } });
    }
  });

  it('enforces the per-mobile, per-device and per-IP caps exactly under concurrency, with their codes', async () => {
    const created = await platform.admin('POST', '/apps', {
      name: 'capped shop',
      permissions: ['captcha', 'sms'],
    });
    const cappedKey = ((await created.json()) as { appKey: string }).appKey;
    const patched = await platform.admin('PATCH', `/apps/${cappedKey}`, {
      limits: {
        smsResendCooldownSeconds: 0,
        smsPerMobilePerHour: 3,
        smsPerMobilePerDay: 4,
        smsPerDevicePerHour: 6,
        smsPerIpPerHour: 8,
      },
    });
    expect(patched.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100)); // the gateway's app cache (1 s)

    // 10 parallel sends to one mobile from distinct devices and IPs: exactly 3 accepted.
    const mobile = newMobile();
    const clients = Array.from({ length: 10 }, (_, i) =>
      platform.sdkHeaders(cappedKey, `cap-dev-${i}`, `203.0.113.${i + 1}`),
    );
    const tokens = await Promise.all(clients.map((h) => platform.solveCaptcha(h)));
    const results = await Promise.all(
      clients.map((h, i) => send(h, { mobile, type: 'LOGIN_SMS', captcha_token: tokens[i]!.credential })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);
    expect(results.filter((r) => r.status === 429).map((r) => r.body.error_code)).toEqual(
      Array(7).fill('SMS.MOBILE_HOURLY_LIMIT'),
    );

    // Per day: one more within the day once the hour is behind it.
    await platform.infra.query(
      `UPDATE sms_messages SET created_at = created_at - interval '2 hours' WHERE mobile = $1`,
      [mobile],
    );
    const day1 = platform.sdkHeaders(cappedKey, 'cap-day', '203.0.113.50');
    expect(
      (await send(day1, { mobile, type: 'LOGIN_SMS', captcha_token: (await platform.solveCaptcha(day1)).credential }))
        .status,
    ).toBe(200);
    expect(
      (await send(day1, { mobile, type: 'LOGIN_SMS', captcha_token: (await platform.solveCaptcha(day1)).credential }))
        .body.error_code,
    ).toBe('SMS.MOBILE_DAILY_LIMIT');

    // Per device: 6 per hour whatever the mobile (this device has one send already).
    const dev = platform.sdkHeaders(cappedKey, 'cap-day', '203.0.113.51');
    const byDevice = [];
    for (let i = 0; i < 6; i++)
      byDevice.push(
        await send(dev, {
          mobile: newMobile(),
          type: 'LOGIN_SMS',
          captcha_token: (await platform.solveCaptcha(dev)).credential,
        }),
      );
    expect(byDevice.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(byDevice[5]!.body.error_code).toBe('SMS.DEVICE_LIMIT');

    // Per IP: 8 per hour whatever the device (203.0.113.51 has 5).
    const byIp = [];
    for (let i = 0; i < 4; i++) {
      const h = platform.sdkHeaders(cappedKey, `ip-dev-${i}`, '203.0.113.51');
      byIp.push(
        await send(h, {
          mobile: newMobile(),
          type: 'LOGIN_SMS',
          captcha_token: (await platform.solveCaptcha(h)).credential,
        }),
      );
    }
    expect(byIp.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(byIp[3]!.body.error_code).toBe('SMS.IP_LIMIT');
  });

  it('answers bad requests with documented codes, in the X-L language, and keeps nothing', async () => {
    const h = headers(newDevice(), { 'x-l': 'en' });
    const before = await platform.infra.query<{ n: string }>('SELECT count(*) AS n FROM sms_messages');
    const { credential } = await platform.solveCaptcha(h);
    const cases: Array<[Record<string, string>, unknown, number, string]> = [
      [
        { ...h, 'x-agent': '' },
        { mobile: newMobile(), type: 'LOGIN_SMS', captcha_token: credential },
        400,
        'SMS.HEADER_MISSING',
      ],
      [
        { ...h, 'x-client-id': 'nobody' },
        { mobile: newMobile(), type: 'LOGIN_SMS', captcha_token: credential },
        400,
        'SMS.CLIENT_ID_INVALID',
      ],
      [h, { mobile: '1380000000', type: 'LOGIN_SMS', captcha_token: credential }, 400, 'SMS.MOBILE_INVALID'],
      [h, { mobile: '1380000000a', type: 'LOGIN_SMS', captcha_token: credential }, 400, 'SMS.MOBILE_INVALID'],
      [h, { mobile: 13800000000, type: 'LOGIN_SMS', captcha_token: credential }, 400, 'SMS.MOBILE_INVALID'],
      [h, { type: 'LOGIN_SMS', captcha_token: credential }, 400, 'SMS.PARAMETER_INVALID'],
      [h, { mobile: newMobile(), type: 'LOGOUT_SMS', captcha_token: credential }, 400, 'SMS.TYPE_INVALID'],
      [h, { mobile: newMobile(), type: ['LOGIN_SMS'], captcha_token: credential }, 400, 'SMS.TYPE_INVALID'],
      [h, { mobile: newMobile(), type: 'LOGIN_SMS' }, 400, 'SMS.PARAMETER_INVALID'],
      [h, { mobile: newMobile(), type: 'LOGIN_SMS', captcha_token: 7 }, 400, 'SMS.PARAMETER_INVALID'],
      [h, '{"mobile": "1380', 400, 'SMS.PARAMETER_INVALID'],
      [h, [1, 2], 400, 'SMS.PARAMETER_INVALID'],
    ];
    for (const [hh, body, status, code] of cases) {
      const answer = await send(hh, body);
      expect({ body, status: answer.status, code: answer.body.error_code }).toEqual({ body, status, code });
      expect(typeof answer.body.error_msg).toBe('string');
    }
    expect((await send(h, { mobile: '1380000000', type: 'LOGIN_SMS', captcha_token: credential })).body.error_msg).toBe(
      'The mobile number is not valid',
    );
    expect(
      (await send({ ...h, 'x-l': 'zh' }, { mobile: '1380000000', type: 'LOGIN_SMS', captcha_token: credential })).body
        .error_msg,
    ).toBe('手机号格式错误');
    expect((await verify(h, { mobile: newMobile(), type: 'LOGIN_SMS', code: '12ab' })).body.error_code).toBe(
      'SMS.PARAMETER_INVALID',
    );
    expect((await verify(h, { mobile: newMobile(), type: 'LOGIN_SMS', code: 123456 })).body.error_code).toBe(
      'SMS.PARAMETER_INVALID',
    );
    expect(await platform.infra.query('SELECT count(*) AS n FROM sms_messages')).toEqual(before);
    // The credential was not consumed by any of them.
    expect((await send(h, { mobile: newMobile(), type: 'LOGIN_SMS', captcha_token: credential })).status).toBe(200);
  });

  it("budgets verify calls per device (a caller cannot spend other people's codes), counting no attempt when over", async () => {
    const h = headers('verify-spender', {}, '198.51.100.99');
    const target = headers(newDevice());
    const mobile = newMobile();
    const sent = await send(target, {
      mobile,
      type: 'LOGIN_SMS',
      captcha_token: (await platform.solveCaptcha(target)).credential,
    });
    const code = codeIn(await inboxText(sent.body.message_id));
    const wrong = code === '000000' ? '111111' : '000000';
    // VERIGATE_SMS_VERIFY_PER_DEVICE_HOUR=6 for this file: 6 calls on other numbers, then refused.
    for (let i = 0; i < 6; i++)
      expect((await verify(h, { mobile: newMobile(), type: 'LOGIN_SMS', code: wrong })).body.error_code).toBe(
        'SMS.CODE_WRONG',
      );
    expect(await verify(h, { mobile, type: 'LOGIN_SMS', code: wrong })).toMatchObject({
      status: 429,
      body: { error_code: 'SMS.VERIFY_RATE_LIMITED' },
    });
    const [row] = await platform.infra.query<{ verify_attempts: number }>(
      'SELECT verify_attempts FROM sms_messages WHERE id = $1',
      [sent.body.message_id],
    );
    expect(row!.verify_attempts).toBe(0);
    expect((await verify(target, { mobile, type: 'LOGIN_SMS', code })).status).toBe(200);
  });

  it('refuses apps without the sms permission', async () => {
    const created = await platform.admin('POST', '/apps', { name: 'captcha only', permissions: ['captcha'] });
    const key = ((await created.json()) as { appKey: string }).appKey;
    const h = platform.sdkHeaders(key, newDevice());
    const { credential } = await platform.solveCaptcha(h);
    expect(await send(h, { mobile: newMobile(), type: 'LOGIN_SMS', captcha_token: credential })).toMatchObject({
      status: 400,
      body: { error_code: 'SMS.APP_NOT_PERMITTED' },
    });
  });

  it('answers CORS preflights for browsers', async () => {
    const response = await fetch(`${platform.baseUrl}/api/v2/sdk/sms/send`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-headers')).toContain('X-client-id');
  });

  it('never wrote a code or a captcha credential into a log line', async () => {
    const codes = (await platform.infra.query<{ text: string }>('SELECT text FROM sms_dev_inbox')).map(
      (r) => /(\d{6})/.exec(r.text)![1]!,
    );
    const credentials = (
      await platform.infra.query<{ token: string }>(`SELECT token FROM captcha_sessions WHERE state = 'verified'`)
    ).map((r) => r.token);
    expect(codes.length).toBeGreaterThan(10);
    expect(credentials.length).toBeGreaterThan(10);
    const logs = logLines.join('');
    expect(logs).toContain('sms send accepted');
    for (const code of codes) expect(logs).not.toContain(code);
    for (const token of credentials) expect(logs).not.toContain(token);
  });
});
