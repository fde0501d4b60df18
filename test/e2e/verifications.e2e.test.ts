import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SecretBox, signAksk } from '#libs/auth';
import { Queues } from '#libs/contracts';
import { expectEventually, TestSmsc } from '#libs/testing';
import { Platform, type TestApp } from './support/platform.js';
import { smppEnv, smsCodeFor, verifyApi, verifyingApp } from './support/verifications.js';

const FALLBACK_S = 3;
const EVENTS = '/verification-events';

/**
 * The verification API end to end (issue 18): gateway → PostgreSQL/outbox → RabbitMQ → sms worker
 * → a real SMPP server on loopback (receipts withheld or sent per test) → the sms worker's sweep →
 * the voice worker (sim carrier) → webhooks through the notifier.
 */
describe('verification API (/api/v3/verifications)', () => {
  const platform = new Platform();
  const smsc = new TestSmsc({ systemId: 'verigate', password: 'secret' });
  let app: TestApp;
  let seq = 0;
  const newNumber = () => `+4477009${String(100_000 + ++seq).slice(-6)}`;
  const start = (body: Record<string, unknown>) => verifyApi(platform, app, '', { locale: 'en', ...body });
  const check = (id: string, code: string) => verifyApi(platform, app, `/${id}/check`, { code });
  const row = async (id: string) =>
    (await platform.infra.query<any>('SELECT * FROM verifications WHERE id = $1', [id]))[0];
  const events = (id: string) =>
    platform.receiver
      .on(EVENTS)
      .filter((r) => r.body.verification.verificationId === id)
      .map((r) => r.body.eventType as string);
  const callOf = async (id: string) =>
    (
      await platform.infra.query<any>(
        `SELECT c.*, v.created_at AS verification_created_at FROM call_sessions c JOIN verifications v ON v.call_session_id = c.id WHERE v.id = $1`,
        [id],
      )
    )[0];

  beforeAll(async () => {
    const port = await smsc.start();
    // No voice worker at first: a fallback call's session waits, sealed code and all, for the test to read it.
    await platform.start(
      {
        ...smppEnv(port),
        VERIGATE_TRUSTED_PROXIES: '127.0.0.1',
        VERIGATE_VERIFY_FALLBACK_S: String(FALLBACK_S),
        VERIGATE_VERIFY_SWEEP_MS: '200',
      },
      { voice: false },
    );
    await platform.startSms();
    app = await verifyingApp(platform, EVENTS);
  });

  afterAll(async () => {
    await platform.stop();
    await smsc.stop();
  });

  it('sms: the code arrives by SMS, is approved once; a replayed check is denied; webhooks pending → approved, signed, without the code', async () => {
    const to = newNumber();
    const started = await start({ to, channel: 'sms' });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ status: 'pending', channel: 'sms' });
    expect(Date.parse(started.body.expiresAt)).toBeGreaterThan(Date.now() + 500_000);
    const id = started.body.verificationId as string;
    const code = await smsCodeFor(smsc, to);
    expect(code).toMatch(/^\d{6}$/);
    expect(smsc.messages().find((m) => m.destination === to.slice(1))!.text).toMatch(/two-step verification code/);

    const wrong = code === '000000' ? '111111' : '000000';
    expect(await check(id, wrong)).toEqual({ status: 200, body: { status: 'denied' } });
    const signed = signAksk(app.appKey, app.appSecret);
    expect(await verifyApi(platform, app, `/${id}/check`, { code }, signed)).toEqual({
      status: 200,
      body: { status: 'approved' },
    });
    // The same signed request again is refused (its nonce is spent); a new check of the used code is denied.
    expect(await verifyApi(platform, app, `/${id}/check`, { code }, signed)).toMatchObject({
      status: 401,
      body: { resultcode: '1010010' },
    });
    expect(await check(id, code)).toEqual({ status: 200, body: { status: 'denied' } });
    expect(await row(id)).toMatchObject({ status: 'approved', code_sealed: null, attempts: 1 });

    await expectEventually(() => expect(events(id)).toEqual(['verification.pending', 'verification.approved']));
    const hooks = platform.receiver.on(EVENTS).filter((r) => r.body.verification.verificationId === id);
    expect(hooks.map((h) => h.body.verification.status)).toEqual(['pending', 'approved']);
    for (const hook of hooks) {
      expect(hook.headers.authorization).toBeDefined();
      expect(hook.rawBody.toString()).not.toContain(code);
    }
    // The database keeps a keyed hash, never the code.
    expect(JSON.stringify(await row(id))).not.toContain(code);
  });

  it('no oracle: an unknown id, another app and a malformed id are all denied like a wrong code', async () => {
    const to = newNumber();
    const id = (await start({ to, channel: 'sms' })).body.verificationId as string;
    const code = await smsCodeFor(smsc, to);
    const other = await verifyingApp(platform, '/other-events');
    expect(await verifyApi(platform, other, `/${id}/check`, { code })).toEqual({
      status: 200,
      body: { status: 'denied' },
    });
    expect(await check('6f1c1d1e-0000-4000-8000-000000000000', code)).toEqual({
      status: 200,
      body: { status: 'denied' },
    });
    expect(await check('not-an-id', code)).toEqual({ status: 200, body: { status: 'denied' } });
    expect(await check(id, code)).toEqual({ status: 200, body: { status: 'approved' } });
  });

  it('5 wrong codes lock the verification: the right code is denied after, and `verification.failed` is sent', async () => {
    const to = newNumber();
    const id = (await start({ to, channel: 'sms' })).body.verificationId as string;
    const code = await smsCodeFor(smsc, to);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect((await check(id, wrong)).body).toEqual({ status: 'denied' });
    expect((await check(id, code)).body).toEqual({ status: 'denied' });
    expect(await row(id)).toMatchObject({ status: 'failed', attempts: 5, code_sealed: null });
    await expectEventually(() => expect(events(id)).toEqual(['verification.pending', 'verification.failed']));
  });

  it('expiry: a verification past its time is expired by the sweep and its code denied', async () => {
    const to = newNumber();
    const id = (await start({ to, channel: 'sms', ttlSeconds: 30 })).body.verificationId as string;
    const code = await smsCodeFor(smsc, to);
    // Thirty seconds pass (the clock moved, not the test).
    await platform.infra.query(`UPDATE verifications SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
    await expectEventually(async () => expect(await row(id)).toMatchObject({ status: 'expired', code_sealed: null }));
    expect((await check(id, code)).body).toEqual({ status: 'denied' });
    await expectEventually(() => expect(events(id)).toEqual(['verification.pending', 'verification.expired']));
  });

  it('bad requests get their documented codes and keep nothing', async () => {
    const before = await platform.infra.query('SELECT id FROM verifications');
    expect(await start({ to: '0044770', channel: 'sms' })).toMatchObject({
      status: 500,
      body: { resultcode: '1020001', resultdesc: expect.stringContaining('E.164') },
    });
    expect((await start({ to: newNumber(), channel: 'fax' })).body.resultcode).toBe('1020001');
    expect((await start({ to: newNumber(), channel: 'sms', codeLength: 3 })).body.resultcode).toBe('1020001');
    expect(await start({ to: newNumber(), channel: 'sms', captchaVerification: 'nope---{}' })).toMatchObject({
      status: 403,
      body: { resultcode: '1020181' },
    });
    expect((await verifyApi(platform, app, '/x/check', { code: 'abc' })).body.resultcode).toBe('1020001');
    const noPermission = await platform.createApp('+8675528000099');
    expect(
      await verifyApi(platform, noPermission, '', { to: newNumber(), channel: 'sms', locale: 'en' }),
    ).toMatchObject({
      status: 403,
      body: { resultcode: '1010040' },
    });
    expect(await platform.infra.query('SELECT id FROM verifications')).toHaveLength(before.length);
  });

  it('auto, the SMS centre withholding the receipt: the same code is spoken by a call within the fallback time, once', async () => {
    smsc.autoReceipt = null;
    const to = newNumber();
    const started = await start({ to, channel: 'auto' });
    expect(started.body).toMatchObject({ status: 'pending', channel: 'auto' });
    const id = started.body.verificationId as string;
    const code = await smsCodeFor(smsc, to);
    const call = await expectEventually(
      async () => {
        const found = await callOf(id);
        expect(found).toBeDefined();
        return found;
      },
      { timeoutMs: (FALLBACK_S + 10) * 1000 },
    );
    const afterMs = call.created_at.getTime() - call.verification_created_at.getTime();
    expect(afterMs).toBeGreaterThanOrEqual(FALLBACK_S * 1000 - 50);
    expect(afterMs).toBeLessThan(FALLBACK_S * 1000 + 2000);
    expect(call).toMatchObject({ callee_nbr: to, display_nbr: app.displayNbr, pre_tone: '', language_type: 1 });
    // The call speaks the very code the SMS carried.
    expect(new SecretBox(platform.config.masterKey).open(call.verify_code_sealed)).toBe(code);
    expect(await row(id)).toMatchObject({ channel: 'call', fallback_due_at: null, status: 'pending' });
    await expectEventually(() => expect(events(id)).toEqual(['verification.pending', 'verification.fallback']));
    const fallback = platform.receiver.on(EVENTS).find((r) => r.body.eventType === 'verification.fallback')!;
    expect(fallback.body.verification).toMatchObject({
      channel: 'call',
      reason: `no delivered SMS receipt within ${FALLBACK_S} s`,
    });

    // The voice worker places it (its command waited in RabbitMQ), once.
    expect(await platform.infra.queueDepth(Queues.voiceCalls)).toBe(1);
    await platform.startVoice();
    await expectEventually(async () => expect((await callOf(id)).state).toBe('ended'));
    expect(await platform.infra.query('SELECT 1 FROM call_sessions WHERE callee_nbr = $1', [to])).toHaveLength(1);
    expect(await check(id, code)).toEqual({ status: 200, body: { status: 'approved' } });
  });

  it('auto with a delivered receipt: no call; a failure receipt: the call at once', async () => {
    smsc.autoReceipt = null;
    const delivered = newNumber();
    const withheld = newNumber();
    const failed = newNumber();
    const deliveredId = (await start({ to: delivered, channel: 'auto' })).body.verificationId as string;
    const withheldId = (await start({ to: withheld, channel: 'auto' })).body.verificationId as string;
    await smsCodeFor(smsc, delivered);
    const submit = smsc.submits.find((s) => s.destination === delivered.slice(1) && s.status === 0)!;
    await smsc.sendReceipt(submit.messageId!, 'DELIVRD');
    await expectEventually(async () => expect(await row(deliveredId)).toMatchObject({ fallback_due_at: null }));

    const failedAt = Date.now();
    const failedId = (await start({ to: failed, channel: 'auto' })).body.verificationId as string;
    await smsCodeFor(smsc, failed);
    const failedSubmit = smsc.submits.find((s) => s.destination === failed.slice(1) && s.status === 0)!;
    await smsc.sendReceipt(failedSubmit.messageId!, 'UNDELIV');
    await expectEventually(async () => expect(await callOf(failedId)).toBeDefined());
    expect(Date.now() - failedAt).toBeLessThan(FALLBACK_S * 1000);
    expect((await row(failedId)).reason).toBe('the SMS came back undeliverable');

    // The later verification's fallback came: the delivered one's time has passed too, without a call.
    await expectEventually(async () => expect(await callOf(withheldId)).toBeDefined(), {
      timeoutMs: (FALLBACK_S + 10) * 1000,
    });
    expect(await callOf(deliveredId)).toBeUndefined();
    expect(await row(deliveredId)).toMatchObject({ channel: 'sms', status: 'pending' });
  });

  it('call: the code is spoken by a call at once; resend asks for a call instead of the SMS', async () => {
    const to = newNumber();
    const callId = (await start({ to, channel: 'call' })).body.verificationId as string;
    // What the callee heard: the code the verification keeps sealed while it is pending.
    const heard = new SecretBox(platform.config.masterKey).open((await row(callId)).code_sealed);
    await expectEventually(async () => expect((await callOf(callId))?.state).toBe('ended'));
    expect(await callOf(callId)).toMatchObject({ callee_nbr: to, pre_tone: '', verify_code_sealed: null });
    expect(await check(callId, heard)).toEqual({ status: 200, body: { status: 'approved' } });

    const other = newNumber();
    const smsId = (await start({ to: other, channel: 'sms' })).body.verificationId as string;
    const smsCode = await smsCodeFor(smsc, other);
    const resent = await verifyApi(platform, app, `/${smsId}/resend`, { channel: 'call' });
    expect(resent).toMatchObject({ status: 200, body: { verificationId: smsId, channel: 'call' } });
    await expectEventually(async () => expect((await callOf(smsId))?.state).toBe('ended'));
    expect(await check(smsId, smsCode)).toEqual({ status: 200, body: { status: 'approved' } });
    expect(await verifyApi(platform, app, `/${smsId}/resend`, { channel: 'call' })).toMatchObject({
      status: 403,
      body: { resultcode: '1020180' },
    });
  });
});
