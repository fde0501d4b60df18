import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectEventually } from '#libs/testing';
import { ok, Platform } from './support/platform.js';

/**
 * A notification URL may carry credentials (`https://user:password@host/…`). The management API and the audit log show it as `https://***@host/…`; the stored
 * URL keeps them, so deliveries still authenticate.
 */
describe('credentials in notification URLs', () => {
  const platform = new Platform();
  const PATH = '/sms-status-basic';
  const PASSWORD = 'Pa55-w0rd-of-the-receiver';
  let withCredentials: string;
  let shown: string;

  beforeAll(async () => {
    await platform.start({}, { voice: false });
    withCredentials = platform.receiver.url(PATH).replace('http://', `http://hook-user:${PASSWORD}@`);
    shown = platform.receiver.url(PATH).replace('http://', 'http://***@');
  });

  afterAll(() => platform.stop());

  it('are never echoed by the apps API nor written to the audit log, and still reach the receiver', async () => {
    const created = await ok(
      await platform.admin('POST', '/apps', { name: 'basic-auth-receiver', smsStatusUrl: withCredentials }),
      201,
    );
    const { appKey } = created;
    expect(created.smsStatusUrl).toBe(shown);
    expect((await ok(await platform.admin('GET', `/apps/${appKey}`))).smsStatusUrl).toBe(shown);
    const listed = (await ok(await platform.admin('GET', '/apps'))) as
      Array<{ appKey: string; smsStatusUrl: string }> | { items: Array<{ appKey: string; smsStatusUrl: string }> };
    const items = Array.isArray(listed) ? listed : listed.items;
    expect(items.find((a) => a.appKey === appKey)?.smsStatusUrl).toBe(shown);
    // Sending back the URL as shown changes nothing: the stored credentials stay.
    expect(
      (await ok(await platform.admin('PATCH', `/apps/${appKey}`, { smsStatusUrl: shown, name: 'renamed' })))
        .smsStatusUrl,
    ).toBe(shown);
    const [stored] = await platform.infra.query<{ sms_status_url: string }>(
      'SELECT sms_status_url FROM apps WHERE app_key = $1',
      [appKey],
    );
    expect(stored!.sms_status_url).toBe(withCredentials);

    const audit = await ok(await platform.admin('GET', '/audit?limit=100'));
    const entries = audit.items.filter((e: { target: string }) => e.target === appKey);
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['app.update', 'app.create']);
    expect(entries.find((e: { action: string }) => e.action === 'app.update').detail).toMatchObject({
      smsStatusUrl: shown,
    });
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
    const [raw] = await platform.infra.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE detail::text LIKE '%' || $1 || '%'`,
      [PASSWORD],
    );
    expect(raw!.n).toBe(0);

    // Sent back with a change, the redaction mark would be stored as the user `***`: refused, nothing changes.
    const moved = shown.replace(PATH, `${PATH}/moved`);
    for (const [method, path] of [
      ['PATCH', `/apps/${appKey}`],
      ['POST', '/apps'],
    ] as const) {
      const refused = await platform.admin(method, path, { name: 'redacted-receiver', smsStatusUrl: moved });
      expect({ status: refused.status, body: await refused.json() }).toMatchObject({
        status: 400,
        body: { error_code: 'INVALID_FIELD', error_msg: expect.stringContaining('smsStatusUrl') },
      });
    }
    const [kept] = await platform.infra.query<{ sms_status_url: string }>(
      'SELECT sms_status_url FROM apps WHERE app_key = $1',
      [appKey],
    );
    expect(kept!.sms_status_url).toBe(withCredentials);

    // The notifier still delivers to the stored URL, credentials and all.
    const messageId = await platform.submittedSms(appKey);
    await expectEventually(() =>
      expect(platform.receiver.on(PATH).some((r) => r.body?.statusInfo?.messageId === messageId)).toBe(true),
    );
  });
});
