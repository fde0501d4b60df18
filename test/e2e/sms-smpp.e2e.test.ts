import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { expectEventually, TestSmsc } from '#libs/testing';
import { Platform } from './support/platform.js';

/**
 * SMS over SMPP, the whole platform: gateway → PostgreSQL/outbox → RabbitMQ → sms worker →
 * a real SMPP server on loopback (TestSmsc) → receipts → status → notifier → webhook.
 */
describe('SMS verification codes over SMPP, end to end', () => {
  const platform = new Platform();
  const smsc = new TestSmsc({ systemId: 'verigate', password: 'secret' });
  let worker: INestApplicationContext;
  let appKey: string;
  let seq = 0;
  const newMobile = () => `137${String(10_000_000 + ++seq).slice(-8)}`;

  beforeAll(async () => {
    const port = await smsc.start();
    await platform.start(
      {
        VERIGATE_TRUSTED_PROXIES: '127.0.0.1',
        VERIGATE_CAPTCHA_GET_LIMIT_FP: '1000',
        VERIGATE_CAPTCHA_GET_LIMIT_IP: '100000',
        VERIGATE_SMS_PROVIDER: 'smpp',
        VERIGATE_SMPP_URL: `smpp://verigate:secret@127.0.0.1:${port}`,
        VERIGATE_SMPP_SOURCE_ADDR: 'Verigate',
        VERIGATE_SMPP_DEST_PREFIX: '86',
        VERIGATE_SMPP_ENQUIRE_LINK_S: '5',
        VERIGATE_SMS_PER_DEVICE_HOUR: '1000',
        VERIGATE_SMS_PER_IP_HOUR: '1000',
      },
      { voice: false },
    );
    await platform.startCaptcha();
    worker = await platform.startSms();
    const created = await platform.admin('POST', '/apps', {
      name: 'smpp shop',
      signature: '云商城',
      permissions: ['captcha', 'sms'],
    });
    appKey = ((await created.json()) as { appKey: string }).appKey;
    const patched = await platform.admin('PATCH', `/apps/${appKey}`, {
      smsStatusUrl: platform.receiver.url('/sms-status'),
    });
    expect(patched.status).toBe(200);
  });

  afterAll(async () => {
    await platform.stop();
    await smsc.stop();
  });

  beforeEach(() => {
    smsc.autoReceipt = null;
  });

  async function send(mobile: string, lang: 'zh' | 'en' = 'zh', type = 'REGISTER_SMS', key = appKey): Promise<string> {
    const h = platform.sdkHeaders(key, `smpp-${mobile}`, '198.51.100.20', { 'x-l': lang });
    const sent = await platform.sdk('POST', '/sms/send', h, {
      mobile,
      type,
      captcha_token: (await platform.solveCaptcha(h)).credential,
    });
    expect(sent.status).toBe(200);
    return sent.body.message_id;
  }

  const accepted = (mobile: string) => smsc.submits.filter((s) => s.destination === `86${mobile}` && s.status === 0);
  const status = async (id: string) =>
    (
      await platform.infra.query<any>(
        'SELECT status, segments, submit_attempts, error FROM sms_messages WHERE id = $1',
        [id],
      )
    )[0];

  it('delivers the Chinese text as UCS-2 to 86<mobile>, from the configured sender, and the code verifies once', async () => {
    const mobile = newMobile();
    await send(mobile);
    await expectEventually(async () => expect(accepted(mobile)).toHaveLength(1));
    const [submit] = accepted(mobile);
    expect(submit).toMatchObject({
      sourceAddr: 'Verigate',
      dataCoding: 8,
      registeredDelivery: 1,
      destTon: 1,
      destNpi: 1,
    });
    expect(submit!.text).toMatch(/^【云商城】您的注册验证码是\d{6}，5分钟内有效。请勿泄露给他人。$/);
    const code = /(\d{6})/.exec(submit!.text)![1]!;
    const h = platform.sdkHeaders(appKey, `smpp-${mobile}`, '198.51.100.20');
    expect(await platform.sdk('POST', '/sms/verify', h, { mobile, type: 'REGISTER_SMS', code })).toEqual({
      status: 200,
      body: { result: true },
    });
    expect((await platform.sdk('POST', '/sms/verify', h, { mobile, type: 'REGISTER_SMS', code })).body.error_code).toBe(
      'SMS.CODE_USED',
    );
  });

  it('sends an English text with a Latin signature in GSM 7-bit', async () => {
    const created = await platform.admin('POST', '/apps', {
      name: 'acme',
      signature: 'Acme',
      permissions: ['captcha', 'sms'],
    });
    const acme = ((await created.json()) as { appKey: string }).appKey;
    const mobile = newMobile();
    await send(mobile, 'en', 'OTP_REST_SMS', acme);
    await expectEventually(async () => expect(accepted(mobile)).toHaveLength(1));
    expect(accepted(mobile)[0]).toMatchObject({ dataCoding: 0 });
    expect(accepted(mobile)[0]!.text).toMatch(
      /^\[Acme\] Your two-step verification code is \d{6}\. Valid for 5 min\. Never share it\.$/,
    );
  });

  it('a throttling SMS centre is waited out: the message goes through once', async () => {
    smsc.throttleNext(3);
    const mobile = newMobile();
    const id = await send(mobile);
    await expectEventually(async () => expect(await status(id)).toMatchObject({ status: 'submitted', segments: 1 }));
    const all = smsc.submits.filter((s) => s.destination === `86${mobile}`);
    expect(all.map((s) => s.status)).toEqual([0x58, 0x58, 0x58, 0]);
  });

  it('delivery receipts move the message to delivered / undeliverable and notify the app, in order', async () => {
    smsc.autoReceipt = 'DELIVRD';
    const good = newMobile();
    const goodId = await send(good);
    await expectEventually(async () => expect(await status(goodId)).toMatchObject({ status: 'delivered' }));

    const bad = newMobile();
    const badId = await send(bad);
    await expectEventually(async () => expect(accepted(bad)).toHaveLength(1));
    // autoReceipt answered DELIVRD for this one too; a later UNDELIV receipt of a delivered message changes nothing.
    await expectEventually(async () => expect(await status(badId)).toMatchObject({ status: 'delivered' }));
    smsc.autoReceipt = null;
    expect(await smsc.sendReceipt(accepted(bad)[0]!.messageId!, 'UNDELIV')).toBe(0);
    expect(await status(badId)).toMatchObject({ status: 'delivered' });
    const third = newMobile();
    const thirdId = await send(third);
    await expectEventually(async () => expect(await status(thirdId)).toMatchObject({ status: 'submitted' }));
    expect(await smsc.sendReceipt(accepted(third)[0]!.messageId!, 'UNDELIV')).toBe(0);
    await expectEventually(async () =>
      expect(await status(thirdId)).toMatchObject({
        status: 'undeliverable',
        error: expect.stringContaining('receipt'),
      }),
    );

    await expectEventually(async () => {
      const statuses = (id: string) =>
        platform.receiver.requests
          .filter((r) => r.path === '/sms-status' && (r.body as any).statusInfo.messageId === id)
          .map((r) => (r.body as any).statusInfo.status);
      expect(statuses(goodId)).toEqual(['submitted', 'delivered']);
      expect(statuses(thirdId)).toEqual(['submitted', 'undeliverable']);
    });
    const note = platform.receiver.requests.find(
      (r) => r.path === '/sms-status' && (r.body as any).statusInfo.messageId === goodId,
    )!.body as any;
    expect(note).toEqual({
      eventType: 'smsStatus',
      statusInfo: {
        messageId: goodId,
        mobile: good,
        type: 'REGISTER_SMS',
        status: 'submitted',
        segments: 1,
        error: null,
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      },
    });
  });

  it('a worker restart loses nothing and sends nothing twice: commands wait in RabbitMQ, in-flight ones finish first', async () => {
    // Stopped before the sends: their commands wait in the queue.
    await platform.stopSms(worker);
    const waiting = [newMobile(), newMobile(), newMobile()];
    const waitingIds: string[] = [];
    for (const mobile of waiting) waitingIds.push(await send(mobile));
    expect(waiting.flatMap(accepted)).toHaveLength(0);
    worker = await platform.startSms();
    await expectEventually(async () => {
      for (const id of waitingIds) expect((await status(id)).status).toBe('submitted');
    });

    // Stopped in the middle of a stream of sends (graceful: in-flight submissions finish).
    const stream = Array.from({ length: 30 }, () => newMobile());
    const streamIds: string[] = [];
    const sending = (async () => {
      for (const mobile of stream) streamIds.push(await send(mobile));
    })();
    await expectEventually(async () => expect(stream.flatMap(accepted).length).toBeGreaterThan(5));
    await platform.stopSms(worker);
    worker = await platform.startSms();
    await sending;
    await expectEventually(async () => {
      for (const id of streamIds) expect((await status(id)).status).toBe('submitted');
    });
    for (const mobile of [...waiting, ...stream]) expect(accepted(mobile)).toHaveLength(1);
  });

  it('an SMS centre that drops every connection is dialled again and the waiting message goes out', async () => {
    smsc.dropConnections();
    const mobile = newMobile();
    const id = await send(mobile);
    await expectEventually(async () => expect(await status(id)).toMatchObject({ status: 'submitted' }));
    expect(accepted(mobile)).toHaveLength(1);
  });

  it('a permanent refusal fails the message with the SMPP error, without retrying', async () => {
    smsc.failNext(1, 0x0b); // ESME_RINVDSTADR
    const mobile = newMobile();
    const id = await send(mobile);
    await expectEventually(async () =>
      expect(await status(id)).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('ESME_RINVDSTADR'),
        submit_attempts: 1,
      }),
    );
    expect(smsc.submits.filter((s) => s.destination === `86${mobile}`)).toHaveLength(1);
  });
});
