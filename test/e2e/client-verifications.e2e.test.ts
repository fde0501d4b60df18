import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expectEventually } from '#libs/testing';
import {
  AdminClient,
  parseVerificationEvent,
  VerificationClient,
  VerigateError,
  verifyPushSignature,
} from '../../packages/client/src/index.js';
import { Platform } from './support/platform.js';

const exec = promisify(execFile);
const CLI = 'packages/client/dist/cli/main.js';
const MIN_SENDS = 3;
const EVENTS = '/client-verification-events';

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
 * The verification API through @verigate/client against the real platform (gateway, sms worker
 * with the development `log` provider, notifier; PostgreSQL and RabbitMQ): VerificationClient's
 * start → check → resend, the fraud guard through AdminClient, the verification webhooks verified
 * and parsed with the library's helpers, and the built `verigate` CLI's verify and fraud commands
 * with their exit codes.
 */
describe('@verigate/client: verification API', () => {
  const platform = new Platform();
  let admin: AdminClient;
  let verifications: VerificationClient;
  let appKey: string;
  let appSecret: string;
  let seq = 0;
  /** A destination under +447700 (codes verified: the fraud guard leaves it alone). */
  const genuine = () => `+4477009${String(200_000 + ++seq).slice(-6)}`;
  /** A destination under +882161 (codes never verified: pumped). */
  const pumped = () => `+8821610${String(200_000 + ++seq).slice(-6)}`;

  /** The codes the development SMS provider got for `to` (kept as digits), oldest first, once there are `count`. */
  const codesFor = (to: string, count = 1) =>
    expectEventually(async () => {
      const inbox = await admin.smsDevInbox({ mobile: to.replace(/^\+/, '') });
      expect(inbox.items).toHaveLength(count);
      return inbox.items!.map((item) => /\d{4,10}/.exec(item.text!)![0]).reverse();
    });

  const verigate = async (args: string[], env: Record<string, string> = {}) => {
    const processEnv = {
      ...process.env,
      VERIGATE_URL: platform.baseUrl,
      VERIGATE_ADMIN_TOKEN: platform.config.adminToken,
      ...env,
    };
    try {
      const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], { env: processEnv });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  beforeAll(async () => {
    await platform.start(
      {
        VERIGATE_SMS_LOG_FILE: `/tmp/verigate-client-verifications-sms-${process.pid}.jsonl`,
        VERIGATE_VERIFY_FRAUD_PREFIX_DIGITS: '6',
        VERIGATE_VERIFY_FRAUD_MIN_SENDS: String(MIN_SENDS),
        VERIGATE_VERIFY_FRAUD_MIN_APPROVAL_PCT: '50',
      },
      { voice: false },
    );
    await platform.startSms();
    admin = new AdminClient({ baseUrl: platform.baseUrl, token: platform.config.adminToken });
    const created = await admin.createApp({
      name: 'client verifications',
      permissions: ['captcha', 'sms', 'voice', 'verify'],
    });
    appKey = created.appKey!;
    appSecret = created.appSecret!;
    const updated = await admin.setVerificationStatusUrl(appKey, platform.receiver.url(EVENTS));
    expect(updated.verificationStatusUrl).toBe(platform.receiver.url(EVENTS));
    verifications = new VerificationClient({ baseUrl: platform.baseUrl, appKey, appSecret });
  });

  afterAll(async () => {
    await platform.stop();
  });

  it('start (sms) → a wrong code denied → the right one approved once; its webhooks verify and parse, without the code', async () => {
    const to = genuine();
    const started = await verifications.start({ to, channel: 'sms', locale: 'en' });
    expect(started).toMatchObject({ verificationId: expect.any(String), status: 'pending', channel: 'sms' });
    expect(Date.parse(started.expiresAt)).toBeGreaterThan(Date.now() + 500_000);
    const [code] = await codesFor(to);
    expect(code).toMatch(/^\d{6}$/);
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await verifications.check(started.verificationId, wrong)).toEqual({ status: 'denied' });
    expect(await verifications.check(started.verificationId, code!)).toEqual({ status: 'approved' });
    expect(await verifications.check(started.verificationId, code!)).toEqual({ status: 'denied' });

    const ours = () =>
      platform.receiver
        .on(EVENTS)
        .filter((r) => parseVerificationEvent(r.rawBody)?.verification.verificationId === started.verificationId);
    await expectEventually(() => expect(ours()).toHaveLength(2));
    const events = ours().map((r) => parseVerificationEvent(r.rawBody)!);
    expect(events.map((e) => e.eventType)).toEqual(['verification.pending', 'verification.approved']);
    expect(events[1]!.verification).toMatchObject({ to, status: 'approved', channel: 'sms' });
    for (const hook of ours()) {
      expect(verifyPushSignature(hook.headers, hook.rawBody, { appKey, appSecret })).toEqual({ ok: true });
      expect(hook.rawBody.toString()).not.toContain(code);
    }
  });

  it('resend sends the same code again; a finished verification cannot be resent (1020180)', async () => {
    const to = genuine();
    const { verificationId } = await verifications.start({ to, channel: 'sms', locale: 'zh', codeLength: 8 });
    const [first] = await codesFor(to);
    expect(first).toMatch(/^\d{8}$/);
    expect(await verifications.resend(verificationId, 'sms')).toMatchObject({ verificationId, status: 'pending' });
    const codes = await codesFor(to, 2);
    expect(codes).toEqual([first, first]);
    expect(await verifications.check(verificationId, first!)).toEqual({ status: 'approved' });
    expect(await refusal(verifications.resend(verificationId, 'sms'))).toMatchObject({
      resultcode: '1020180',
      status: 403,
      api: 'verify',
    });
  });

  it('refusals are VerigateErrors with the resultcode: bad input, a wrong secret, no permission', async () => {
    expect(await refusal(verifications.start({ to: '0044770', channel: 'sms', locale: 'en' }))).toMatchObject({
      resultcode: '1020001',
      status: 500,
    });
    const forged = new VerificationClient({ baseUrl: platform.baseUrl, appKey, appSecret: 'not-the-secret' });
    expect(await refusal(forged.check('6f1c1d1e-0000-4000-8000-000000000000', '123456'))).toMatchObject({
      resultcode: '1010010',
      status: 401,
    });
    const plain = await admin.createApp({ name: 'no verify', permissions: ['sms'] });
    const unpermitted = new VerificationClient({
      baseUrl: platform.baseUrl,
      appKey: plain.appKey!,
      appSecret: plain.appSecret!,
    });
    expect(await refusal(unpermitted.start({ to: genuine(), channel: 'sms', locale: 'en' }))).toMatchObject({
      resultcode: '1010040',
      status: 403,
    });
  });

  it('the fraud guard through AdminClient: a pumped prefix is blocked (1013130), listed with its figures, lifted', async () => {
    let blocked: VerigateError | undefined;
    for (let i = 0; i <= MIN_SENDS + 1 && !blocked; i++) {
      blocked = await verifications.start({ to: pumped(), channel: 'sms', locale: 'en' }).then(
        () => undefined,
        (error: unknown) => error as VerigateError,
      );
    }
    expect(blocked).toMatchObject({ resultcode: '1013130', status: 403, api: 'verify' });
    const listed = await admin.listFraudPrefixes();
    expect(listed).toMatchObject({ minSends: MIN_SENDS, minApprovalRate: 0.5 });
    expect(listed.prefixes).toEqual([
      expect.objectContaining({ prefix: '+882161', sends: MIN_SENDS, approvals: 0, liftedAt: null }),
    ]);
    expect(await admin.liftFraudPrefix('+882161')).toEqual({ prefix: '+882161', lifted: true });
    expect((await admin.listFraudPrefixes()).prefixes).toEqual([]);
    expect((await admin.listFraudPrefixes({ lifted: true })).prefixes).toEqual([
      expect.objectContaining({ prefix: '+882161', liftedAt: expect.any(String) }),
    ]);
    expect(await refusal(admin.liftFraudPrefix('+882161'))).toMatchObject({ resultcode: 'NOT_FOUND', status: 404 });
    expect(await verifications.start({ to: pumped(), channel: 'sms', locale: 'en' })).toMatchObject({
      status: 'pending',
    });
  });

  it('the verigate CLI: verify start → check (exit 0, approved / denied), resend refused (exit 1), usage (exit 2)', async () => {
    const to = genuine();
    const credentials = ['--app-key', appKey, '--app-secret', appSecret];
    const started = await verigate(['verify', 'start', '--to', to, '--channel', 'sms', ...credentials]);
    expect(started).toMatchObject({ code: 0, stderr: '' });
    const { verificationId, status, channel } = JSON.parse(started.stdout) as Record<string, string>;
    expect({ status, channel }).toEqual({ status: 'pending', channel: 'sms' });
    const [code] = await codesFor(to);
    const wrong = code === '000000' ? '111111' : '000000';
    const denied = await verigate(['verify', 'check', verificationId!, wrong, ...credentials]);
    expect([denied.code, JSON.parse(denied.stdout)]).toEqual([0, { status: 'denied' }]);
    // The app's credentials from the environment (kept out of the process list).
    const approved = await verigate(['verify', 'check', verificationId!, code!, '--json'], {
      VERIGATE_APP_KEY: appKey,
      VERIGATE_APP_SECRET: appSecret,
    });
    expect([approved.code, JSON.parse(approved.stdout)]).toEqual([0, { status: 'approved' }]);
    const refused = await verigate(['verify', 'resend', verificationId!, 'sms', ...credentials]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stderr)).toMatchObject({ resultcode: '1020180' });
    const usage = await verigate(['verify', 'start', '--to', to]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--app-key');
    const help = await verigate(['verify', 'resend', '--help']);
    expect([help.code, help.stdout]).toEqual([
      0,
      expect.stringMatching(/^usage: verigate verify resend <verificationId> <sms\|call>/),
    ]);
  });

  it('the verigate CLI: fraud prefixes [--lifted] and fraud lift, with their exit codes', async () => {
    const current = await verigate(['fraud', 'prefixes']);
    expect(current.code).toBe(0);
    expect(JSON.parse(current.stdout)).toMatchObject({ minSends: MIN_SENDS, prefixes: [] });
    const withLifted = await verigate(['fraud', 'prefixes', '--lifted']);
    expect(JSON.parse(withLifted.stdout).prefixes).toEqual([expect.objectContaining({ prefix: '+882161' })]);
    const notBlocked = await verigate(['fraud', 'lift', '+882161']);
    expect(notBlocked.code).toBe(1);
    expect(JSON.parse(notBlocked.stderr)).toMatchObject({ error_code: 'NOT_FOUND' });
    const invalid = await verigate(['fraud', 'lift', 'abc']);
    expect([invalid.code, JSON.parse(invalid.stderr).error_code]).toEqual([1, 'INVALID_FIELD']);
    expect((await verigate(['fraud', 'lift'])).code).toBe(2);
    const down = await verigate(['fraud', 'prefixes'], { VERIGATE_URL: 'http://127.0.0.1:9' });
    expect(down.code).toBe(3);
  });
});
