import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { PUSH_AUTHORIZATION, verifyPush } from '#libs/auth';
import { expectEventually, type ReceivedRequest } from '#libs/testing';
import { SIGNING_KEYS_TTL_MS } from '../../apps/notifier/src/deliveries/webhook-signer.js';
import { ok, Platform, type TestApp } from './support/platform.js';

/**
 * Signed notifications, checked the way a receiver would check them: the Huawei-style push
 * authentication (`Authorization` + `X-AKSK` with realm SDP-PUSH, verified with libs/auth's
 * verifyPush, the app secret and the raw body) on every notification, and the optional Standard
 * Webhooks headers, verified with the independent `standardwebhooks` library over the raw bytes
 * received. A push's headers are no API credential: replayed against callVerify they are refused.
 */
describe('webhook signatures', () => {
  const platform = new Platform();
  let app: TestApp;
  let webhookSecret: string;
  const header = (r: ReceivedRequest, name: string) => r.headers[name] as string | undefined;

  /** Verifies the push authentication of a received notification with the app secret, over the raw body. */
  function expectAkskValid(r: ReceivedRequest, secret = app.appSecret): { nonce: string; created: string } {
    const verified = verifyPush(
      { authorization: header(r, 'authorization'), 'x-aksk': header(r, 'x-aksk') },
      r.rawBody,
      { appKey: app.appKey, appSecret: secret },
      r.receivedAt,
      60_000,
    );
    if (!verified.ok) throw new Error(`push authentication rejected: ${verified.reason}`);
    // The digest covers the body: the same headers over other bytes do not verify.
    expect(
      verifyPush(
        { authorization: header(r, 'authorization'), 'x-aksk': header(r, 'x-aksk') },
        Buffer.concat([r.rawBody, Buffer.from(' ')]),
        { appKey: app.appKey, appSecret: secret },
        r.receivedAt,
      ),
    ).toMatchObject({ ok: false });
    return { nonce: verified.nonce, created: verified.created };
  }

  /** The three Standard Webhooks headers of a request, as the library wants them. */
  const standardHeaders = (r: ReceivedRequest) => ({
    'webhook-id': header(r, 'webhook-id')!,
    'webhook-timestamp': header(r, 'webhook-timestamp')!,
    'webhook-signature': header(r, 'webhook-signature')!,
  });

  beforeAll(async () => {
    await platform.start({ VERIGATE_WEBHOOK_RETRY_SCHEDULE: '1500ms,1500ms,1500ms' });
    app = await platform.createApp();
    const issued = await ok(await platform.admin('POST', `/apps/${app.appKey}/webhook-secret`));
    expect(issued).toEqual({
      appKey: app.appKey,
      webhookSecret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
      previousSecretValidUntil: null,
    });
    webhookSecret = issued.webhookSecret;
  });

  afterAll(async () => {
    await platform.stop();
  });

  async function callAndCollect(
    statusPath: string,
    feePath: string,
  ): Promise<{ status: ReceivedRequest[]; fee: ReceivedRequest }> {
    const answer = await platform.callVerify(
      app,
      platform.callBody(app, '+8613800000001', {
        statusUrl: platform.receiver.base64Url(statusPath),
        feeUrl: platform.receiver.base64Url(feePath),
      }),
    );
    expect(answer.status).toBe(200);
    const sessionId = answer.body.sessionId as string;
    return expectEventually(() => {
      const status = platform.receiver.on(statusPath).filter((r) => r.body.statusInfo?.sessionId === sessionId);
      const fee = platform.receiver.on(feePath).filter((r) => r.body.feeLst?.[0]?.sessionId === sessionId);
      expect(status.map((r) => r.body.eventType)).toEqual(['callout', 'alerting', 'answer', 'disconnect']);
      expect(fee).toHaveLength(1);
      return { status, fee: fee[0]! };
    });
  }

  it('signs call status events and the CDR with X-AKSK and Standard Webhooks over the exact bytes sent', async () => {
    const { status, fee } = await callAndCollect('/signed-status', '/signed-fee');
    const nonces = new Set<string>();
    for (const r of [...status, fee]) {
      expect(header(r, 'authorization')).toBe('AKSK realm="SDP-PUSH",profile="UsernameToken",type="Appkey"');
      nonces.add(expectAkskValid(r).nonce);
      expect(header(r, 'webhook-id')).toBe(header(r, 'x-verigate-delivery-id'));
      expect(header(r, 'webhook-signature')).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/); // one secret: one signature
      expect(new Webhook(webhookSecret).verify(r.rawBody.toString('utf8'), standardHeaders(r))).toEqual(r.body);
      // A body changed in transit fails verification (and so does a signature of another message).
      const tampered = r.rawBody.toString('utf8').replace(/"eventType":"(\w+)"/, '"eventType":"x$1"');
      expect(tampered).not.toBe(r.rawBody.toString('utf8'));
      expect(() => new Webhook(webhookSecret).verify(tampered, standardHeaders(r))).toThrow();
      expect(() =>
        new Webhook(webhookSecret).verify(r.rawBody.toString('utf8'), {
          ...standardHeaders(r),
          'webhook-id': randomUUID(),
        }),
      ).toThrow();
    }
    expect(nonces.size).toBe(5); // a fresh nonce per notification
  });

  it('a captured push is no API credential: its headers replayed against callVerify are refused, whatever the body', async () => {
    const { status, fee } = await callAndCollect('/captured-status', '/captured-fee');
    const before = await platform.infra.query<{ n: string }>('SELECT count(*) AS n FROM call_sessions');
    for (const r of [status[0]!, fee]) {
      const captured = { authorization: header(r, 'authorization')!, 'x-aksk': header(r, 'x-aksk')! };
      expect(captured.authorization).toBe(PUSH_AUTHORIZATION);
      // As captured, with a call body or the push's own body: the realm is refused (400 1023009).
      for (const body of [platform.callBody(app, '+8613800000009'), r.body as Record<string, unknown>]) {
        const answer = await platform.callVerify(app, body, captured);
        expect({ status: answer.status, resultcode: answer.body.resultcode }).toEqual({
          status: 400,
          resultcode: '1023009',
        });
      }
      // With the realm rewritten to the API's: the digest (push key, body) is not the API's (401 1010010).
      const rewritten = await platform.callVerify(app, platform.callBody(app, '+8613800000009'), {
        ...captured,
        authorization: captured.authorization.replace('SDP-PUSH', 'SDP'),
      });
      expect({ status: rewritten.status, resultcode: rewritten.body.resultcode }).toEqual({
        status: 401,
        resultcode: '1010010',
      });
    }
    expect(await platform.infra.query<{ n: string }>('SELECT count(*) AS n FROM call_sessions')).toEqual(before);
  });

  it('signs SMS status notifications the same way', async () => {
    await ok(
      await platform.admin('PATCH', `/apps/${app.appKey}`, { smsStatusUrl: platform.receiver.url('/signed-sms') }),
    );
    const messageId = await platform.submittedSms(app.appKey, { providerId: 'P-1' });
    const [r] = await expectEventually(() => {
      const got = platform.receiver.on('/signed-sms').filter((x) => x.body.statusInfo?.messageId === messageId);
      expect(got).toHaveLength(1);
      return got;
    });
    expectAkskValid(r!);
    expect(new Webhook(webhookSecret).verify(r!.rawBody.toString('utf8'), standardHeaders(r!))).toMatchObject({
      eventType: 'smsStatus',
    });
  });

  it('keeps webhook-id on a retry and signs it afresh (new timestamp, nonce and Created)', async () => {
    platform.receiver.respond = (r, n) => (r.path === '/flaky-status' && n === 1 ? 500 : 200);
    try {
      const answer = await platform.callVerify(
        app,
        platform.callBody(app, '+8613800000002', { statusUrl: platform.receiver.base64Url('/flaky-status') }),
      );
      expect(answer.status).toBe(200);
      const [first, second] = await expectEventually(
        () => {
          const got = platform.receiver.on('/flaky-status');
          expect(got.length).toBeGreaterThanOrEqual(2);
          return got;
        },
        { timeoutMs: 20_000 },
      );
      expect(first!.body).toEqual(second!.body); // the callout event, sent twice
      expect(header(second!, 'webhook-id')).toBe(header(first!, 'webhook-id'));
      expect(header(second!, 'webhook-timestamp')).not.toBe(header(first!, 'webhook-timestamp'));
      const a = expectAkskValid(first!);
      const b = expectAkskValid(second!);
      expect(b.nonce).not.toBe(a.nonce);
      expect(b.created).not.toBe(a.created);
      expect(new Webhook(webhookSecret).verify(second!.rawBody.toString('utf8'), standardHeaders(second!))).toEqual(
        second!.body,
      );
    } finally {
      platform.receiver.respond = () => 200;
    }
  });

  it('after a rotation signs with both secrets during the grace period; removal stops the headers', async () => {
    const rotated = await ok(await platform.admin('POST', `/apps/${app.appKey}/webhook-secret`));
    expect(rotated.webhookSecret).not.toBe(webhookSecret);
    const graceEnd = new Date(rotated.previousSecretValidUntil).getTime();
    expect(graceEnd).toBeGreaterThan(Date.now() + 23 * 3600_000); // the default grace, 24 h
    const view = await ok(await platform.admin('GET', `/apps/${app.appKey}`));
    expect(view.webhookSigning).toEqual({ enabled: true, previousSecretValidUntil: rotated.previousSecretValidUntil });
    expect(JSON.stringify(view)).not.toContain('whsec_');
    await new Promise((resolve) => setTimeout(resolve, SIGNING_KEYS_TTL_MS + 200)); // the notifier's cache of the old keys expires

    const { status } = await callAndCollect('/rotated-status', '/rotated-fee');
    for (const r of status) {
      expect(header(r, 'webhook-signature')!.split(' ')).toHaveLength(2);
      expect(new Webhook(rotated.webhookSecret).verify(r.rawBody.toString('utf8'), standardHeaders(r))).toEqual(r.body);
      expect(new Webhook(webhookSecret).verify(r.rawBody.toString('utf8'), standardHeaders(r))).toEqual(r.body);
    }

    const removed = await ok(await platform.admin('DELETE', `/apps/${app.appKey}/webhook-secret`));
    expect(removed.webhookSigning).toEqual({ enabled: false, previousSecretValidUntil: null });
    await new Promise((resolve) => setTimeout(resolve, SIGNING_KEYS_TTL_MS + 200));
    const after = await callAndCollect('/unsigned-status', '/unsigned-fee');
    for (const r of [...after.status, after.fee]) {
      expect(header(r, 'webhook-signature')).toBeUndefined();
      expect(header(r, 'webhook-id')).toBeUndefined();
      expectAkskValid(r); // the push authentication is always there
    }
  });

  it('answers 404 for the webhook secret of an unknown app', async () => {
    const response = await platform.admin('POST', '/apps/no-such-app/webhook-secret');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error_code: 'NOT_FOUND', error_msg: 'app no-such-app not found' });
  });
});
