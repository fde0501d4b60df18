import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { Exchanges } from '#libs/contracts';
import { Outbox, type OutboxRow } from '#libs/messaging';
import { expectEventually } from '#libs/testing';
import { ok, Platform } from './support/platform.js';

/**
 * SMS status notifications (database functions → outbox → notifier → the app's smsStatusUrl)
 * and the management API's SMS side: messages, the development inbox, the apps' SMS settings.
 * Messages are inserted directly (the gateway's send endpoint is not under test here).
 */
describe('SMS status notifications and management API', () => {
  const platform = new Platform();
  const STATUS_PATH = '/sms-status';
  let appKey: string;
  let otherAppKey: string;

  beforeAll(async () => {
    await platform.start({}, { voice: false });
    appKey = (
      await ok(
        await platform.admin('POST', '/apps', { name: 'sms-app', smsStatusUrl: platform.receiver.url(STATUS_PATH) }),
        201,
      )
    ).appKey;
    otherAppKey = (await ok(await platform.admin('POST', '/apps', { name: 'other-sms-app' }), 201)).appKey;
  });

  afterAll(async () => {
    await platform.stop();
  });

  /** Inserts an accepted message (as the gateway's send would) and returns its id. */
  async function insertMessage(
    key: string,
    mobile: string,
    extra: { type?: string; createdAt?: string } = {},
  ): Promise<string> {
    const id = randomUUID();
    await platform.infra.query(
      `INSERT INTO sms_messages (id, app_id, app_key, mobile, type, lang, code_hash, code_sealed, code_expires_at, max_verify_attempts,
                                 captcha_token, fingerprint, client_ip, created_at)
       SELECT $1::uuid, id, app_key, $3, $4, 'zh', 'HASH-NEVER-SHOWN-' || $1::text, 'SEALED-NEVER-SHOWN-' || $1::text, now() + interval '5 minutes', 5,
              'captcha-' || $1::text, 'fp-1', '203.0.113.7', COALESCE($5::timestamptz, now())
         FROM apps WHERE app_key = $2`,
      [id, key, mobile, extra.type ?? 'LOGIN_SMS', extra.createdAt ?? null],
    );
    return id;
  }

  /** Runs one of the status functions and publishes its outbox rows at once (as the sms worker does). */
  async function statusCall(sql: string, params: unknown[]): Promise<OutboxRow[]> {
    const rows = await platform.infra.query<OutboxRow>(sql, params);
    await platform.gateway.get(Outbox, { strict: false }).dispatch(rows);
    return rows;
  }

  const submitted = (messageId: string, providerIds: string[]) =>
    statusCall('SELECT * FROM verigate_sms_submitted($1, $2, $3::text[], $4)', [
      messageId,
      'smpp',
      providerIds,
      Exchanges.smsEvents,
    ]);
  const receipt = (providerId: string, status: string, errorCode: string | null = null) =>
    statusCall('SELECT * FROM verigate_sms_receipt($1, $2, $3, now(), $4, $5)', [
      'smpp',
      providerId,
      status,
      errorCode,
      Exchanges.smsEvents,
    ]);

  /** The statusInfo of the notifications received for a message, in arrival order. */
  const notified = (messageId: string) =>
    platform.receiver
      .on(STATUS_PATH)
      .map((r) => r.body)
      .filter((b) => b.statusInfo?.messageId === messageId);

  /** Waits until `count` notifications of a message have arrived; returns their bodies. */
  const notifications = (messageId: string, count: number) =>
    expectEventually(() => {
      const got = notified(messageId);
      expect(got).toHaveLength(count);
      return got;
    });

  const TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

  it('notifies submitted then delivered, in order, with the SMS status body', async () => {
    const id = await insertMessage(appKey, '+8613800000001');
    const [event] = await submitted(id, ['P-A1']);
    expect(event).toMatchObject({ routing_key: 'sms.submitted', message_id: `${id}:1` });
    expect(await receipt('P-A1', 'delivered')).toHaveLength(1);

    const bodies = await notifications(id, 2);
    expect(bodies).toEqual([
      {
        eventType: 'smsStatus',
        statusInfo: {
          messageId: id,
          mobile: '+8613800000001',
          type: 'LOGIN_SMS',
          status: 'submitted',
          segments: 1,
          error: null,
          timestamp: expect.stringMatching(TIMESTAMP),
        },
      },
      {
        eventType: 'smsStatus',
        statusInfo: {
          messageId: id,
          mobile: '+8613800000001',
          type: 'LOGIN_SMS',
          status: 'delivered',
          segments: 1,
          error: null,
          timestamp: expect.stringMatching(TIMESTAMP),
        },
      },
    ]);
    const request = platform.receiver.on(STATUS_PATH).find((r) => r.body.statusInfo.messageId === id)!;
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    // The notifier's delivery log knows them under the message id.
    const deliveries = await ok(await platform.admin('GET', `/deliveries?sessionId=${id}`));
    expect(deliveries.map((d: any) => [d.stream, d.seq, d.status])).toEqual([
      ['status', 1, 'delivered'],
      ['status', 2, 'delivered'],
    ]);
  });

  it('still notifies submitted then delivered when the receipt overtakes the submission record', async () => {
    const id = await insertMessage(appKey, '+8613800000002');
    expect(await receipt('P-B1', 'delivered')).toEqual([]);
    const rows = await submitted(id, ['P-B1']);
    expect(rows.map((r) => r.routing_key)).toEqual(['sms.submitted', 'sms.delivered']);
    const bodies = await notifications(id, 2);
    expect(bodies.map((b) => b.statusInfo.status)).toEqual(['submitted', 'delivered']);
    const [row] = await platform.infra.query<{ status: string; code_sealed: string | null; notify_seq: number }>(
      'SELECT status, code_sealed, notify_seq FROM sms_messages WHERE id = $1',
      [id],
    );
    expect(row).toEqual({ status: 'delivered', code_sealed: null, notify_seq: 2 });
    expect(await platform.infra.query('SELECT 1 FROM sms_receipts WHERE provider_id = $1', ['P-B1'])).toEqual([]);
  });

  it('applies a receipt that arrives while the submission is being recorded (no lost receipt)', async () => {
    const id = await insertMessage(appKey, '+8613800000004');
    // The sms worker's submission, still uncommitted while the receipt comes in on another connection.
    const submitter = new pg.Client({ connectionString: platform.infra.databaseUrl });
    await submitter.connect();
    try {
      await submitter.query('BEGIN');
      const { rows: first } = await submitter.query<OutboxRow>(
        'SELECT * FROM verigate_sms_submitted($1, $2, $3::text[], $4)',
        [id, 'smpp', ['P-R1'], Exchanges.smsEvents],
      );
      expect(first.map((r) => r.routing_key)).toEqual(['sms.submitted']);
      const receiving = receipt('P-R1', 'delivered');
      await new Promise((r) => setTimeout(r, 300));
      await submitter.query('COMMIT');
      expect((await receiving).map((r) => r.routing_key)).toEqual(['sms.delivered']);
    } finally {
      await submitter.end();
    }
    const [row] = await platform.infra.query<{ status: string }>('SELECT status FROM sms_messages WHERE id = $1', [id]);
    expect(row!.status).toBe('delivered');
  });

  it('makes a message of two segments undeliverable when one segment is', async () => {
    const id = await insertMessage(appKey, '+8613800000003');
    await submitted(id, ['P-C1', 'P-C2']);
    expect(await receipt('P-C1', 'delivered')).toEqual([]); // one of two: nothing decided yet
    expect((await receipt('P-C2', 'undeliverable', '001')).map((r) => r.routing_key)).toEqual(['sms.undeliverable']);
    const bodies = await notifications(id, 2);
    expect(bodies.map((b) => [b.statusInfo.status, b.statusInfo.segments, b.statusInfo.error])).toEqual([
      ['submitted', 2, null],
      ['undeliverable', 2, 'receipt error 001'],
    ]);

    const message = await ok(await platform.admin('GET', `/sms/${id}`));
    expect(message).toMatchObject({
      messageId: id,
      appKey,
      mobile: '+8613800000003',
      type: 'LOGIN_SMS',
      lang: 'zh',
      status: 'undeliverable',
      segments: 2,
      provider: 'smpp',
      submitAttempts: 0,
      error: 'receipt error 001',
      codeState: 'active',
      verifyAttempts: 0,
    });
    expect(message.parts).toEqual([
      { providerId: 'P-C1', partNo: 1, status: 'delivered', doneAt: expect.stringMatching(/Z$/), errorCode: null },
      { providerId: 'P-C2', partNo: 2, status: 'undeliverable', doneAt: expect.stringMatching(/Z$/), errorCode: '001' },
    ]);
    expect(new Date(message.submittedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(new Date(message.doneAt).getTime()).toBeGreaterThanOrEqual(new Date(message.submittedAt).getTime());
  });

  it('lists messages newest first with filters, keyset pages and CSV, never showing the code', async () => {
    // Fixed creation times, so the order is known; a message of another app and one still accepted.
    const mobile = '+8613900000010';
    const base = Date.parse('2026-01-10T08:00:00.000Z');
    const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
    const ids = [];
    for (let i = 0; i < 5; i++)
      ids.push(await insertMessage(appKey, mobile, { createdAt: at(i), type: i === 4 ? 'REGISTER_SMS' : 'LOGIN_SMS' }));
    const foreign = await insertMessage(otherAppKey, mobile, { createdAt: at(2.5) });
    await submitted(ids[1]!, ['P-L1']);
    await receipt('P-L1', 'delivered');

    const all = await ok(await platform.admin('GET', `/sms?mobile=${encodeURIComponent(mobile)}`));
    expect(all.items.map((m: any) => m.messageId)).toEqual([ids[4], ids[3], foreign, ids[2], ids[1], ids[0]]);
    expect(all.count).toBe(6);
    expect(all.nextBefore).toBeNull();
    expect(Object.keys(all.items[0]).sort()).toEqual([
      'appKey',
      'codeState',
      'createdAt',
      'doneAt',
      'error',
      'lang',
      'messageId',
      'mobile',
      'parts',
      'provider',
      'segments',
      'status',
      'submitAttempts',
      'submittedAt',
      'type',
      'verifyAttempts',
    ]);
    expect(all.items[0]).toMatchObject({
      createdAt: at(4),
      status: 'accepted',
      segments: null,
      provider: null,
      submittedAt: null,
      parts: [],
    });

    const mine = await ok(await platform.admin('GET', `/sms?appKey=${appKey}&mobile=${encodeURIComponent(mobile)}`));
    expect(mine.items.map((m: any) => m.messageId)).toEqual([ids[4], ids[3], ids[2], ids[1], ids[0]]);
    const delivered = await ok(
      await platform.admin('GET', `/sms?status=delivered&mobile=${encodeURIComponent(mobile)}`),
    );
    expect(delivered.items.map((m: any) => m.messageId)).toEqual([ids[1]]);
    expect(delivered.items[0].parts).toEqual([
      { providerId: 'P-L1', partNo: 1, status: 'delivered', doneAt: expect.any(String), errorCode: null },
    ]);
    const registers = await ok(
      await platform.admin('GET', `/sms?type=register_sms&mobile=${encodeURIComponent(mobile)}`),
    );
    expect(registers.items.map((m: any) => m.messageId)).toEqual([ids[4]]);
    const one = await ok(await platform.admin('GET', `/sms?messageId=${ids[2]}`));
    expect(one.items.map((m: any) => m.messageId)).toEqual([ids[2]]);
    const window = await ok(
      await platform.admin(
        'GET',
        `/sms?appKey=${appKey}&from=${encodeURIComponent(at(1))}&to=${encodeURIComponent(at(3))}`,
      ),
    );
    expect(window.items.map((m: any) => m.messageId)).toEqual([ids[2], ids[1]]);

    // Keyset pages of 2 cover the list exactly once, in order.
    const seen: string[] = [];
    let before: string | null = '';
    let pages = 0;
    while (before !== null) {
      const page: any = await ok(
        await platform.admin(
          'GET',
          `/sms?appKey=${appKey}&mobile=${encodeURIComponent(mobile)}&limit=2${before ? `&before=${before}` : ''}`,
        ),
      );
      seen.push(...page.items.map((m: any) => m.messageId));
      before = page.nextBefore;
      pages++;
    }
    expect(seen).toEqual([ids[4], ids[3], ids[2], ids[1], ids[0]]);
    expect(pages).toBe(3);
    const olderThan = await ok(
      await platform.admin(
        'GET',
        `/sms?appKey=${appKey}&mobile=${encodeURIComponent(mobile)}&before=${encodeURIComponent(at(2))}`,
      ),
    );
    expect(olderThan.items.map((m: any) => m.messageId)).toEqual([ids[1], ids[0]]);

    // CSV: every match, oldest first.
    const csvResponse = await platform.admin(
      'GET',
      `/sms?format=csv&appKey=${appKey}&mobile=${encodeURIComponent(mobile)}`,
    );
    expect(csvResponse.status).toBe(200);
    expect(csvResponse.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csvResponse.headers.get('content-disposition')).toBe('attachment; filename="sms.csv"');
    const csv = await csvResponse.text();
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'messageId,appKey,mobile,type,lang,status,segments,provider,submitAttempts,error,codeState,verifyAttempts,createdAt,submittedAt,doneAt',
    );
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([ids[0], ids[1], ids[2], ids[3], ids[4]]);
    expect(lines[2]!.split(',')).toEqual([
      ids[1],
      appKey,
      mobile,
      'LOGIN_SMS',
      'zh',
      'delivered',
      '1',
      'smpp',
      '0',
      '',
      'active',
      '0',
      at(1),
      expect.stringMatching(/Z$/),
      expect.stringMatching(/Z$/),
    ]);

    // Never the code, in any form.
    for (const text of [
      JSON.stringify(all),
      JSON.stringify(await ok(await platform.admin('GET', `/sms/${ids[0]}`))),
      csv,
    ]) {
      expect(text).not.toMatch(/NEVER-SHOWN|code_hash|code_sealed|codeHash|codeSealed/);
    }
    // The accepted ones still hold their sealed code in the table (so the check above means something).
    expect(
      await platform.infra.query('SELECT 1 FROM sms_messages WHERE id = $1 AND code_sealed IS NOT NULL', [ids[0]]),
    ).toHaveLength(1);
  });

  it('answers bad queries and unknown messages with the admin error shape', async () => {
    const missing = await platform.admin('GET', `/sms/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error_code: 'NOT_FOUND',
      error_msg: expect.stringMatching(/^message .* not found$/),
    });
    expect((await platform.admin('GET', '/sms/not-a-uuid')).status).toBe(404);
    for (const [query, field] of [
      ['status=sent', 'status'],
      ['type=NOPE', 'type'],
      ['messageId=123', 'messageId'],
      ['from=yesterday', 'from'],
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['before=garbage', 'before'],
    ] as const) {
      const response = await platform.admin('GET', `/sms?${query}`);
      expect([query, response.status]).toEqual([query, 400]);
      expect(await response.json()).toEqual({
        error_code: 'INVALID_FIELD',
        error_msg: expect.stringMatching(new RegExp(`^${field} must be`)),
      });
    }
    const format = await platform.admin('GET', '/sms?format=xml');
    expect(format.status).toBe(400);
    expect((await format.json()).error_code).toBe('UNSUPPORTED_FORMAT');
    const anonymous = await fetch(`${platform.baseUrl}/admin/v1/sms`);
    expect(anonymous.status).toBe(401);
    expect((await fetch(`${platform.baseUrl}/admin/v1/sms/dev-inbox`)).status).toBe(401);
  });

  it('shows the development inbox newest first, filtered by mobile', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await platform.infra.query(
      `INSERT INTO sms_dev_inbox (provider_id, message_id, mobile, text, created_at) VALUES
         ('log-1', $1, '+8613700000001', '【Shop】Your code is 123456', '2026-02-01T00:00:01Z'),
         ('log-2', $2, '+8613700000002', '【Shop】Your code is 222222', '2026-02-01T00:00:02Z'),
         ('log-3', $3, '+8613700000001', '【Shop】Your code is 654321', '2026-02-01T00:00:03Z')`,
      [a, b, c],
    );
    const inbox = await ok(
      await platform.admin('GET', `/sms/dev-inbox?mobile=${encodeURIComponent('+8613700000001')}`),
    );
    expect(inbox).toEqual({
      items: [
        {
          mobile: '+8613700000001',
          text: '【Shop】Your code is 654321',
          messageId: c,
          createdAt: '2026-02-01T00:00:03.000Z',
        },
        {
          mobile: '+8613700000001',
          text: '【Shop】Your code is 123456',
          messageId: a,
          createdAt: '2026-02-01T00:00:01.000Z',
        },
      ],
      count: 2,
    });
    const latest = await ok(await platform.admin('GET', '/sms/dev-inbox?limit=1'));
    expect(latest.items.map((i: any) => i.messageId)).toEqual([c]);
  });

  it('sets and clears an app’s SMS status URL and SMS limits, refusing values out of range', async () => {
    const created = await ok(await platform.admin('GET', `/apps/${appKey}`));
    expect(created.smsStatusUrl).toBe(platform.receiver.url(STATUS_PATH));
    expect((await ok(await platform.admin('GET', `/apps/${otherAppKey}`))).smsStatusUrl).toBeNull();

    const patched = await ok(
      await platform.admin('PATCH', `/apps/${otherAppKey}`, {
        smsStatusUrl: 'https://hooks.example.com/sms?x=1',
        limits: {
          smsCodeLength: 8,
          smsCodeTtlSeconds: 30,
          smsVerifyAttempts: 100,
          smsResendCooldownSeconds: 0,
          smsPerMobilePerHour: 1,
          smsPerIpPerHour: 20,
          apiPerMinute: 60,
        },
      }),
    );
    expect(patched.smsStatusUrl).toBe('https://hooks.example.com/sms?x=1');
    expect(patched.limits).toEqual({
      smsCodeLength: 8,
      smsCodeTtlSeconds: 30,
      smsVerifyAttempts: 100,
      smsResendCooldownSeconds: 0,
      smsPerMobilePerHour: 1,
      smsPerIpPerHour: 20,
      apiPerMinute: 60,
    });
    const [row] = await platform.infra.query<{ sms_status_url: string }>(
      'SELECT sms_status_url FROM apps WHERE app_key = $1',
      [otherAppKey],
    );
    expect(row!.sms_status_url).toBe('https://hooks.example.com/sms?x=1');

    // null clears the URL and removes a limit (back to the platform default); the rest stays.
    const cleared = await ok(
      await platform.admin('PATCH', `/apps/${otherAppKey}`, { smsStatusUrl: null, limits: { smsCodeLength: null } }),
    );
    expect(cleared.smsStatusUrl).toBeNull();
    expect(cleared.limits).toEqual({
      smsCodeTtlSeconds: 30,
      smsVerifyAttempts: 100,
      smsResendCooldownSeconds: 0,
      smsPerMobilePerHour: 1,
      smsPerIpPerHour: 20,
      apiPerMinute: 60,
    });

    const refusals: Array<[unknown, string]> = [
      [
        { smsStatusUrl: 'ftp://hooks.example.com/sms' },
        'smsStatusUrl must be an absolute http or https URL of at most 2048 characters, or null',
      ],
      [
        { smsStatusUrl: '/relative/path' },
        'smsStatusUrl must be an absolute http or https URL of at most 2048 characters, or null',
      ],
      [
        { smsStatusUrl: `https://hooks.example.com/${'a'.repeat(2030)}` },
        'smsStatusUrl must be an absolute http or https URL of at most 2048 characters, or null',
      ],
      [{ smsStatusUrl: 42 }, 'smsStatusUrl must be an absolute http or https URL of at most 2048 characters, or null'],
      [{ limits: { smsCodeLength: 3 } }, 'limits.smsCodeLength must be an integer 4-10 or null'],
      [{ limits: { smsCodeLength: 11 } }, 'limits.smsCodeLength must be an integer 4-10 or null'],
      [{ limits: { smsCodeTtlSeconds: 29 } }, 'limits.smsCodeTtlSeconds must be an integer 30-86400 or null'],
      [{ limits: { smsVerifyAttempts: 0 } }, 'limits.smsVerifyAttempts must be an integer 1-100 or null'],
      [
        { limits: { smsResendCooldownSeconds: 86401 } },
        'limits.smsResendCooldownSeconds must be an integer 0-86400 or null',
      ],
      [{ limits: { smsPerIpPerHour: 0 } }, 'limits.smsPerIpPerHour must be an integer 1-1000000000 or null'],
      [{ limits: { smsPerDevicePerHour: 2.5 } }, 'limits.smsPerDevicePerHour must be an integer 1-1000000000 or null'],
      [{ limits: { smsPerMobilePerDay: '5' } }, 'limits.smsPerMobilePerDay must be an integer 1-1000000000 or null'],
      [
        { limits: { smsPerWeek: 5 } },
        expect.stringMatching(
          /^limits\.smsPerWeek must be one of apiPerMinute, .*smsPerIpPerHour$/,
        ) as unknown as string,
      ],
    ];
    for (const [body, message] of refusals) {
      const response = await platform.admin('PATCH', `/apps/${otherAppKey}`, body);
      expect([body, response.status, await response.json()]).toEqual([
        body,
        400,
        { error_code: 'INVALID_FIELD', error_msg: message },
      ]);
    }
    // A refused PATCH changes nothing.
    const after = await ok(await platform.admin('GET', `/apps/${otherAppKey}`));
    expect(after.smsStatusUrl).toBeNull();
    expect(after.limits).toEqual(cleared.limits);
    // 2048 characters is still allowed; creation validates too.
    const longest = `https://hooks.example.com/${'a'.repeat(2048 - 'https://hooks.example.com/'.length)}`;
    expect(
      (await ok(await platform.admin('PATCH', `/apps/${otherAppKey}`, { smsStatusUrl: longest }))).smsStatusUrl,
    ).toBe(longest);
    expect((await platform.admin('POST', '/apps', { name: 'bad', smsStatusUrl: 'mailto:x@example.com' })).status).toBe(
      400,
    );
    expect((await platform.admin('POST', '/apps', { name: 'bad', limits: { smsCodeLength: 12 } })).status).toBe(400);
  });

  it('is driven by the CLI: sms list / show / inbox and the app options', async () => {
    const cli = async (...args: string[]) => {
      const { stdout } = await promisify(execFile)(process.execPath, ['packages/client/dist/cli/main.js', ...args], {
        env: { ...process.env, VERIGATE_URL: platform.baseUrl, VERIGATE_ADMIN_TOKEN: platform.config.adminToken },
      });
      return JSON.parse(stdout);
    };
    const id = await insertMessage(appKey, '+8613600000001');
    const listed = await cli(
      'sms',
      'list',
      '--app-key',
      appKey,
      '--mobile',
      '+8613600000001',
      '--status',
      'accepted',
      '--limit',
      '5',
    );
    expect(listed.items.map((m: any) => m.messageId)).toEqual([id]);
    expect((await cli('sms', 'show', id)).messageId).toBe(id);
    await platform.infra.query(
      `INSERT INTO sms_dev_inbox (provider_id, message_id, mobile, text) VALUES ('log-cli', $1, '+8613600000001', 'code 1234')`,
      [id],
    );
    expect((await cli('sms', 'inbox', '--mobile', '+8613600000001')).items.map((i: any) => i.text)).toEqual([
      'code 1234',
    ]);
    const set = await cli(
      'apps',
      'set',
      otherAppKey,
      '--sms-status-url',
      'https://cli.example.com/sms',
      '--limits',
      'smsCodeLength=6,smsPerIpPerHour=none',
    );
    expect(set.smsStatusUrl).toBe('https://cli.example.com/sms');
    expect(set.limits.smsCodeLength).toBe(6);
    expect(set.limits).not.toHaveProperty('smsPerIpPerHour');
    expect((await cli('apps', 'set', otherAppKey, '--sms-status-url', 'none')).smsStatusUrl).toBeNull();
  });
});
