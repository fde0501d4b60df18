import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { expectEventually } from '#libs/testing';
import { ok, Platform, type TestApp } from './support/platform.js';

/**
 * Secrets hygiene across a whole voice call (gateway → voice → notifier): once the call has
 * ended, the verification code is nowhere in the database (its sealed copy is wiped), the app
 * secret and the Standard Webhooks secret are stored only sealed, and none of them appears in a
 * management-API answer, a notification or a log line (logs captured at debug level).
 */
describe('secrets hygiene', () => {
  const platform = new Platform();
  const CODE = '73914682';
  let app: TestApp;
  let webhookSecret: string;
  const logLines: string[] = [];
  let previousLevel: string | undefined;

  beforeAll(async () => {
    previousLevel = process.env.TEST_LOG_LEVEL;
    process.env.TEST_LOG_LEVEL = 'debug';
    const write = process.stdout.write.bind(process.stdout);
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any, ...rest: any[]) => {
      const text = String(chunk);
      if (text.startsWith('{"time"')) {
        logLines.push(text);
        return true;
      }
      return (write as any)(chunk, ...rest);
    });
    await platform.start();
    app = await platform.createApp();
    webhookSecret = (await ok(await platform.admin('POST', `/apps/${app.appKey}/webhook-secret`))).webhookSecret;
  });

  afterAll(async () => {
    await platform.stop();
    jest.restoreAllMocks();
    if (previousLevel === undefined) delete process.env.TEST_LOG_LEVEL;
    else process.env.TEST_LOG_LEVEL = previousLevel;
  });

  /** Every (table, column, row count) whose text form contains `needle`, over all tables of the database. */
  async function findEverywhere(needle: string): Promise<string[]> {
    const columns = await platform.infra.query<{ table_name: string; column_name: string }>(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
        WHERE c.table_schema = 'public' AND c.data_type NOT IN ('bytea')`,
    );
    expect(columns.length).toBeGreaterThan(50); // really every table
    // One statement (one connection) for every column: a query per column is hundreds of connections.
    const counts = columns.map(
      ({ table_name, column_name }, i) =>
        `SELECT ${i} AS i, count(*)::int AS n FROM "${table_name}" WHERE strpos("${column_name}"::text, $1) > 0`,
    );
    const rows = await platform.infra.query<{ i: number; n: number }>(counts.join(' UNION ALL '), [needle]);
    const hits: string[] = [];
    for (const { i, n } of rows) {
      if (n > 0) hits.push(`${columns[i]!.table_name}.${columns[i]!.column_name} (${n})`);
    }
    return hits;
  }

  it('leaves no trace of the code, and no secret in clear, after a call', async () => {
    const answer = await platform.callVerify(
      app,
      platform.callBody(app, '+8613800000031', {
        verifyCode: CODE,
        statusUrl: platform.receiver.base64Url('/status'),
        feeUrl: platform.receiver.base64Url('/fee'),
      }),
    );
    expect(answer.status).toBe(200);
    const sessionId = answer.body.sessionId as string;

    // While the call is live the code is held sealed (the worker must speak it)...
    const [accepted] = await platform.infra.query<{ verify_code_sealed: string | null }>(
      'SELECT verify_code_sealed FROM call_sessions WHERE id = $1',
      [sessionId],
    );
    expect(accepted!.verify_code_sealed === null || accepted!.verify_code_sealed.startsWith('v1.')).toBe(true);

    await expectEventually(() => {
      expect(platform.receiver.on('/status').map((r) => r.body.eventType)).toEqual([
        'callout',
        'alerting',
        'answer',
        'disconnect',
      ]);
      expect(platform.receiver.on('/fee')).toHaveLength(1);
    });
    // ...and once it has ended, not even sealed.
    const [ended] = await platform.infra.query<{ state: string; verify_code_sealed: string | null }>(
      'SELECT state, verify_code_sealed FROM call_sessions WHERE id = $1',
      [sessionId],
    );
    expect(ended).toEqual({ state: 'ended', verify_code_sealed: null });

    expect(await findEverywhere(app.appKey)).toContain('apps.app_key (1)'); // the search finds what is there
    expect(await findEverywhere(CODE)).toEqual([]);
    expect(await findEverywhere(app.appSecret)).toEqual([]);
    expect(await findEverywhere(webhookSecret.slice('whsec_'.length, 30))).toEqual([]);
    const [stored] = await platform.infra.query<{ secret_sealed: string; webhook_secret_sealed: string }>(
      'SELECT secret_sealed, webhook_secret_sealed FROM apps WHERE app_key = $1',
      [app.appKey],
    );
    expect(stored!.secret_sealed).toMatch(/^v1\./);
    expect(stored!.webhook_secret_sealed).toMatch(/^v1\./);

    // Management-API answers, notifications and logs.
    const answers = await Promise.all(
      [
        `/apps/${app.appKey}`,
        '/apps',
        `/calls/${sessionId}`,
        `/deliveries?sessionId=${sessionId}`,
        `/cdrs?sessionId=${sessionId}`,
        '/audit',
      ].map(async (path) => JSON.stringify(await ok(await platform.admin('GET', path)))),
    );
    const notifications = platform.receiver.requests.map(
      (r) => `${JSON.stringify(r.headers)} ${r.rawBody.toString('utf8')}`,
    );
    expect(logLines.some((line) => line.includes(sessionId))).toBe(true); // the capture works (debug level)
    for (const [what, texts] of [
      ['admin answers', answers],
      ['notifications', notifications],
      ['log lines', logLines],
    ] as const) {
      for (const text of texts) {
        for (const secret of [CODE, app.appSecret, webhookSecret.slice('whsec_'.length)]) {
          if (text.includes(secret)) throw new Error(`a secret appears in ${what}: ${text.slice(0, 300)}`);
        }
      }
    }
  });
});
