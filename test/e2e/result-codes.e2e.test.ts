import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { signAksk } from '#libs/auth';
import { Queues } from '#libs/contracts';
import { expectEventually } from '#libs/testing';
import { Platform, type TestApp } from './support/platform.js';

/**
 * Every operating-control result code of the seed's table 6 (docs/contract.md#result-codes-callverify) (issue 5), produced by the situation the
 * docs give as its trigger, against a real gateway, PostgreSQL and RabbitMQ. Each refusal checks
 * the HTTP status, resultcode and resultdesc, and that nothing was stored or queued.
 * The codes of header faults, digest, validation, lists, IP whitelist and rest hours are in
 * call-verify-errors.e2e.test.ts.
 */

type Answer = {
  status: number;
  body: { resultcode: string; resultdesc: string; sessionId?: string; idlePort?: number };
};

/** The gateway trusts 127.0.0.1 as a proxy in these files, so each request says which client it carries. */
async function call(
  platform: Platform,
  app: TestApp,
  body: Record<string, unknown>,
  options: { ip?: string | null; headers?: Record<string, string>; contentType?: string; raw?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/json;charset=UTF-8',
    ...(options.headers ?? signAksk(app.appKey, app.appSecret)),
  };
  if (options.ip !== null) headers['x-forwarded-for'] = options.ip ?? '198.51.100.1';
  const response = await fetch(`${platform.baseUrl}/rest/httpsessions/callVerify/v1.0`, {
    method: 'POST',
    headers,
    body: options.raw ?? JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

/** Sessions stored plus commands waiting in RabbitMQ (no voice worker runs in this file). */
async function workCount(platform: Platform): Promise<number> {
  await expectEventually(async () => expect(await platform.infra.query('SELECT 1 FROM outbox')).toHaveLength(0));
  const [sessions] = await platform.infra.query<{ n: string }>('SELECT count(*) AS n FROM call_sessions');
  return Number(sessions!.n) + (await platform.infra.queueDepth(Queues.voiceCalls));
}

async function expectRefusal(
  platform: Platform,
  request: () => Promise<Answer>,
  status: number,
  resultcode: string,
  resultdesc: string | RegExp,
): Promise<void> {
  const before = await workCount(platform);
  const answer = await request();
  expect({ status: answer.status, resultcode: answer.body.resultcode }).toEqual({ status, resultcode });
  if (resultdesc instanceof RegExp) expect(answer.body.resultdesc).toMatch(resultdesc);
  else expect(answer.body.resultdesc).toBe(resultdesc);
  expect(answer.body.sessionId).toBeUndefined();
  expect(await workCount(platform)).toBe(before);
}

function expectAccepted(answer: Answer): void {
  expect({ status: answer.status, resultcode: answer.body.resultcode }).toEqual({ status: 200, resultcode: '0' });
}

let numberSeq = 0;
/** A fresh display number per app, so that per-number caps of one test do not touch another. */
function nextNumber(prefix = '+86755280'): string {
  numberSeq += 1;
  return prefix + String(10000 + numberSeq);
}

describe('operating controls: per-app, per-number and per-client rules', () => {
  const platform = new Platform();
  const newApp = async (patch?: Record<string, unknown>, displayNbr = nextNumber()): Promise<TestApp> => {
    const app = await platform.createApp(displayNbr);
    if (patch) expect((await platform.admin('PATCH', `/apps/${app.appKey}`, patch)).status).toBe(200);
    return app;
  };
  const callee = (n: number) => `+86139${String(n).padStart(8, '0')}`;

  beforeAll(async () => {
    await platform.start(
      {
        VERIGATE_TRUSTED_PROXIES: '127.0.0.1,::1',
        VERIGATE_BLOCKED_CALLEE_PREFIXES: '+86900',
        VERIGATE_ABNORMAL_CALLEE_FAILURES: '3',
        VERIGATE_AUTH_FAILURES_BEFORE_BAN: '3',
        VERIGATE_DB_STATEMENT_TIMEOUT_MS: '1000',
      },
      { voice: false, notifier: false },
    );
    await platform.provideVoicePorts(1000);
  });

  afterAll(async () => {
    await platform.stop();
  });

  it('403 1010002 for a body that is not JSON by its Content-Type', async () => {
    const app = await newApp();
    await expectRefusal(
      platform,
      () => call(platform, app, {}, { contentType: 'text/plain', raw: 'displayNbr=1' }),
      403,
      '1010002',
      /Invalid request: Content-Type must be application\/json/,
    );
  });

  it('403 1010009 once the app has used its API calls of the minute', async () => {
    const app = await newApp({ limits: { apiPerMinute: 2 } });
    expectAccepted(await call(platform, app, platform.callBody(app, callee(1))));
    // Refused requests count too: the quota is on invocations.
    expect((await call(platform, app, { ...platform.callBody(app, callee(2)), verifyCode: 'x' })).body.resultcode).toBe(
      '1020001',
    );
    await expectRefusal(
      platform,
      () => call(platform, app, platform.callBody(app, callee(3))),
      403,
      '1010009',
      'No more APIs can be invoked.',
    );
  });

  it('403 1010011 for a test-stage app on the commercial address', async () => {
    const app = await newApp({ stage: 'test' });
    await expectRefusal(
      platform,
      () => call(platform, app, platform.callBody(app, callee(4))),
      403,
      '1010011',
      'The app is not allowed to access a commercial address.',
    );
  });

  it('403 1010024 when the caller (display number) is the callee', async () => {
    const app = await newApp();
    await expectRefusal(
      platform,
      () => call(platform, app, platform.callBody(app, app.displayNbr)),
      403,
      '1010024',
      /Invalid caller number: the display number is the callee/,
    );
  });

  it('403 1012001 for a number of another app, 1012006 for an app without numbers', async () => {
    const app = await newApp();
    const other = await newApp();
    await expectRefusal(
      platform,
      () => call(platform, app, { ...platform.callBody(app, callee(5)), displayNbr: other.displayNbr }),
      403,
      '1012001',
      /not bound to this app/,
    );
    const created = await platform.admin('POST', '/apps', { name: 'no-numbers' });
    const bare = { ...((await created.json()) as { appKey: string; appSecret: string }), displayNbr: app.displayNbr };
    await expectRefusal(
      platform,
      () => call(platform, bare, platform.callBody(bare, callee(5))),
      403,
      '1012006',
      /the app has no display numbers/,
    );
  });

  it('403 1013002 app calls per day, 1013003 display-number calls per day', async () => {
    const app = await newApp({ limits: { callsPerDay: 2 } });
    expectAccepted(await call(platform, app, platform.callBody(app, callee(6))));
    expectAccepted(await call(platform, app, platform.callBody(app, callee(7))));
    await expectRefusal(
      platform,
      () => call(platform, app, platform.callBody(app, callee(8))),
      403,
      '1013002',
      'Calls exceed the APP limit.',
    );

    const byNumber = await newApp({ limits: { displayNumberCallsPerDay: 1 } });
    const second = nextNumber();
    expect((await platform.admin('POST', `/apps/${byNumber.appKey}/numbers`, { number: second })).status).toBe(201);
    expectAccepted(await call(platform, byNumber, platform.callBody(byNumber, callee(9))));
    await expectRefusal(
      platform,
      () => call(platform, byNumber, platform.callBody(byNumber, callee(10))),
      403,
      '1013003',
      'Calls exceed the display number limit.',
    );
    // The cap is per number: the app's other number still calls.
    expectAccepted(await call(platform, byNumber, { ...platform.callBody(byNumber, callee(10)), displayNbr: second }));
  });

  it('403 1013100 for a callee in a range the platform never calls', async () => {
    const app = await newApp();
    await expectRefusal(
      platform,
      () => call(platform, app, platform.callBody(app, '+8690012345678')),
      403,
      '1013100',
      /Common error code: the callee is in a range the platform does not call/,
    );
  });

  it("403 1013101 for a callee whose recent calls keep failing on its side; the platform's own failures do not count", async () => {
    const app = await newApp();
    /** Failed calls to a callee within the window, as the voice worker records them. */
    const recordFailures = async (target: string, stateCode: number, count: number) => {
      for (let i = 0; i < count; i++) {
        const [session] = await platform.infra.query<{ id: string }>(
          `INSERT INTO call_sessions (id, app_id, app_key, display_nbr, requested_display_nbr, callee_nbr, language_type, pre_tone, times, state, state_code)
           SELECT gen_random_uuid()::text, id, app_key, $2, $2, $3, 2, 'welcome.wav', 1, 'ended', $4 FROM apps WHERE app_key = $1 RETURNING id`,
          [app.appKey, app.displayNbr, target, stateCode],
        );
        await platform.infra.query(
          `INSERT INTO cdrs (session_id, app_key, caller_num, callee_num, call_start, call_end, state_code, fee_info)
           VALUES ($1, $2, $3, $4, now() - interval '5 minutes', now() - interval '5 minutes', $5, '{}')`,
          [session!.id, app.appKey, app.displayNbr, target, stateCode],
        );
      }
    };
    const busy = callee(11);
    await recordFailures(busy, 8102, 3); // busy three times
    await expectRefusal(
      platform,
      () => call(platform, app, platform.callBody(app, busy)),
      403,
      '1013101',
      'Abnormal call restricted .',
    );
    // Internal errors (8000) and an unreachable trunk (8103) are the platform's failures, not the callee's.
    const unlucky = callee(12);
    await recordFailures(unlucky, 8000, 3);
    await recordFailures(unlucky, 8103, 3);
    expectAccepted(await call(platform, app, platform.callBody(app, unlucky)));
  });

  it('403 1013112 international call-out and 1013111 international call-in when the app forbids them', async () => {
    const app = await newApp({ international: { homePrefixes: ['+86'], allowCallout: false, allowCallin: false } });
    await expectRefusal(
      platform,
      () => call(platform, app, platform.callBody(app, '+442079460000')),
      403,
      '1013112',
      'International callout is forbidden.',
    );
    const foreign = '+4420794600' + String(10 + numberSeq);
    expect((await platform.admin('POST', `/apps/${app.appKey}/numbers`, { number: foreign })).status).toBe(201);
    await expectRefusal(
      platform,
      () => call(platform, app, { ...platform.callBody(app, callee(13)), displayNbr: foreign }),
      403,
      '1013111',
      'International callin is forbidden.',
    );
    expectAccepted(await call(platform, app, platform.callBody(app, callee(13))));
    expect(
      (
        await platform.admin('PATCH', `/apps/${app.appKey}`, {
          international: { homePrefixes: ['+86'], allowCallout: true, allowCallin: true },
        })
      ).status,
    ).toBe(200);
    expectAccepted(await call(platform, app, platform.callBody(app, '+442079460000')));
  });

  it('403 1013116 caller frequency and 1013117 callee frequency', async () => {
    const app = await newApp({ limits: { callerCallsPerMinute: 1 } });
    expectAccepted(await call(platform, app, platform.callBody(app, callee(14))));
    await expectRefusal(
      platform,
      () => call(platform, app, platform.callBody(app, callee(15))),
      403,
      '1013116',
      'Caller call frequency restricted.',
    );

    const byCallee = await newApp({ limits: { calleeCallsPerHour: 1 } });
    expectAccepted(await call(platform, byCallee, platform.callBody(byCallee, callee(16))));
    await expectRefusal(
      platform,
      () => call(platform, byCallee, platform.callBody(byCallee, callee(16))),
      403,
      '1013117',
      'Callee call frequency restricted.',
    );
    expectAccepted(await call(platform, byCallee, platform.callBody(byCallee, callee(17))));
  });

  it('403 1013119 for a suspended number without another available one, 500 1020151 for a revoked one', async () => {
    const app = await newApp();
    const path = `/apps/${app.appKey}/numbers/${encodeURIComponent(app.displayNbr)}`;
    expect((await platform.admin('PATCH', path, { status: 'suspended' })).status).toBe(200);
    await expectRefusal(
      platform,
      () => call(platform, app, platform.callBody(app, callee(18))),
      403,
      '1013119',
      /Service number suspend: the display number is suspended/,
    );
    expect((await platform.admin('PATCH', path, { status: 'revoked' })).status).toBe(200);
    await expectRefusal(
      platform,
      () => call(platform, app, platform.callBody(app, callee(18))),
      500,
      '1020151',
      /The bindNum is invalid: .* has been revoked/,
    );
  });

  it('403 1013120 when a trusted proxy does not say which client it forwards', async () => {
    const app = await newApp();
    await expectRefusal(
      platform,
      () => call(platform, app, platform.callBody(app, callee(19)), { ip: null }),
      403,
      '1013120',
      /Ip address is null/,
    );
  });

  it('403 1013122 for an app of a suspended sub-enterprise', async () => {
    expect((await platform.admin('PUT', '/enterprises/acme', { status: 'normal' })).status).toBe(200);
    const app = await newApp({ enterpriseId: 'acme' });
    expectAccepted(await call(platform, app, platform.callBody(app, callee(20))));
    expect((await platform.admin('PUT', '/enterprises/acme', { status: 'suspended' })).status).toBe(200);
    await expectRefusal(
      platform,
      () => call(platform, app, platform.callBody(app, callee(21))),
      403,
      '1013122',
      'Sub enterprise is suspended.',
    );
  });

  it('403 1020165 when the app uses all its voice ports', async () => {
    const app = await newApp({ voicePorts: 1 });
    expectAccepted(await call(platform, app, platform.callBody(app, callee(22))));
    await expectRefusal(
      platform,
      () => call(platform, app, platform.callBody(app, callee(23))),
      403,
      '1020165',
      'The number of app_key voice call ports exceeds the upper limit.',
    );
    // The call ends: its port is free again.
    await platform.infra.query(`UPDATE call_sessions SET state = 'ended' WHERE app_key = $1`, [app.appKey]);
    expectAccepted(await call(platform, app, platform.callBody(app, callee(23))));
  });

  it('403 1020168 for a blacklisted client address, 1020171 for one in a restricted area', async () => {
    const app = await newApp();
    expect((await platform.admin('POST', '/ip-rules', { kind: 'blacklist', cidr: '203.0.113.7' })).status).toBe(201);
    // Host bits are allowed and normalised (10.0.0.1/24 means 10.0.0.0/24).
    const area = await platform.admin('POST', '/ip-rules', {
      kind: 'restricted-area',
      cidr: '192.0.2.77/24',
      area: 'testnet-1',
    });
    expect({ status: area.status, body: await area.json() }).toMatchObject({
      status: 201,
      body: { cidr: '192.0.2.0/24', area: 'testnet-1' },
    });
    expect((await platform.admin('POST', '/ip-rules', { kind: 'blacklist', cidr: '10.0.0.0/33' })).status).toBe(400);
    await expectEventually(async () => {
      expect(
        (await call(platform, app, platform.callBody(app, callee(24)), { ip: '203.0.113.7' })).body.resultcode,
      ).toBe('1020168');
    });
    await expectRefusal(
      platform,
      () => call(platform, app, platform.callBody(app, callee(24)), { ip: '203.0.113.7' }),
      403,
      '1020168',
      /login IP of the peer app is blacklisted/,
    );
    await expectRefusal(
      platform,
      () => call(platform, app, platform.callBody(app, callee(24)), { ip: '192.0.2.55' }),
      403,
      '1020171',
      /blacklisted area: area testnet-1/,
    );
    expectAccepted(await call(platform, app, platform.callBody(app, callee(24)), { ip: '192.0.3.1' }));
  });

  it('403 1020176 for 30 minutes after repeated authentication failures from an address, until an operator lifts it', async () => {
    const app = await newApp();
    const ip = '198.51.100.66';
    for (let i = 0; i < 3; i++) {
      const wrong = await call(platform, app, platform.callBody(app, callee(25)), {
        ip,
        headers: signAksk(app.appKey, 'not-the-secret'),
      });
      expect(wrong.body.resultcode).toBe('1010010');
    }
    await expectRefusal(
      platform,
      () => call(platform, app, platform.callBody(app, callee(25)), { ip }),
      403,
      '1020176',
      'Authentication failed, try again later',
    );
    const [ban] = await platform.infra.query<{ minutes: number }>(
      `SELECT round(extract(epoch FROM banned_until - now()) / 60)::int AS minutes FROM ip_bans WHERE ip = $1`,
      [ip],
    );
    expect(ban!.minutes).toBe(30);
    // Another address is not affected.
    expectAccepted(await call(platform, app, platform.callBody(app, callee(26)), { ip: '198.51.100.67' }));
    expect((await platform.admin('DELETE', `/ip-bans/${ip}`)).status).toBe(200);
    expectAccepted(await call(platform, app, platform.callBody(app, callee(25)), { ip }));
  });

  it('500 1020150 for an app_key no app can have', async () => {
    const app = await newApp();
    const headers = signAksk('bad key!', app.appSecret);
    await expectRefusal(
      platform,
      () => call(platform, app, platform.callBody(app, callee(27)), { headers }),
      500,
      '1020150',
      /The app_key is invalid/,
    );
  });

  it('500 1023001 when the app secret cannot be opened', async () => {
    const app = await newApp();
    await platform.infra.query(`UPDATE apps SET secret_sealed = 'damaged' WHERE app_key = $1`, [app.appKey]);
    await expectRefusal(
      platform,
      () => call(platform, app, platform.callBody(app, callee(28))),
      500,
      '1023001',
      'Internal error.',
    );
  });

  it('500 1023002 when accepting takes longer than the statement timeout, and nothing is kept', async () => {
    const app = await newApp();
    await call(platform, app, platform.callBody(app, callee(29))); // warms the app into the directory cache
    const blocker = new pg.Client({ connectionString: platform.config.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE auth_nonces IN ACCESS EXCLUSIVE MODE');
      await expectRefusal(
        platform,
        async () => {
          const answer = call(platform, app, platform.callBody(app, callee(30)));
          const result = await answer;
          await blocker.query('ROLLBACK');
          return result;
        },
        500,
        '1023002',
        'Response timeout.',
      );
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }
  });

  it('500 1020002 when the database refuses the write, and nothing is kept', async () => {
    const app = await newApp();
    await platform.infra.query(
      `ALTER TABLE call_sessions ADD CONSTRAINT test_refuse CHECK (callee_nbr <> '+8613999999999') NOT VALID`,
    );
    try {
      await expectRefusal(
        platform,
        () => call(platform, app, platform.callBody(app, '+8613999999999')),
        500,
        '1020002',
        'Internal error.',
      );
    } finally {
      await platform.infra.query(`ALTER TABLE call_sessions DROP CONSTRAINT test_refuse`);
    }
  });

  it('N parallel requests against a cap of K accept exactly K (app calls per day and app voice ports)', async () => {
    const capped = await newApp({ limits: { callsPerDay: 7 } });
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, i) => call(platform, capped, platform.callBody(capped, callee(100 + i)))),
    );
    expect(answers.filter((a) => a.body.resultcode === '0')).toHaveLength(7);
    expect(answers.filter((a) => a.body.resultcode === '1013002')).toHaveLength(18);

    const ported = await newApp({ voicePorts: 5 });
    const portAnswers = await Promise.all(
      Array.from({ length: 25 }, (_, i) => call(platform, ported, platform.callBody(ported, callee(200 + i)))),
    );
    expect(portAnswers.filter((a) => a.body.resultcode === '0')).toHaveLength(5);
    expect(portAnswers.filter((a) => a.body.resultcode === '1020165')).toHaveLength(20);
    const [live] = await platform.infra.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM call_sessions WHERE app_key = $1`,
      [ported.appKey],
    );
    expect(live!.n).toBe(5);
  });
});

describe('operating controls: platform-wide limits', () => {
  const platform = new Platform();
  const callee = (n: number) => `+86137${String(n).padStart(8, '0')}`;

  beforeAll(async () => {
    await platform.start(
      {
        VERIGATE_TRUSTED_PROXIES: '127.0.0.1,::1',
        VERIGATE_PLATFORM_REQUESTS_PER_S: '4',
        VERIGATE_SP_CALLS_PER_DAY: '3',
        VERIGATE_SERVICE_NUMBER_CALLS_PER_MIN: '1',
        VERIGATE_EXACT_PORT_CHECK_BELOW: '1000',
      },
      { voice: false, notifier: false },
    );
  });

  afterAll(async () => {
    await platform.stop();
  });

  it('500 1020154 when no voice port is free, exactly as many accepted as there are ports', async () => {
    const app = await platform.createApp(nextNumber());
    await expectRefusal(
      platform,
      () => call(platform, app, platform.callBody(app, callee(1))),
      500,
      '1020154',
      'Insufficient voice ports.',
    );
    await platform.provideVoicePorts(2);
    // Five display numbers so the per-number cap (1/min) does not decide; the platform flow limit (4/s) may refuse some.
    const numbers = [nextNumber(), nextNumber(), nextNumber(), nextNumber()];
    for (const number of numbers)
      expect((await platform.admin('POST', `/apps/${app.appKey}/numbers`, { number })).status).toBe(201);
    const answers = await Promise.all(
      numbers.map((displayNbr, i) => call(platform, app, { ...platform.callBody(app, callee(10 + i)), displayNbr })),
    );
    const codes = answers.map((a) => a.body.resultcode);
    expect(codes.filter((c) => c === '0')).toHaveLength(2);
    expect(codes.filter((c) => c !== '0' && c !== '1020154' && c !== '1010010')).toEqual([]);
    await platform.infra.query(`UPDATE call_sessions SET state = 'ended'`);
    await platform.provideVoicePorts(1000);
  });

  it('403 1010010 when the platform flow limit is reached', async () => {
    const app = await platform.createApp(nextNumber());
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        call(platform, app, { ...platform.callBody(app, callee(30 + i)), verifyCode: 'x' }),
      ),
    );
    const limited = answers.filter((a) => a.body.resultcode === '1010010');
    expect(limited.length).toBeGreaterThanOrEqual(4);
    expect(limited[0]).toEqual({
      status: 403,
      body: { resultcode: '1010010', resultdesc: 'The flow control upper limit is reached on the platform.' },
    });
    expect(answers.every((a) => a.body.resultcode === '1010010' || a.body.resultcode === '1020001')).toBe(true);
  });

  it('403 1013118 per service number across apps, then 1013001 for the SP', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a fresh flow-limit second
    await platform.infra.query(`DELETE FROM rate_counters WHERE key = 'sp:calls'`);
    const shared = nextNumber();
    const first = await platform.createApp(shared);
    const second = await platform.createApp(shared);
    expectAccepted(await call(platform, first, platform.callBody(first, callee(50))));
    await expectRefusal(
      platform,
      () => call(platform, second, platform.callBody(second, callee(51))),
      403,
      '1013118',
      'Service number call frequency restricted.',
    );
    const other = await platform.createApp(nextNumber());
    const more = await platform.createApp(nextNumber());
    expectAccepted(await call(platform, other, platform.callBody(other, callee(52))));
    expectAccepted(await call(platform, more, platform.callBody(more, callee(53))));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const last = await platform.createApp(nextNumber());
    await expectRefusal(
      platform,
      () => call(platform, last, platform.callBody(last, callee(54))),
      403,
      '1013001',
      'Calls exceed the SP limit.',
    );
  });
});
