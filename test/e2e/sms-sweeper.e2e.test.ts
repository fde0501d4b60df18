import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { openDatabase, SmsMessagesRepository } from '#libs/persistence';
import { TestInfrastructure } from '#libs/testing';

/** The sms worker's sweeper against the real PostgreSQL: messages whose command was lost. */
describe('SMS sweeper', () => {
  const infra = new TestInfrastructure();
  let dataSource: DataSource;
  let repository: SmsMessagesRepository;

  beforeAll(async () => {
    dataSource = await openDatabase(infra.databaseUrl, 2);
    repository = new SmsMessagesRepository(dataSource, dataSource);
    await dataSource.query(
      `INSERT INTO apps (app_key, name, secret_sealed, limits, stage, sms_status_url) VALUES ('k', 'n', 's', '{}', 'commercial', 'http://127.0.0.1/sms')`,
    );
    const [{ id: appId }] = await dataSource.query(`SELECT id FROM apps`);
    const rows: Array<[string, string, string]> = [
      ['00000000-0000-0000-0000-000000000001', "now() - interval '2 minutes'", 'NULL'], // lost, expired: failed
      ['00000000-0000-0000-0000-000000000002', "now() + interval '2 minutes'", 'NULL'], // still valid: left
      ['00000000-0000-0000-0000-000000000003', "now() - interval '2 minutes'", "now() + interval '1 minute'"], // held by a worker: left
    ];
    for (const [id, expires, lease] of rows) {
      await dataSource.query(
        `INSERT INTO sms_messages (id, app_id, app_key, mobile, type, lang, code_hash, code_sealed, code_expires_at, max_verify_attempts,
                                   captcha_token, fingerprint, client_ip, submit_lease_until)
         VALUES ($1::uuid, $2, 'k', '13800000000', 'LOGIN_SMS', 'zh', 'h', 'sealed', ${expires}, 5, $1::text, 'f', 'i', ${lease})`,
        [id, appId],
      );
    }
  });

  afterAll(async () => {
    await dataSource.destroy();
    await infra.dispose();
  });

  it('fails a never-submitted message once its code expired, wipes its sealed code and notifies once', async () => {
    const notifications = await repository.failExpired();
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({
      routing_key: 'sms.failed',
      message_id: '00000000-0000-0000-0000-000000000001:1',
    });
    const messages = await dataSource.query(`SELECT id, status, code_sealed, error FROM sms_messages ORDER BY id`);
    expect(messages.map((m: { status: string; code_sealed: string | null }) => [m.status, m.code_sealed])).toEqual([
      ['failed', null],
      ['accepted', 'sealed'],
      ['accepted', 'sealed'],
    ]);
    expect(messages[0].error).toBe('the code expired before the message could be submitted');
    expect(await repository.failExpired()).toHaveLength(0);
  });
});
