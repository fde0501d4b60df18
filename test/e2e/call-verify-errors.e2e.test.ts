import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { computeDigest, signAksk } from '#libs/auth';
import { Queues } from '#libs/contracts';
import { expectEventually } from '#libs/testing';
import { Platform, type TestApp } from './support/platform.js';

const AUTH = 'AKSK realm="SDP",profile="UsernameToken",type="Appkey"';

function xAksk(
  app: TestApp,
  overrides: Partial<Record<'Username' | 'PasswordDigest' | 'Nonce' | 'Created', string | null>> = {},
  now = new Date(),
): string {
  const created = overrides.Created === undefined ? now.toISOString().replace(/\.\d+Z$/, 'Z') : overrides.Created;
  const nonce =
    overrides.Nonce === undefined ? Math.random().toString(16).slice(2) + Date.now().toString(16) : overrides.Nonce;
  const fields: Record<string, string | null | undefined> = {
    Username: overrides.Username === undefined ? app.appKey : overrides.Username,
    PasswordDigest:
      overrides.PasswordDigest === undefined
        ? computeDigest(app.appSecret, nonce ?? '', created ?? '')
        : overrides.PasswordDigest,
    Nonce: nonce,
    Created: created,
  };
  return (
    'UsernameToken ' +
    Object.entries(fields)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',')
  );
}

/** The gateway's answers to bad requests: status, resultcode, resultdesc, and nothing queued. */
describe('callVerify refuses bad requests with the seed result codes', () => {
  const platform = new Platform();
  let app: TestApp;

  beforeAll(async () => {
    await platform.start({}, { voice: false, notifier: false });
    await platform.provideVoicePorts(1000);
    app = await platform.createApp();
  });

  afterAll(async () => {
    await platform.stop();
  });

  /** Sessions stored plus commands waiting in RabbitMQ (no voice worker runs in this file). */
  async function workCount(): Promise<number> {
    await expectEventually(async () => expect(await platform.infra.query('SELECT 1 FROM outbox')).toHaveLength(0));
    const [sessions] = await platform.infra.query<{ n: string }>('SELECT count(*) AS n FROM call_sessions');
    return Number(sessions!.n) + (await platform.infra.queueDepth(Queues.voiceCalls));
  }

  async function expectRefused(
    headers: Record<string, string>,
    body: unknown,
    status: number,
    resultcode: string,
    resultdesc?: string | RegExp,
  ) {
    const before = await workCount();
    const response = await fetch(`${platform.baseUrl}/rest/httpsessions/callVerify/v1.0`, {
      method: 'POST',
      headers: { 'content-type': 'application/json;charset=UTF-8', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const json = (await response.json()) as { resultcode: string; resultdesc: string };
    expect({ status: response.status, resultcode: json.resultcode }).toEqual({ status, resultcode });
    if (resultdesc instanceof RegExp) expect(json.resultdesc).toMatch(resultdesc);
    else if (resultdesc) expect(json.resultdesc).toBe(resultdesc);
    expect(await workCount()).toBe(before);
  }

  const body = () => platform.callBody(app, '+8613800000021');

  it.each([
    ['no Authorization', {}, '1023006', 'Authorization not contained in the HTTP header.'],
    [
      'no realm',
      { authorization: 'AKSK profile="UsernameToken",type="Appkey"' },
      '1023007',
      'realm not contained in Authorization.',
    ],
    [
      'no profile',
      { authorization: 'AKSK realm="SDP",type="Appkey"' },
      '1023008',
      'profile not contained in Authorization.',
    ],
    [
      'wrong realm',
      { authorization: 'AKSK realm="XYZ",profile="UsernameToken",type="Appkey"' },
      '1023009',
      'The value of realm in Authorization must be SDP.',
    ],
    [
      'wrong profile',
      { authorization: 'AKSK realm="SDP",profile="Digest",type="Appkey"' },
      '1023010',
      'The value of profile in Authorization must be UsernameToken.',
    ],
    [
      'wrong type',
      { authorization: 'AKSK realm="SDP",profile="UsernameToken",type="Token"' },
      '1023011',
      'The value of type in Authorization must be app_key.',
    ],
    [
      'no type',
      { authorization: 'AKSK realm="SDP",profile="UsernameToken"' },
      '1023012',
      'type not contained in Authorization.',
    ],
    ['no X-AKSK', { authorization: AUTH }, '1023033', 'HTTP header not found X-AKSK field.'],
  ])('400 for %s', async (_name, headers, code, desc) => {
    await expectRefused(headers as Record<string, string>, body(), 400, code, desc);
  });

  it.each([
    ['Username', '1023034'],
    ['Nonce', '1023035'],
    ['Created', '1023036'],
    ['PasswordDigest', '1023037'],
  ] as const)('400 when X-AKSK lacks %s', async (field, code) => {
    await expectRefused({ authorization: AUTH, 'x-aksk': xAksk(app, { [field]: null }) }, body(), 400, code);
  });

  it('400 1023038 when X-AKSK is not a UsernameToken', async () => {
    await expectRefused(
      { authorization: AUTH, 'x-aksk': xAksk(app).replace('UsernameToken ', 'Token ') },
      body(),
      400,
      '1023038',
    );
  });

  it('accepts the seed header with other spacing', async () => {
    const signed = signAksk(app.appKey, app.appSecret);
    const spaced = signed['x-aksk']!.replace(/",/g, '", ').replace(
      /(Username|PasswordDigest|Nonce|Created)="/g,
      '$1 = "',
    );
    const response = await platform.callVerify(app, body(), {
      authorization: 'AKSK realm="SDP", profile="UsernameToken", type="Appkey"',
      'x-aksk': spaced,
    });
    expect(response).toMatchObject({ status: 200, body: { resultcode: '0' } });
  });

  it('401 1010010 for an invalid digest', async () => {
    await expectRefused(
      { authorization: AUTH, 'x-aksk': xAksk(app, { PasswordDigest: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }) },
      body(),
      401,
      '1010010',
      'Invalid digest.',
    );
  });

  it('401 1010013 when Created is outside the window', async () => {
    const old = new Date(Date.now() - 16 * 60_000);
    await expectRefused(
      { authorization: AUTH, 'x-aksk': xAksk(app, {}, old) },
      body(),
      401,
      '1010013',
      'Time out limit.',
    );
  });

  it('401 1010010 for a replayed nonce', async () => {
    const headers = signAksk(app.appKey, app.appSecret);
    const first = await platform.callVerify(app, body(), headers);
    expect(first.body.resultcode).toBe('0');
    await expectRefused(headers, body(), 401, '1010010', /Nonce already used/);
  });

  it('403 1010003 for an unknown app_key', async () => {
    await expectRefused(signAksk('NoSuchAppKey0000000000000000', 'x'), body(), 403, '1010003', 'Invalid app_key.');
  });

  it.each([
    ['verifyCode missing', { verifyCode: undefined }, /verifyCode is required/],
    ['verifyCode with letters', { verifyCode: '12ab' }, /verifyCode must be a string of 2-8 digits/],
    ['verifyCode too long', { verifyCode: '123456789' }, /verifyCode/],
    ['times out of range', { times: 10 }, /times must be an integer from 0 to 9/],
    ['languageType unknown', { languageType: 3 }, /languageType/],
    ['statusUrl not base64', { statusUrl: 'http://x' }, /statusUrl must be Base64-encoded/],
    [
      'feeUrl with bad characters',
      { feeUrl: Buffer.from('http://a.example/x?y=1').toString('base64') },
      /feeUrl may contain only/,
    ],
    ['returnIdlePort not a string', { returnIdlePort: true }, /returnIdlePort must be "true" or "false"/],
    ['userData with braces', { userData: 'a{b}' }, /userData must not contain \{ or \}/],
    ['userData in Chinese', { userData: '中文' }, /userData must not contain Chinese/],
    ['preTone not approved', { preTone: 'other.wav' }, /preTone "other.wav" is not an approved tone/],
  ])('500 1020001 with a precise description: %s', async (_name, patch, desc) => {
    await expectRefused(signAksk(app.appKey, app.appSecret), { ...body(), ...patch }, 500, '1020001', desc);
  });

  it('500 1020001 for a body that is not JSON', async () => {
    await expectRefused(signAksk(app.appKey, app.appSecret), '{"displayNbr":', 500, '1020001', /not valid JSON/);
  });

  it('403 1012006 for a display number the platform does not have, 1010023 for a malformed one', async () => {
    await expectRefused(
      signAksk(app.appKey, app.appSecret),
      { ...body(), displayNbr: '+8610000000000' },
      403,
      '1012006',
      /not a number of the platform/,
    );
    await expectRefused(
      signAksk(app.appKey, app.appSecret),
      { ...body(), displayNbr: '+86-10-0000' },
      403,
      '1010023',
      /displayNbr must be/,
    );
  });

  it('a suspended display number is replaced by another available number of the app', async () => {
    await platform.admin('POST', `/apps/${app.appKey}/numbers`, { number: '+8675528000099' });
    await platform.admin('PATCH', `/apps/${app.appKey}/numbers/${encodeURIComponent(app.displayNbr)}`, {
      status: 'suspended',
    });
    const response = await platform.callVerify(app, body());
    expect(response.body.resultcode).toBe('0');
    const [row] = await platform.infra.query<{ display_nbr: string }>(
      'SELECT display_nbr FROM call_sessions WHERE id = $1',
      [response.body.sessionId],
    );
    expect(row!.display_nbr).toBe('+8675528000099');
    await platform.admin('PATCH', `/apps/${app.appKey}/numbers/${encodeURIComponent(app.displayNbr)}`, {
      status: 'normal',
    });
  });

  it('403 1010040 for an app without voice permission, 1010008 suspended, 1010021 unavailable', async () => {
    const other = await platform.createApp('+8675528000077');
    await platform.admin('PATCH', `/apps/${other.appKey}`, { permissions: ['sms'] });
    await expectRefused(
      signAksk(other.appKey, other.appSecret),
      platform.callBody(other, '+8613800000021'),
      403,
      '1010040',
    );
    await platform.admin('PATCH', `/apps/${other.appKey}`, { permissions: ['voice'], status: 'suspended' });
    await expectRefused(
      signAksk(other.appKey, other.appSecret),
      platform.callBody(other, '+8613800000021'),
      403,
      '1010008',
      'The status of the app_key is unavailable.',
    );
    await platform.admin('PATCH', `/apps/${other.appKey}`, { status: 'unavailable' });
    await expectRefused(
      signAksk(other.appKey, other.appSecret),
      platform.callBody(other, '+8613800000021'),
      403,
      '1010021',
      'Application unavailable.',
    );
  });

  it('403 1010006 for an unknown path or method under /rest/', async () => {
    for (const [method, path] of [
      ['POST', '/rest/httpsessions/callVerify/v2.0'],
      ['GET', '/rest/httpsessions/callVerify/v1.0'],
    ]) {
      const response = await fetch(`${platform.baseUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: method === 'GET' ? undefined : '{}',
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ resultcode: '1010006', resultdesc: 'Invalid Rest API.' });
    }
  });

  it('the management API refuses a missing or wrong operator token', async () => {
    const none = await fetch(`${platform.baseUrl}/admin/v1/apps`);
    expect(none.status).toBe(401);
    const wrong = await fetch(`${platform.baseUrl}/admin/v1/apps`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error_code: 'ADMIN_UNAUTHORIZED' });
  });

  it('refuses an invalid tone upload with a reason', async () => {
    const response = await platform.admin(
      'POST',
      `/apps/${app.appKey}/tones?name=bad.wav`,
      Buffer.from('RIFF....WAVEnotreally'),
      'audio/wav',
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error_code: 'INVALID_TONE' });
  });

  it('black and white lists: 1013004 callee blacklisted, 1013010 display number blacklisted, 1013011 not whitelisted', async () => {
    const other = await platform.createApp('+8675528000066');
    const sign = () => signAksk(other.appKey, other.appSecret);
    // Platform-wide blacklist entry for a callee.
    expect((await platform.admin('POST', '/lists', { list: 'blacklist', number: '+8613900000001' })).status).toBe(201);
    await expectRefused(sign(), platform.callBody(other, '+8613900000001'), 403, '1013004', 'Callee in blacklist.');
    // The app's own blacklist entry for its display number.
    await platform.admin('POST', '/lists', { list: 'blacklist', number: other.displayNbr, appKey: other.appKey });
    await expectRefused(sign(), platform.callBody(other, '+8613900000002'), 403, '1013010', 'Caller in blacklist.');
    await platform.admin(
      'DELETE',
      `/lists?list=blacklist&number=${encodeURIComponent(other.displayNbr)}&appKey=${other.appKey}`,
    );
    // An app whitelist: only its numbers may be called.
    await platform.admin('POST', '/lists', { list: 'whitelist', number: '+8613900000003', appKey: other.appKey });
    await expectRefused(
      sign(),
      platform.callBody(other, '+8613900000004'),
      403,
      '1013011',
      'Callee is not on the whitelist.',
    );
    expect((await platform.callVerify(other, platform.callBody(other, '+8613900000003'))).body.resultcode).toBe('0');
    // Another app is not affected by this app's whitelist.
    expect((await platform.callVerify(app, platform.callBody(app, '+8613900000004'))).body.resultcode).toBe('0');
    const listed = (await (await platform.admin('GET', `/lists?appKey=${other.appKey}`)).json()) as Array<{
      list: string;
      number: string;
    }>;
    expect(listed.map((e) => [e.list, e.number])).toEqual([['whitelist', '+8613900000003']]);
    // Removing the platform entry lifts the refusal at once on this gateway.
    expect(
      (await platform.admin('DELETE', `/lists?list=blacklist&number=${encodeURIComponent('+8613900000001')}`)).status,
    ).toBe(200);
    expect((await platform.callVerify(app, platform.callBody(app, '+8613900000001'))).body.resultcode).toBe('0');
    expect((await platform.admin('POST', '/lists', { list: 'greylist', number: '+8613900000001' })).status).toBe(400);
  });

  it("403 1020166 when the client address is not on the app's IP whitelist", async () => {
    const other = await platform.createApp('+8675528000055');
    await platform.admin('PATCH', `/apps/${other.appKey}`, { ipWhitelist: ['203.0.113.0/24'] });
    await expectRefused(
      signAksk(other.appKey, other.appSecret),
      platform.callBody(other, '+8613900000020'),
      403,
      '1020166',
      'The app client ip is not in ip white list.',
    );
    await platform.admin('PATCH', `/apps/${other.appKey}`, { ipWhitelist: ['127.0.0.0/8', '::1'] });
    expect((await platform.callVerify(other, platform.callBody(other, '+8613900000020'))).body.resultcode).toBe('0');
  });

  it("403 1013121 during the app's rest hours", async () => {
    const other = await platform.createApp('+8675528000044');
    // Rest hours from an hour ago to an hour from now (UTC): now is inside them.
    const now = new Date();
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const to = new Date(now.getTime() - 2 * 60_000);
    const from = new Date(now.getTime() - 60 * 60_000);
    await platform.admin('PATCH', `/apps/${other.appKey}`, {
      restHours: { from: hhmm(from), to: hhmm(new Date(now.getTime() + 60 * 60_000)), tz: 'UTC' },
    });
    await expectRefused(
      signAksk(other.appKey, other.appSecret),
      platform.callBody(other, '+8613900000021'),
      403,
      '1013121',
      'Call black time forbidden.',
    );
    await platform.admin('PATCH', `/apps/${other.appKey}`, {
      restHours: { from: hhmm(from), to: hhmm(to), tz: 'UTC' },
    });
    expect((await platform.callVerify(other, platform.callBody(other, '+8613900000021'))).body.resultcode).toBe('0');
  });
});
