import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { redirectLogs } from '#libs/runtime';
import { TestSmsc } from '#libs/testing';
import { ok, Platform, type TestApp } from './support/platform.js';
import { smppEnv, smsCodeFor, verifyApi, verifyingApp } from './support/verifications.js';

const MIN_SENDS = 100;

/**
 * The verification API's fraud guard (issue 18): a pumping run — hundreds of sends to one
 * premium-looking prefix, none verified — blocks that prefix once it had MIN_SENDS sends with
 * approvals below 20 %, with an alert (log line and metric) and the prefix, its figures and why in
 * GET /admin/v1/fraud/prefixes; sends to a prefix whose codes are verified keep working; the
 * operator's lift lets the prefix through again.
 */
describe('verification fraud guard', () => {
  const platform = new Platform();
  const smsc = new TestSmsc({ systemId: 'verigate', password: 'secret' });
  const logLines: Array<Record<string, unknown>> = [];
  let restoreLogs: () => void;
  let app: TestApp;
  let seq = 0;
  const pumped = () => `+8821610${String(100_000 + ++seq).slice(-6)}`;
  const genuine = () => `+4477009${String(100_000 + ++seq).slice(-6)}`;
  const start = (to: string) => verifyApi(platform, app, '', { to, channel: 'sms', locale: 'en' });
  const metric = async (name: string) => {
    const text = await (await fetch(`${platform.baseUrl}/metrics`)).text();
    return Number(new RegExp(`^verigate_${name}(?:\\{[^}]*\\})? (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  };
  /** A person who gets the code and types it in. */
  const genuineVerification = async () => {
    const to = genuine();
    const started = await start(to);
    expect(started.status).toBe(201);
    const code = await smsCodeFor(smsc, to);
    expect(await verifyApi(platform, app, `/${started.body.verificationId}/check`, { code })).toEqual({
      status: 200,
      body: { status: 'approved' },
    });
  };

  beforeAll(async () => {
    process.env.TEST_LOG_LEVEL = 'warn';
    restoreLogs = redirectLogs((line) => logLines.push(JSON.parse(line) as Record<string, unknown>));
    const port = await smsc.start();
    await platform.start(
      {
        ...smppEnv(port),
        VERIGATE_TRUSTED_PROXIES: '127.0.0.1',
        VERIGATE_VERIFY_FRAUD_PREFIX_DIGITS: '6',
        VERIGATE_VERIFY_FRAUD_MIN_SENDS: String(MIN_SENDS),
        VERIGATE_VERIFY_FRAUD_MIN_APPROVAL_PCT: '20',
      },
      { voice: false },
    );
    await platform.startSms();
    app = await verifyingApp(platform, '/events');
  });

  afterAll(async () => {
    await platform.stop();
    await smsc.stop();
    restoreLogs();
    delete process.env.TEST_LOG_LEVEL;
  });

  it('a pumping run blocks its prefix after the threshold; verified traffic to another prefix keeps working', async () => {
    for (let i = 0; i < MIN_SENDS; i++) {
      expect((await start(pumped())).status).toBe(201);
      if (i % 10 === 0) await genuineVerification();
    }
    expect(await metric('verification_prefix_blocks_total')).toBe(0);

    expect(await start(pumped())).toMatchObject({
      status: 403,
      body: { resultcode: '1013130', resultdesc: expect.stringContaining('+882161') },
    });
    for (let i = 0; i < 20; i++) expect((await start(pumped())).body.resultcode).toBe('1013130');
    expect(await metric('verification_prefix_blocks_total')).toBe(1);
    expect(await metric('verification_prefix_refusals_total')).toBe(21);
    const alerts = logLines.filter((l) => l.alert === 'verification-prefix-blocked');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ level: 'warn', prefix: '+882161', sends: MIN_SENDS, approvals: 0 });

    // Normal traffic elsewhere is untouched.
    for (let i = 0; i < 3; i++) await genuineVerification();
    // Nothing refused was stored or sent.
    const [stored] = await platform.infra.query<{ n: string }>(
      `SELECT count(*) AS n FROM verifications WHERE destination LIKE '+882161%'`,
    );
    expect(Number(stored!.n)).toBe(MIN_SENDS);
  });

  it('the operator sees the prefix, its figures and why, and can lift it', async () => {
    const listed = await ok(await platform.admin('GET', '/fraud/prefixes'));
    expect(listed).toMatchObject({ windowSeconds: 3600, minSends: MIN_SENDS, minApprovalRate: 0.2 });
    expect(listed.prefixes).toEqual([
      expect.objectContaining({
        prefix: '+882161',
        sends: MIN_SENDS,
        approvals: 0,
        reason: `0 approvals of ${MIN_SENDS} sends in the last 3600 s: below 20.0%`,
        liftedAt: null,
        windowSends: MIN_SENDS,
        windowApprovals: 0,
      }),
    ]);
    expect((await platform.admin('DELETE', '/fraud/prefixes/447700')).status).toBe(404);
    expect(await ok(await platform.admin('DELETE', '/fraud/prefixes/+882161'))).toEqual({
      prefix: '+882161',
      lifted: true,
    });
    expect((await start(pumped())).status).toBe(201);
    expect((await ok(await platform.admin('GET', '/fraud/prefixes'))).prefixes).toEqual([]);
    const withLifted = await ok(await platform.admin('GET', '/fraud/prefixes?lifted=true'));
    expect(withLifted.prefixes[0]).toMatchObject({ prefix: '+882161', liftedAt: expect.any(String) });
    expect((await platform.admin('GET', '/fraud/prefixes?lifted=maybe')).status).toBe(400);
  });
});
