import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { expectEventually, sineWav } from '#libs/testing';
import { ok, Platform, type TestApp } from './support/platform.js';
import { insertCdrsForSessions } from './support/cdr-fixtures.js';

/** The management audit trail, and the CDR export (JSON pages and streamed CSV). */
describe('audit log and CDR export', () => {
  const platform = new Platform();

  beforeAll(async () => {
    await platform.start({}, { voice: false, notifier: false });
  });

  afterAll(async () => {
    await platform.stop();
  });

  it('records every successful management change with the operator fingerprint and no secret', async () => {
    const app = await platform.createApp('+8675528000011'); // app.create, number.add, tone.upload, tone.approve
    const { appKey } = app;
    await ok(
      await platform.admin('PATCH', `/apps/${appKey}`, {
        name: 'renamed',
        status: 'suspended',
        appSecret: 'smuggled-secret-value',
      }),
    );
    const { appSecret: rotated } = await ok(await platform.admin('POST', `/apps/${appKey}/secret`));
    await ok(
      await platform.admin('PATCH', `/apps/${appKey}/numbers/${encodeURIComponent('+8675528000011')}`, {
        status: 'suspended',
      }),
    );
    await ok(await platform.admin('POST', `/apps/${appKey}/tones?name=other.wav`, sineWav(), 'audio/wav'), 201);
    await ok(await platform.admin('POST', `/apps/${appKey}/tones/other.wav/reject`));
    await ok(await platform.admin('POST', '/lists', { list: 'blacklist', number: '+8613800000099', appKey }), 201);
    await ok(
      await platform.admin(
        'DELETE',
        `/lists?list=blacklist&number=${encodeURIComponent('+8613800000099')}&appKey=${appKey}`,
      ),
    );
    // A failed webhook delivery to redeliver (no notifier runs here, so it stays pending after).
    await platform.infra.query(
      `INSERT INTO call_sessions (id, app_id, app_key, display_nbr, requested_display_nbr, callee_nbr, language_type, pre_tone, times, state)
      SELECT 'audit-session', id, app_key, '+8675528000011', '+8675528000011', '+8613800000021', 2, 'welcome.wav', 1, 'ended' FROM apps WHERE app_key = $1`,
      [appKey],
    );
    const [delivery] = await platform.infra.query<{ id: string }>(
      `INSERT INTO webhook_deliveries (source_id, stream, session_id, app_key, seq, url, body, status)
      VALUES ('ev-1', 'status', 'audit-session', $1, 1, 'http://127.0.0.1:9/status', '{}', 'failed') RETURNING id`,
      [appKey],
    );
    await ok(await platform.admin('POST', `/deliveries/${delivery!.id}/redeliver`), 202);
    // Failed changes leave no trace.
    expect((await platform.admin('PATCH', '/apps/no-such-app', { name: 'x' })).status).toBe(404);
    expect((await platform.admin('POST', `/apps/${appKey}/numbers`, { number: 'bad' })).status).toBe(400);
    // Reads are not changes.
    await ok(await platform.admin('GET', `/apps/${appKey}`));

    const audit = await ok(await platform.admin('GET', '/audit?limit=100'));
    const actor = `operator:${createHash('sha256').update(platform.config.adminToken).digest('hex').slice(0, 8)}`;
    expect(audit.items.map((e: any) => e.action)).toEqual([
      'delivery.redeliver',
      'list.remove',
      'list.add',
      'tone.reject',
      'tone.upload',
      'number.update',
      'app.rotate-secret',
      'app.update',
      'tone.approve',
      'tone.upload',
      'number.add',
      'app.create',
    ]);
    for (const entry of audit.items) {
      expect(entry.actor).toBe(actor);
      expect(new Date(entry.at).getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect(entry.requestId).toEqual(expect.any(String));
    }
    const byAction = (action: string) => audit.items.find((e: any) => e.action === action);
    expect(byAction('app.create').target).toBe(appKey);
    expect(byAction('app.update')).toMatchObject({
      target: appKey,
      detail: { appKey, name: 'renamed', status: 'suspended' },
    });
    expect(byAction('app.update').detail).not.toHaveProperty('appSecret');
    expect(byAction('app.rotate-secret')).toMatchObject({ target: appKey, detail: { appKey } });
    expect(byAction('number.update')).toMatchObject({
      target: '+8675528000011',
      detail: { appKey, status: 'suspended' },
    });
    expect(byAction('tone.upload')).toMatchObject({
      target: 'other.wav',
      detail: { appKey, name: 'other.wav', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), status: 'pending' },
    });
    expect(byAction('tone.reject').target).toBe('other.wav');
    expect(byAction('list.add')).toMatchObject({
      target: '+8613800000099',
      detail: { list: 'blacklist', number: '+8613800000099', appKey },
    });
    expect(byAction('list.remove')).toMatchObject({ target: '+8613800000099', detail: { list: 'blacklist', appKey } });
    expect(byAction('delivery.redeliver').target).toBe(delivery!.id);

    // Filters and paging.
    const updates = await ok(await platform.admin('GET', '/audit?action=tone.upload'));
    expect(updates.items.map((e: any) => e.target)).toEqual(['other.wav', 'welcome.wav']);
    const page = await ok(await platform.admin('GET', `/audit?limit=5`));
    expect(page.items).toHaveLength(5);
    const next = await ok(await platform.admin('GET', `/audit?limit=100&before=${page.nextBefore}`));
    expect(next.items.map((e: any) => e.action)).toEqual(audit.items.slice(5).map((e: any) => e.action));
    expect(
      (
        await ok(
          await platform.admin('GET', `/audit?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`),
        )
      ).items,
    ).toEqual([]);
    expect((await platform.admin('GET', '/audit?from=yesterday')).status).toBe(400);

    // No secret anywhere in the table.
    const table = JSON.stringify(await platform.infra.query('SELECT * FROM audit_log'));
    for (const secret of [app.appSecret, rotated, 'smuggled-secret-value', platform.config.adminToken])
      expect(table).not.toContain(secret);
    expect(table).not.toContain('RIFF');
  });

  describe('CDRs', () => {
    const TOTAL = 100_000;
    let app: TestApp;

    beforeAll(async () => {
      app = await platform.createApp('+8675528000022');
      const started = Date.now();
      // Sessions and their CDRs, one per second from 2025-01-01 00:00:01 UTC; sessions exp-000001 ….
      await platform.infra.query(
        `
        INSERT INTO call_sessions (id, app_id, app_key, display_nbr, requested_display_nbr, callee_nbr, language_type, pre_tone, times, user_data, state, event_seq, state_code, started_at, ended_at)
        SELECT 'exp-' || lpad(g::text, 6, '0'), a.id, a.app_key, '+8675528000022', '+8675528000022', '+86138' || lpad(g::text, 8, '0'), 2, 'welcome.wav', 1,
               CASE g WHEN 1 THEN 'order 7, "gift"' WHEN 2 THEN '=HYPERLINK("http://evil")' ELSE 'u' || g END,
               'ended', 4, CASE WHEN g % 10 = 0 THEN 8102 ELSE 0 END,
               timestamptz '2025-01-01 00:00:00Z' + g * interval '1 second', timestamptz '2025-01-01 00:00:20Z' + g * interval '1 second'
          FROM apps a, generate_series(1, ${TOTAL}) g WHERE a.app_key = $1`,
        [app.appKey],
      );
      await insertCdrsForSessions(platform.infra, 'exp-%');
      console.log(`inserted ${TOTAL} call sessions and CDRs in ${Date.now() - started} ms`);
    });

    it('pages JSON newest first with nextBefore', async () => {
      const first = await ok(await platform.admin('GET', `/cdrs?appKey=${app.appKey}&limit=3`));
      expect(first.items.map((c: any) => c.sessionId)).toEqual(['exp-100000', 'exp-099999', 'exp-099998']);
      const second = await ok(
        await platform.admin('GET', `/cdrs?appKey=${app.appKey}&limit=3&before=${first.nextBefore}`),
      );
      expect(second.items.map((c: any) => c.sessionId)).toEqual(['exp-099997', 'exp-099996', 'exp-099995']);
      const byTime = await ok(
        await platform.admin('GET', `/cdrs?appKey=${app.appKey}&limit=2&before=2025-01-01T00:00:03Z`),
      );
      expect(byTime.items.map((c: any) => c.sessionId)).toEqual(['exp-000002', 'exp-000001']);
      expect(byTime.nextBefore).not.toBeNull();
      const end = await ok(
        await platform.admin('GET', `/cdrs?appKey=${app.appKey}&limit=2&before=${byTime.nextBefore}`),
      );
      expect(end).toEqual({ items: [], count: 0, nextBefore: null });
      expect((await platform.admin('GET', '/cdrs?format=xml')).status).toBe(400);
      expect((await platform.admin('GET', '/cdrs?before=nonsense')).status).toBe(400);
    });

    it(`streams ${TOTAL} CDRs as CSV`, async () => {
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 50);
      const started = Date.now();
      let header = '';
      const kept = new Map<string, string>();
      let rows = 0;
      let bytes = 0;
      try {
        const response = await platform.admin('GET', `/cdrs?format=csv&appKey=${app.appKey}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
        const decoder = new TextDecoder();
        let rest = '';
        const take = (line: string) => {
          if (!header) {
            header = line;
            return;
          }
          rows++;
          if (rows <= 2 || rows === TOTAL || rows === 10) kept.set(line.split(',')[5]!, line);
        };
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          bytes += chunk.length;
          const lines = (rest + decoder.decode(chunk, { stream: true })).split('\r\n');
          rest = lines.pop()!;
          lines.forEach(take);
        }
        expect(rest).toBe('');
      } finally {
        clearInterval(sampler);
      }
      console.log(
        `CSV export: ${rows} rows, ${(bytes / 1048576).toFixed(1)} MiB in ${Date.now() - started} ms; ` +
          `peak RSS growth of the test process (gateway in-process) ${((peak - baseline) / 1048576).toFixed(1)} MiB`,
      );

      expect(header).toBe(
        'direction,spId,appKey,icid,bindNum,sessionId,callerNum,calleeNum,callOutStartTime,callOutAlertingTime,callOutAnswerTime,callEndTime,callOutUnaswRsn,sipStatusCode,ulFailReason,serviceType,hostName,userData,stateCode',
      );
      expect(rows).toBe(TOTAL);
      expect([...kept.keys()]).toEqual(['exp-000001', 'exp-000002', 'exp-000010', 'exp-100000']); // oldest first
      expect(kept.get('exp-000001')).toBe(
        `0,verigate,${app.appKey},icid-exp-000001,+8675528000022,exp-000001,+8675528000022,+8613800000001,` +
          `2025-01-01 00:00:01,2025-01-01 00:00:01,2025-01-01 00:00:01,2025-01-01 00:00:21,0,200,0,001,test-host,"order 7, ""gift""",0`,
      );
      expect(kept.get('exp-000002')!.endsWith(`,"'=HYPERLINK(""http://evil"")",0`)).toBe(true);
      expect(kept.get('exp-000010')!.endsWith(',,2025-01-01 00:00:30,17,486,0,001,test-host,u10,8102')).toBe(true);
      expect(kept.get('exp-100000')).toContain(',+8613800100000,');
    });

    it('filters the CSV by number and time, and frees its connection when the client goes away', async () => {
      const filtered = await platform.admin(
        'GET',
        `/cdrs?format=csv&number=${encodeURIComponent('+8613800000005')}&from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z`,
      );
      const lines = (await filtered.text()).split('\r\n');
      expect(lines).toHaveLength(3);
      expect(lines[1]).toContain(',exp-000005,');
      const none = await platform.admin('GET', `/cdrs?format=csv&appKey=${app.appKey}&from=2030-01-01T00:00:00Z`);
      expect((await none.text()).split('\r\n')).toHaveLength(2);

      // A client that reads the first chunk and hangs up (node:http, so fetch's pool is not involved).
      await new Promise<void>((resolve, reject) => {
        const request = http.get(
          `${platform.baseUrl}/admin/v1/cdrs?format=csv`,
          { headers: { authorization: `Bearer ${platform.config.adminToken}` } },
          (response) => {
            response.once('data', () => {
              request.destroy();
              resolve();
            });
          },
        );
        request.on('error', (error) => (request.destroyed ? undefined : reject(error)));
      });
      await expectEventually(async () => {
        const exports = await platform.infra.query(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT fee_info, state_code FROM cdrs%' AND state <> 'idle'`,
        );
        expect(exports).toHaveLength(0);
      });
      await ok(await platform.admin('GET', `/cdrs?appKey=${app.appKey}&limit=1`));
    });
  });
});
