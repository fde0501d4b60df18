import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { READ_DATA_SOURCE } from '#libs/persistence';
import { expectEventually } from '#libs/testing';
import { ok, Platform, type TestApp } from './support/platform.js';
import { ReplicaCluster } from './support/replica-cluster.js';

/**
 * DATABASE_READ_URL against a real streaming replica (a throwaway PostgreSQL 15 primary on 5461
 * and its pg_basebackup -R replica on 5462): the operators' CDR, call and SMS listings and exports
 * read from the replica — shown by pausing its WAL replay — while writes go to the primary.
 */
describe('read replica (DATABASE_READ_URL)', () => {
  const cluster = new ReplicaCluster();
  const platform = new Platform();
  const primary = cluster.primaryPort;
  const replica = cluster.replicaPort;
  let app: TestApp;

  beforeAll(async () => {
    await cluster.start();
    // The database exists on the replica before the gateway connects to it (no migrations run there).
    await cluster.query(primary, 'CREATE DATABASE verigate', [], 'postgres');
    await expectEventually(async () =>
      expect(
        await cluster.query(replica, "SELECT 1 FROM pg_database WHERE datname = 'verigate'", [], 'postgres'),
      ).toHaveLength(1),
    );
    await platform.start(
      { DATABASE_URL: cluster.url(primary), DATABASE_READ_URL: cluster.url(replica) },
      { notifier: false },
    );
    app = await platform.createApp('+8675528000061');
  }, 60_000);

  afterAll(async () => {
    await platform.stop().catch(() => undefined);
    await cluster.dispose();
  }, 60_000);

  /** A call through the API; resolves with its session id once its CDR is on the primary. */
  async function finishedCall(callee: string): Promise<string> {
    const response = await platform.callVerify(app, platform.callBody(app, callee));
    expect(response.status).toBe(200);
    const sessionId = response.body.sessionId as string;
    await expectEventually(async () =>
      expect(await cluster.query(primary, 'SELECT 1 FROM cdrs WHERE session_id = $1', [sessionId])).toHaveLength(1),
    );
    return sessionId;
  }

  /** An accepted SMS written on the primary (as the gateway's send would). */
  async function smsOnPrimary(mobile: string): Promise<string> {
    const id = randomUUID();
    await cluster.query(
      primary,
      `INSERT INTO sms_messages (id, app_id, app_key, mobile, type, lang, code_hash, code_sealed, code_expires_at, max_verify_attempts,
                                 captcha_token, fingerprint, client_ip)
       SELECT $1::uuid, id, app_key, $3, 'LOGIN_SMS', 'zh', 'h-' || $1::text, 's-' || $1::text, now() + interval '5 minutes', 5,
              'captcha-' || $1::text, 'fp-1', '203.0.113.7'
         FROM apps WHERE app_key = $2`,
      [id, app.appKey, mobile],
    );
    return id;
  }

  const cdrSessions = async () =>
    (await ok(await platform.admin('GET', `/cdrs?appKey=${app.appKey}`))).items.map((c: any) => c.sessionId);
  const smsIds = async () =>
    (await ok(await platform.admin('GET', `/sms?appKey=${app.appKey}`))).items.map((m: any) => m.messageId);

  it('opens the read pool read-only', async () => {
    const reads = platform.gateway.get<DataSource>(READ_DATA_SOURCE, { strict: false });
    expect(reads).not.toBe(platform.gateway.get(DataSource, { strict: false }));
    expect(await reads.query('SHOW default_transaction_read_only')).toEqual([{ default_transaction_read_only: 'on' }]);
    await expect(reads.query('CREATE TABLE should_not_exist (i int)')).rejects.toThrow(/read-only/);
  });

  it('lists and exports CDRs, calls and SMS from the replica, which lags while its replay is paused', async () => {
    const first = await finishedCall('+8613800000061');
    const firstSms = await smsOnPrimary('+8613800000061');
    await expectEventually(async () => expect(await cdrSessions()).toContain(first));
    await expectEventually(async () => expect(await smsIds()).toContain(firstSms));

    await cluster.query(replica, 'SELECT pg_wal_replay_pause()');
    try {
      const second = await finishedCall('+8613800000062');
      const secondSms = await smsOnPrimary('+8613800000062');
      // On the primary, not (yet) in the operators' reads.
      expect(await cluster.query(primary, 'SELECT 1 FROM sms_messages WHERE id = $1', [secondSms])).toHaveLength(1);
      expect(await cdrSessions()).not.toContain(second);
      expect(await smsIds()).not.toContain(secondSms);
      expect((await platform.admin('GET', `/sms/${secondSms}`)).status).toBe(404);
      expect((await ok(await platform.admin('GET', `/calls/${second}`))).cdr).toBeNull();
      const cdrCsv = await (await platform.admin('GET', `/cdrs?appKey=${app.appKey}&format=csv`)).text();
      expect(cdrCsv).toContain(first);
      expect(cdrCsv).not.toContain(second);
      const smsCsv = await (await platform.admin('GET', `/sms?appKey=${app.appKey}&format=csv`)).text();
      expect(smsCsv).toContain(firstSms);
      expect(smsCsv).not.toContain(secondSms);

      await cluster.query(replica, 'SELECT pg_wal_replay_resume()');
      await expectEventually(async () => expect(await cdrSessions()).toContain(second));
      await expectEventually(async () => expect(await smsIds()).toContain(secondSms));
      expect((await platform.admin('GET', `/sms/${secondSms}`)).status).toBe(200);
    } finally {
      await cluster.query(replica, 'SELECT pg_wal_replay_resume()').catch(() => undefined);
    }
  }, 60_000);

  it('with the replica down: its listings fail and readiness says so, everything else works', async () => {
    const health = await ok(await fetch(`${platform.baseUrl}/health`));
    expect(JSON.stringify(health)).toContain('postgres_replica');
    await cluster.stopReplica();

    for (const path of [`/cdrs?appKey=${app.appKey}`, `/sms?appKey=${app.appKey}`]) {
      const response = await platform.admin('GET', path);
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error_code: 'INTERNAL_ERROR', error_msg: 'internal error' });
    }
    expect((await fetch(`${platform.baseUrl}/health`)).status).toBe(503);
    // Writes and the accept path stay on the primary.
    expect((await platform.admin('GET', `/apps/${app.appKey}`)).status).toBe(200);
    await finishedCall('+8613800000063');
  }, 60_000);
});
