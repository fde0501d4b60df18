import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { redirectLogs } from '#libs/runtime';
import { expectEventually } from '#libs/testing';
import { ok, Platform } from './support/platform.js';

/**
 * SMS pumping controls (issue 14 item 6): blocked destination prefixes, a per-app daily budget,
 * per-prefix velocity with an alert, and the credential rule: a send refused by a limit or the
 * cool-down consumes its captcha credential, a platform fault does not.
 */
describe('SMS pumping controls', () => {
  const platform = new Platform();
  const logLines: Array<Record<string, unknown>> = [];
  let restoreLogs: () => void;
  let appKey: string;
  let devices = 0;
  const headers = () => platform.sdkHeaders(appKey, `pumping-device-${++devices}`, `198.51.100.${devices}`);
  const send = async (mobile: string, captchaToken: string, type = 'LOGIN_SMS') =>
    platform.sdk('POST', '/sms/send', headers(), { mobile, type, captcha_token: captchaToken });
  const credential = () => platform.passedCaptchaCredential(appKey);
  const newApp = async () =>
    (
      await ok(
        await platform.admin('POST', '/apps', {
          name: `pump-${Math.random().toString(36).slice(2, 8)}`,
          permissions: ['captcha', 'sms'],
        }),
        201,
      )
    ).appKey as string;

  beforeAll(async () => {
    process.env.TEST_LOG_LEVEL = 'warn';
    restoreLogs = redirectLogs((line) => logLines.push(JSON.parse(line) as Record<string, unknown>));
    await platform.start(
      {
        VERIGATE_TRUSTED_PROXIES: '127.0.0.1',
        // `+171` and `171` are alike, as in VERIGATE_BLOCKED_CALLEE_PREFIXES.
        VERIGATE_SMS_BLOCKED_PREFIXES: '170,+171',
        VERIGATE_SMS_VELOCITY_FLOOR: '3',
        VERIGATE_SMS_VELOCITY_MULTIPLE: '2',
        VERIGATE_SMS_VELOCITY_PREFIX_DIGITS: '7',
      },
      { voice: false, notifier: false },
    );
    appKey = await newApp();
  });

  afterAll(async () => {
    await platform.stop();
    restoreLogs();
    delete process.env.TEST_LOG_LEVEL;
  });

  it('a destination in a blocked prefix → 400 SMS.MOBILE_BLOCKED, before the credential is looked at', async () => {
    const token = await credential();
    expect(await send('17000000001', token)).toMatchObject({ status: 400, body: { error_code: 'SMS.MOBILE_BLOCKED' } });
    expect(await send('17100000001', token)).toMatchObject({ status: 400, body: { error_code: 'SMS.MOBILE_BLOCKED' } });
    expect((await send('13100000001', token)).status).toBe(200);
  });

  it("the app's daily budget (limits.smsDailyBudget) used up → 429 SMS.DAILY_BUDGET_EXHAUSTED; other apps send on", async () => {
    const budgeted = appKey;
    appKey = await newApp();
    try {
      await ok(await platform.admin('PATCH', `/apps/${appKey}`, { limits: { smsDailyBudget: 2 } }));
      expect((await send('13200000001', await credential())).status).toBe(200);
      expect((await send('13200000002', await credential())).status).toBe(200);
      expect(await send('13200000003', await credential())).toMatchObject({
        status: 429,
        body: { error_code: 'SMS.DAILY_BUDGET_EXHAUSTED' },
      });
    } finally {
      appKey = budgeted;
    }
    expect((await send('13200000004', await credential())).status).toBe(200);
  });

  it('a spike to one prefix → 429 SMS.PREFIX_VELOCITY_LIMIT with an alert (log line and metric); a new prefix gets the floor, a known one its multiple', async () => {
    // 1330000: no history, the floor (3 per hour) holds.
    for (let i = 1; i <= 3; i++) expect((await send(`1330000000${i}`, await credential())).status).toBe(200);
    expect(await send('13300000004', await credential())).toMatchObject({
      status: 429,
      body: { error_code: 'SMS.PREFIX_VELOCITY_LIMIT' },
    });
    const alert = logLines.find((l) => l.alert === 'sms-prefix-velocity');
    // The range, cut so that it cannot be joined with a masked mobile (last 4 digits) to rebuild the number.
    expect(alert).toMatchObject({ level: 'warn', prefix: '13300', appKey });
    const metrics = await (await fetch(`${platform.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^verigate_sms_prefix_velocity_alerts_total(\{[^}]*\})? 1$/m);
    // Another prefix is not affected.
    expect((await send('13400000001', await credential())).status).toBe(200);

    // 1350000: usually 3 sends an hour over the last 7 days → 2 × 3 = 6 this hour.
    await platform.infra.query(
      `INSERT INTO sms_prefix_hours (prefix, hour, sends)
       SELECT '1350000', verigate_window_start(3600) - n * interval '1 hour', 3 FROM generate_series(1, 168) AS n`,
    );
    for (let i = 1; i <= 6; i++) expect((await send(`1350000000${i}`, await credential())).status).toBe(200);
    expect(await send('13500000007', await credential())).toMatchObject({
      status: 429,
      body: { error_code: 'SMS.PREFIX_VELOCITY_LIMIT' },
    });
  });

  it('a send refused by a limit or the cool-down consumes its captcha credential', async () => {
    expect((await send('13600000001', await credential())).status).toBe(200);
    const token = await credential();
    expect(await send('13600000001', token)).toMatchObject({
      status: 429,
      body: { error_code: 'SMS.RESEND_TOO_SOON' },
    });
    expect(await send('13600000002', token)).toMatchObject({
      status: 400,
      body: { error_code: 'SMS.CAPTCHA_TOKEN_INVALID' },
    });
    const [session] = await platform.infra.query<{ state: string }>(
      `SELECT state FROM captcha_sessions WHERE token = $1`,
      [token.split('---')[0]],
    );
    expect(session?.state).toBe('verified');
  });

  it("the previous release's 12-argument verigate_admit_sms still admits (a gateway not yet replaced in a rolling upgrade)", async () => {
    // Called as the gateway before the pumping controls did (its credential is its sha256 hash).
    const token = await credential();
    const [app] = await platform.infra.query<{ id: string }>(`SELECT id FROM apps WHERE app_key = $1`, [appKey]);
    const rows = await platform.infra.query<{ captcha_token: string; admitted_at: Date }>(
      `SELECT * FROM verigate_admit_sms($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        app!.id,
        appKey,
        '13800000001',
        'LOGIN_SMS',
        'old-gateway-device',
        '198.51.100.200/32',
        createHash('sha256').update(token, 'utf8').digest('hex'),
        60,
        5,
        10,
        10,
        20,
      ],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.captcha_token).toBe(token.split('---')[0]);
    expect(rows[0]!.admitted_at).toBeTruthy();
  });

  it('a platform fault (the database refuses the message) keeps the credential for a retry', async () => {
    const token = await credential();
    await platform.infra.query(`
      CREATE FUNCTION test_refuse_sms() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$;
      CREATE TRIGGER test_refuse_sms BEFORE INSERT ON sms_messages FOR EACH ROW EXECUTE FUNCTION test_refuse_sms();`);
    try {
      expect(await send('13700000001', token)).toMatchObject({
        status: 500,
        body: { error_code: 'SMS.INTERNAL_ERROR' },
      });
    } finally {
      await platform.infra.query(`DROP TRIGGER test_refuse_sms ON sms_messages; DROP FUNCTION test_refuse_sms();`);
    }
    await expectEventually(async () => expect((await send('13700000001', token)).status).toBe(200));
  });
});
