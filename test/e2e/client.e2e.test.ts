import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { signPush, signStandardWebhook } from '#libs/auth';
import { expectEventually, sineWav, type ReceivedRequest } from '#libs/testing';
import {
  AdminClient,
  aesDecrypt,
  base64Url,
  getHealth,
  ReplayWindow,
  SdkClient,
  solvePow,
  VerigateError,
  verifyPushSignature,
  verifyStandardWebhook,
  VoiceClient,
  WebhookVerifier,
  type CallVerifyRequest,
} from '../../packages/client/src/index.js';
import { Platform } from './support/platform.js';

const run = promisify(execFile);

/** The VerigateError a promise rejects with (fails the test when it resolves or throws something else). */
async function refusal(promise: Promise<unknown>): Promise<VerigateError> {
  const outcome = await promise.then(
    (value) => new Error(`expected a VerigateError, got ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
  if (!(outcome instanceof VerigateError)) throw outcome;
  return outcome;
}

/**
 * @verigate/client against the real platform (gateway, voice, captcha and sms workers, notifier;
 * PostgreSQL and RabbitMQ): every public endpoint and every management endpoint through the
 * library, the pushes the notifier really sends verified with its webhook helpers (valid
 * accepted; changed, replayed and too old refused), and its generated types current with the
 * gateway's OpenAPI document. The packed tarball and the CLI: client-pack.e2e.test.ts.
 */
describe('@verigate/client', () => {
  const platform = new Platform();
  let admin: AdminClient;
  let appKey: string;
  let appSecret: string;
  let webhookSecret: string;
  const displayNbr = '+8675528000061';
  let device = 0;

  beforeAll(async () => {
    await platform.start({
      VERIGATE_WEBHOOK_RETRY_SCHEDULE: '300ms',
      VERIGATE_SMS_LOG_FILE: `/tmp/verigate-client-sms-${process.pid}.jsonl`,
    });
    await platform.startCaptcha();
    await platform.startSms();
    admin = new AdminClient({ baseUrl: platform.baseUrl, token: platform.config.adminToken });
  });

  afterAll(async () => {
    await platform.stop();
  });

  const voice = (overrides: Partial<ConstructorParameters<typeof VoiceClient>[0]> = {}) =>
    new VoiceClient({ baseUrl: platform.baseUrl, appKey, appSecret, ...overrides });
  const sdk = () =>
    new SdkClient({
      baseUrl: platform.baseUrl,
      appKey,
      device: { fingerprint: `client-device-${++device}`, osVersion: 'Android 10', agent: 'client-e2e' },
      lang: 'en',
    });
  const callBody = (calleeNbr: string, extra: Partial<CallVerifyRequest> = {}): CallVerifyRequest => ({
    displayNbr,
    calleeNbr,
    languageType: 2,
    preTone: 'welcome.wav',
    verifyCode: '123456',
    times: 1,
    ...extra,
  });

  it('sets up an app through the management API: apps, secrets, numbers, tones, lists, enterprises, IP rules, audit', async () => {
    const created = await admin.createApp({ name: 'client shop', permissions: ['voice', 'captcha', 'sms'] });
    expect(created).toMatchObject({ appKey: expect.any(String), appSecret: expect.any(String), name: 'client shop' });
    appKey = created.appKey!;
    const rotated = await admin.rotateSecret(appKey);
    expect(rotated.appSecret).not.toBe(created.appSecret);
    appSecret = rotated.appSecret!;
    expect((await admin.listApps()).map((a) => a.appKey)).toContain(appKey);
    const updated = await admin.updateApp(appKey, { limits: { callsPerDay: 500 }, signature: 'Client' });
    expect(updated.limits).toMatchObject({ callsPerDay: 500 });

    const first = await admin.issueWebhookSecret(appKey);
    expect(first.webhookSecret).toMatch(/^whsec_/);
    expect((await admin.removeWebhookSecret(appKey)).webhookSigning).toMatchObject({ enabled: false });
    webhookSecret = (await admin.issueWebhookSecret(appKey)).webhookSecret!;
    expect((await admin.getApp(appKey)).webhookSigning).toMatchObject({ enabled: true });

    await admin.addNumber(appKey, displayNbr);
    await admin.addNumber(appKey, '+8675528000062', 'suspended');
    await admin.setNumberStatus(appKey, '+8675528000062', 'revoked');
    expect(JSON.stringify(await admin.listNumbers(appKey))).toContain('+8675528000062');
    await admin.uploadTone(appKey, 'welcome.wav', sineWav());
    await admin.uploadTone(appKey, 'spare.wav', sineWav(300));
    await admin.approveTone(appKey, 'welcome.wav');
    await admin.rejectTone(appKey, 'spare.wav');
    expect(JSON.stringify(await admin.listTones(appKey))).toMatch(/spare\.wav.*rejected|rejected.*spare\.wav/);

    await admin.addListEntry({ list: 'blacklist', number: '+8613800000099', appKey });
    expect(await admin.listEntries({ appKey })).toContainEqual(
      expect.objectContaining({ list: 'blacklist', number: '+8613800000099' }),
    );
    await admin.removeListEntry({ list: 'blacklist', number: '+8613800000099', appKey });
    expect(await admin.listEntries({ appKey })).toEqual([]);

    await admin.putEnterprise('client-ent', 'suspended');
    expect(JSON.stringify(await admin.listEnterprises())).toContain('client-ent');
    await admin.addIpRule({ kind: 'restricted-area', cidr: '203.0.113.0/24', area: 'nowhere' });
    const rules = (await admin.listIpRules()) as Array<{ id: string | number; cidr: string }>;
    const rule = rules.find((r) => r.cidr === '203.0.113.0/24')!;
    await admin.removeIpRule(String(rule.id));
    expect(await admin.listIpRules()).toEqual([]);
    expect(await admin.listIpBans()).toEqual([]);
    expect(await refusal(admin.liftIpBan('203.0.113.7'))).toMatchObject({ resultcode: 'NOT_FOUND', status: 404 });

    const audit = await admin.audit({ target: appKey });
    expect(audit.items?.map((entry) => (entry as { action: string }).action)).toEqual(
      expect.arrayContaining([
        'app.create',
        'app.rotate-secret',
        'app.update',
        'app.webhook-secret',
        'app.webhook-secret.remove',
      ]),
    );
  });

  it('answers management refusals with a VerigateError carrying error_code, message and status', async () => {
    const unknown = await refusal(admin.getApp('no-such-app'));
    expect(unknown).toMatchObject({ resultcode: 'NOT_FOUND', status: 404, api: 'admin' });
    expect(unknown.message).toMatch(/no-such-app/);
    const wrongToken = new AdminClient({ baseUrl: platform.baseUrl, token: 'not-the-operator-token' });
    expect(await refusal(wrongToken.listApps())).toMatchObject({ resultcode: 'ADMIN_UNAUTHORIZED', status: 401 });
    const invalid = await refusal(admin.updateApp(appKey, { voicePorts: -1 }));
    expect(invalid).toMatchObject({ resultcode: 'INVALID_FIELD', status: 400 });
    const down = await refusal(new AdminClient({ baseUrl: 'http://127.0.0.1:9', token: 't' }).listApps());
    expect(down).toMatchObject({ resultcode: 'NETWORK_ERROR', status: 0, noAnswer: true });
  });

  it('is healthy', async () => {
    expect(await getHealth({ baseUrl: platform.baseUrl })).toMatchObject({ status: 'ok' });
  });

  describe('voice', () => {
    let sessionId: string;
    const statusPath = '/client-status';

    it('places a call signed with AKSK, typed result; the session, CDR, CSV and deliveries read back', async () => {
      const result = await voice().callVerify(
        callBody('+8613800000061', {
          statusUrl: base64Url(platform.receiver.url(statusPath)),
          feeUrl: platform.receiver.base64Url('/client-fee'),
          returnIdlePort: 'true',
        }),
      );
      expect(result).toEqual({
        resultcode: '0',
        resultdesc: 'Success',
        sessionId: expect.any(String),
        idlePort: expect.any(Number),
      });
      sessionId = result.sessionId!;
      await expectEventually(() => expect(platform.receiver.on('/client-fee')).toHaveLength(1));
      const call = (await admin.getCall(sessionId)) as Record<string, unknown>;
      expect(JSON.stringify(call)).toContain(sessionId);
      const page = await admin.listCdrs({ appKey, sessionId });
      expect(page.count).toBe(1);
      expect(await admin.exportCdrsCsv({ sessionId })).toContain(sessionId);
      await expectEventually(async () =>
        expect(JSON.stringify(await admin.listDeliveries(sessionId))).toContain('delivered'),
      );
    });

    it('verifies the pushes the notifier sent: both signatures valid once; changed, replayed and too old refused', async () => {
      const pushes = platform.receiver.on(statusPath);
      expect(pushes.map((p) => p.body.eventType)).toEqual(['callout', 'alerting', 'answer', 'disconnect']);
      const verifier = new WebhookVerifier({ appKey, appSecret, webhookSecret });
      for (const push of pushes) {
        expect(verifier.verify(push.headers, push.rawBody, push.receivedAt)).toEqual({ ok: true });
        expect(verifier.verify(push.headers, push.rawBody, push.receivedAt)).toEqual({
          ok: false,
          reasons: ['X-AKSK: Nonce already seen (a replay)', 'webhook-id already seen with this timestamp (a replay)'],
        });
      }
      const [push] = pushes as [ReceivedRequest];
      const changed = Buffer.from(push.rawBody.toString('utf8').replace('callout', 'answer'));
      const options = { appKey, appSecret, now: push.receivedAt };
      expect(verifyPushSignature(push.headers, changed, options)).toMatchObject({
        ok: false,
        reason: /PasswordDigest/,
      });
      expect(
        verifyStandardWebhook(push.headers, changed, { secret: webhookSecret, now: push.receivedAt }),
      ).toMatchObject({ ok: false, reason: /no match/ });
      const tenMinutesLater = push.receivedAt + 600_000;
      expect(verifyPushSignature(push.headers, push.rawBody, { ...options, now: tenMinutesLater })).toMatchObject({
        ok: false,
        reason: /Created outside/,
      });
      expect(
        verifyStandardWebhook(push.headers, push.rawBody, { secret: webhookSecret, now: tenMinutesLater }),
      ).toMatchObject({ ok: false, reason: /timestamp outside/ });
      // The CDR push and an SMS-style push signed by libs/auth's signers verify the same way.
      const [fee] = platform.receiver.on('/client-fee') as [ReceivedRequest];
      expect(new WebhookVerifier({ appKey, appSecret, webhookSecret }).verify(fee.headers, fee.rawBody)).toEqual({
        ok: true,
      });
      const body = JSON.stringify({ eventType: 'smsStatus', statusInfo: { messageId: 'm-1' } });
      const signed = {
        ...signPush(appKey, appSecret, body),
        ...signStandardWebhook([webhookSecret], randomUUID(), body),
      };
      const replay = new ReplayWindow();
      expect(verifyPushSignature(signed, body, { appKey, appSecret, replay })).toEqual({ ok: true });
      expect(verifyPushSignature(signed, body, { appKey, appSecret, replay })).toMatchObject({ ok: false });
    });

    it('redelivers a failed delivery', async () => {
      platform.receiver.respond = (req) => (req.path === '/client-failing' ? 500 : 200);
      const { sessionId: failing } = await voice().callVerify(
        callBody('+8613800000062', { statusUrl: platform.receiver.base64Url('/client-failing') }),
      );
      const failed = await expectEventually(async () => {
        const deliveries = (await admin.listDeliveries(failing!)) as Array<{ id: string; status: string }>;
        const found = deliveries.find((d) => d.status === 'failed');
        expect(found).toBeDefined();
        return found!;
      });
      platform.receiver.respond = () => 200;
      const before = platform.receiver.on('/client-failing').length;
      expect(await admin.redeliver(failed.id)).toMatchObject({ id: failed.id });
      await expectEventually(() => expect(platform.receiver.on('/client-failing').length).toBeGreaterThan(before));
    });

    it('throws a VerigateError with the resultcode, resultdesc and HTTP status of a refusal', async () => {
      const wrongSecret = await refusal(voice({ appSecret: 'not-the-secret' }).callVerify(callBody('+8613800000063')));
      expect(wrongSecret).toMatchObject({ resultcode: '1010010', status: 401, api: 'voice' });
      const notOurs = await refusal(voice().callVerify(callBody('+8613800000063', { displayNbr: '+8675528009999' })));
      expect(notOurs).toMatchObject({ resultcode: '1012006', status: 403 });
      expect(notOurs.body).toMatchObject({ resultcode: '1012006', resultdesc: notOurs.message });
      const badTimes = await refusal(voice().callVerify(callBody('+8613800000063', { times: 12 })));
      expect(badTimes).toMatchObject({ resultcode: '1020001', status: 500 });
      expect(badTimes.message).toMatch(/times/);
    });

    it("signs with the gateway's clock when the local one is off (one refused attempt, nothing placed twice)", async () => {
      const late = voice({ now: () => Date.now() - 3_600_000 });
      const result = await late.callVerify(callBody('+8613800000064'));
      expect(result.resultcode).toBe('0');
      expect(Math.abs(late.clockOffsetMs - 3_600_000)).toBeLessThan(5_000);
      expect((await late.callVerify(callBody('+8613800000065'))).resultcode).toBe('0');
      const strict = voice({ now: () => Date.now() - 3_600_000, correctClockSkew: false });
      expect(await refusal(strict.callVerify(callBody('+8613800000066')))).toMatchObject({
        resultcode: '1010013',
        status: 401,
      });
      const sessions = await platform.infra.query<{ n: string }>(
        "SELECT count(*) AS n FROM call_sessions WHERE callee_nbr IN ('+8613800000064', '+8613800000065', '+8613800000066')",
      );
      expect(Number(sessions[0]!.n)).toBe(2);
    });
  });

  describe('captcha and SMS SDK', () => {
    /** A captcha solved through the client: the answer read from the database stands in for the person. */
    async function solvedCaptcha(client: SdkClient, aes = true) {
      const got = await client.getCaptcha('blockPuzzle');
      expect(got).toMatchObject({ token: expect.stringMatching(/^[0-9a-f]{32}$/), secretKey: expect.any(String) });
      const [row] = await platform.infra.query<{ answer: { x: number; y: number } }>(
        'SELECT answer FROM captcha_sessions WHERE token = $1',
        [got.token],
      );
      const checked = await client.checkCaptcha({
        token: got.token!,
        answer: { x: row!.answer.x, y: row!.answer.y },
        secretKey: aes ? got.secretKey : undefined,
        powSolution: got.pow ? solvePow(got.pow)! : undefined,
      });
      return { got, checked };
    }

    it('gets and checks a captcha with the AES scheme and proof of work, then verifies the credential once', async () => {
      const client = sdk();
      const { got, checked } = await solvedCaptcha(client);
      expect(got.pow).toMatchObject({ algorithm: 'SHA-256' });
      expect(checked.result).toBe(true);
      // The credential comes back AES-encrypted with the captcha's key: token---pointJson inside.
      expect(aesDecrypt(checked.captchaVerification!, got.secretKey!)).toMatch(new RegExp(`^${got.token}---\\{"x":`));
      expect((await client.verifyCaptcha(checked.captchaVerification!)).result).toBe(true);
      expect(await refusal(client.verifyCaptcha(checked.captchaVerification!))).toMatchObject({
        resultcode: 'CAPTCHA.VERIFICATION_INVALID',
        api: 'sdk',
      });
    });

    it('refuses a wrong answer with its CAPTCHA code, and answers managed mode', async () => {
      const client = sdk();
      const got = await client.getCaptcha();
      const wrong = await refusal(
        client.checkCaptcha({
          token: got.token!,
          answer: { x: 1, y: 1 },
          secretKey: got.secretKey,
          powSolution: solvePow(got.pow!)!,
        }),
      );
      expect(wrong.resultcode).toBe('CAPTCHA.CAPTCHA_WRONG');
      expect(wrong.status).toBe(400);
      const managed = sdk();
      const fresh = await managed.getCaptcha();
      const answer = await managed.managedCaptcha({
        token: fresh.token!,
        powSolution: solvePow(fresh.pow!)!,
        signals: { elapsedMs: 1500, interactions: 4 },
      });
      expect(typeof answer.result).toBe('boolean');
      if (answer.result) expect((await managed.verifyCaptcha(answer.captchaVerification!)).result).toBe(true);
      else expect(answer.escalated).toEqual(expect.any(String));
    });

    it('sends an SMS code with a captcha credential and verifies it once; the management API shows the message', async () => {
      const client = sdk();
      const mobile = '13900000061';
      const { checked } = await solvedCaptcha(client);
      const sent = await client.sendSms({ mobile, type: 'LOGIN_SMS', captchaToken: checked.captchaVerification! });
      expect(sent).toEqual({ result: true, message_id: expect.any(String), expires_in: 300, resend_after: 60 });
      const text = await expectEventually(async () => {
        const inbox = await admin.smsDevInbox({ mobile });
        expect(inbox.items).toHaveLength(1);
        return inbox.items![0]!.text!;
      });
      const code = /\d{6}/.exec(text)![0];
      const wrongCode = code === '000000' ? '111111' : '000000';
      expect(await refusal(client.verifySms({ mobile, type: 'LOGIN_SMS', code: wrongCode }))).toMatchObject({
        resultcode: 'SMS.CODE_WRONG',
        status: 400,
      });
      expect(await client.verifySms({ mobile, type: 'LOGIN_SMS', code })).toEqual({ result: true });
      expect(await refusal(client.verifySms({ mobile, type: 'LOGIN_SMS', code }))).toMatchObject({
        resultcode: 'SMS.CODE_USED',
      });
      const page = await admin.listSms({ appKey, mobile });
      expect(page.items?.map((m) => (m as { messageId: string }).messageId)).toEqual([sent.message_id]);
      expect(await admin.getSms(sent.message_id)).toMatchObject({ messageId: sent.message_id, mobile });
      expect(await admin.exportSmsCsv({ appKey })).toContain(sent.message_id);
      // The captcha credential was spent by the send.
      const again = await refusal(
        client.sendSms({ mobile: '13900000062', type: 'LOGIN_SMS', captchaToken: checked.captchaVerification! }),
      );
      expect(again).toMatchObject({ resultcode: 'SMS.CAPTCHA_TOKEN_INVALID', status: 400 });
    });
  });

  it("has wire types current with the gateway's OpenAPI document", async () => {
    const { stdout } = await run(process.execPath, ['scripts/generate-client-types.mjs', '--check']);
    expect(stdout).toContain('up to date');
  });
});
