import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expectEventually } from '#libs/testing';
import { Platform } from './support/platform.js';

const SECRET = 'http-gateway-secret-0123';

interface Received {
  signatureValid: boolean;
  body: { messageId: string; to: string; text: string };
}

/** The generic HTTP provider against a real HTTP SMS gateway on loopback that checks signatures. */
describe('SMS over the HTTP provider', () => {
  const platform = new Platform();
  const received: Received[] = [];
  /** Answers to give, in order (then 200 with an id). */
  const script: number[] = [];
  let gateway: Server;
  let appKey: string;

  beforeAll(async () => {
    gateway = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const [t, v1] = String(req.headers['x-verigate-signature'] ?? '')
          .split(',')
          .map((p) => p.split('=')[1] ?? '');
        const expected = createHmac('sha256', SECRET).update(`${t}.${raw}`).digest('hex');
        const signatureValid =
          v1!.length === expected.length &&
          timingSafeEqual(Buffer.from(v1!), Buffer.from(expected)) &&
          Math.abs(Date.now() / 1000 - Number(t)) < 300;
        received.push({ signatureValid, body: JSON.parse(raw) });
        const status = script.shift() ?? 200;
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end(status === 200 ? JSON.stringify({ id: `gw-${received.length}` }) : '{"error":"x"}');
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`;
    await platform.start(
      {
        VERIGATE_TRUSTED_PROXIES: '127.0.0.1',
        VERIGATE_SMS_PROVIDER: 'http',
        VERIGATE_SMS_HTTP_URL: url,
        VERIGATE_SMS_HTTP_SECRET: SECRET,
      },
      { voice: false, notifier: false },
    );
    await platform.startCaptcha();
    await platform.startSms();
    const created = await platform.admin('POST', '/apps', {
      name: 'http shop',
      signature: 'Acme',
      permissions: ['captcha', 'sms'],
    });
    appKey = ((await created.json()) as { appKey: string }).appKey;
  });

  afterAll(async () => {
    await platform.stop();
    await new Promise((resolve) => gateway.close(resolve));
  });

  async function sendOne(mobile: string): Promise<string> {
    const h = platform.sdkHeaders(appKey, `http-${mobile}`, '198.51.100.9', { 'x-l': 'en' });
    const sent = await platform.sdk('POST', '/sms/send', h, {
      mobile,
      type: 'REGISTER_SMS',
      captcha_token: (await platform.solveCaptcha(h)).credential,
    });
    expect(sent.status).toBe(200);
    return sent.body.message_id;
  }

  const messageRow = async (id: string) =>
    (
      await platform.infra.query<any>(
        'SELECT status, submit_attempts, error, provider FROM sms_messages WHERE id = $1',
        [id],
      )
    )[0];

  it('posts the signed message; retries after a 503; keys its segment by the message id', async () => {
    script.push(503);
    const id = await sendOne('13900000001');
    await expectEventually(async () =>
      expect(await messageRow(id)).toMatchObject({ status: 'submitted', submit_attempts: 2, provider: 'http' }),
    );
    const mine = received.filter((r) => r.body.messageId === id);
    expect(mine).toHaveLength(2);
    expect(mine.every((r) => r.signatureValid)).toBe(true);
    expect(mine[1]!.body).toEqual({
      messageId: id,
      to: '13900000001',
      text: expect.stringMatching(/^\[Acme\] Your registration code is \d{6}\. Valid for 5 min\. Never share it\.$/),
    });
    const parts = await platform.infra.query('SELECT provider_id FROM sms_message_parts WHERE message_id = $1', [id]);
    expect(parts).toEqual([{ provider_id: id }]);
  });

  it('marks the message failed when the gateway refuses it for good (400), without retrying', async () => {
    script.push(400);
    const id = await sendOne('13900000002');
    await expectEventually(async () =>
      expect(await messageRow(id)).toMatchObject({
        status: 'failed',
        submit_attempts: 1,
        error: expect.stringContaining('HTTP 400'),
      }),
    );
    expect(received.filter((r) => r.body.messageId === id)).toHaveLength(1);
  });
});
