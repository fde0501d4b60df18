import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { JsonLogger, type SmppConfig } from '#libs/runtime';
import { expectEventually, TestSmsc } from '#libs/testing';
import {
  SmsSubmitError,
  type DeliveryReceipt,
  type ReceiptHandler,
} from '../../apps/sms/src/providers/sms-provider.js';
import { SmppProvider, type SmppTimings } from '../../apps/sms/src/providers/smpp/smpp.provider.js';

/** The SMPP provider against a real SMPP server (TestSmsc) on loopback. */
describe('SmppProvider against TestSmsc', () => {
  const APP = 'smpp-e2e';
  const PASSWORD = 'Xq7pL2vZ'; // SMPP passwords are at most 8 characters
  /** Short back-offs so retries show within a test; the shape (doubling, caps) is production's. */
  const FAST: Partial<SmppTimings> = {
    reconnectBaseMs: 50,
    reconnectMaxMs: 400,
    throttleBaseMs: 100,
    throttleMaxMs: 1_600,
  };
  const logs: Record<string, unknown>[] = [];
  const rawLogs: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  let smsc: TestSmsc;
  let provider: SmppProvider | null = null;

  beforeAll(() => {
    // Keep the provider's log lines for assertions (and off the test output).
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (typeof chunk === 'string' && chunk.includes(`"app":"${APP}"`)) {
        rawLogs.push(chunk);
        logs.push(JSON.parse(chunk) as Record<string, unknown>);
        return true;
      }
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  });

  afterAll(() => {
    process.stdout.write = write;
  });

  afterEach(async () => {
    await provider?.stop();
    provider = null;
    await smsc.stop();
    logs.length = 0;
    rawLogs.length = 0;
  });

  async function setUp(
    overrides: Partial<SmppConfig> = {},
    onReceipt: ReceiptHandler = async () => undefined,
    timings = FAST,
  ): Promise<SmppProvider> {
    smsc = new TestSmsc({ systemId: 'verigate', password: PASSWORD });
    const port = await smsc.start();
    const config: SmppConfig = {
      host: '127.0.0.1',
      port,
      tls: false,
      systemId: 'verigate',
      password: PASSWORD,
      systemType: 'OTP',
      sourceAddr: 'Verigate',
      destPrefix: '86',
      window: 10,
      enquireLinkSeconds: 30,
      responseTimeoutMs: 2_000,
      ...overrides,
    };
    provider = new SmppProvider(config, new JsonLogger(APP, 'debug'), timings);
    await provider.start(onReceipt);
    return provider;
  }

  async function bound(p: SmppProvider): Promise<void> {
    await expectEventually(() => expect(p.isReady()).toBe(true));
  }

  const msgs = (name: string): Record<string, unknown>[] => logs.filter((l) => l.msg === name);

  it('binds as a 3.4 transceiver and submits ASCII (GSM-7) and Chinese (UCS2) texts the server decodes exactly', async () => {
    const p = await setUp();
    await bound(p);
    expect(smsc.binds).toEqual([{ systemId: 'verigate', interfaceVersion: 0x34, accepted: true }]);

    const ascii = await p.submit({ messageId: 'm1', to: '13800000001', text: 'Your Verigate code is 482913 @_£€[]' });
    const chinese = await p.submit({ messageId: 'm2', to: '13800000002', text: '您的验证码是 482913，5 分钟内有效。' });

    expect(smsc.submits).toHaveLength(2);
    const [first, second] = smsc.submits;
    expect(first).toMatchObject({
      text: 'Your Verigate code is 482913 @_£€[]',
      dataCoding: 0,
      esmClass: 0,
      udh: null,
      destination: '8613800000001',
      destTon: 1,
      destNpi: 1,
      sourceAddr: 'Verigate',
      sourceTon: 5,
      sourceNpi: 0,
      registeredDelivery: 1,
    });
    expect(second).toMatchObject({
      text: '您的验证码是 482913，5 分钟内有效。',
      dataCoding: 8,
      destination: '8613800000002',
    });
    expect(ascii.providerIds).toEqual([first!.messageId]);
    expect(chinese.providerIds).toEqual([second!.messageId]);
  });

  it('splits a long Chinese text (with an emoji) into concatenated UCS2 parts the server reassembles exactly', async () => {
    const p = await setUp();
    await bound(p);
    const text = `${'您的验证码是 482913，请勿告诉他人。'.repeat(7)}😀🎉 谢谢`;
    const result = await p.submit({ messageId: 'long', to: '13800000003', text });

    const parts = smsc.submits;
    expect(parts.length).toBe(Math.ceil(text.length / 67));
    expect(parts.every((s) => s.esmClass === 0x40 && s.dataCoding === 8 && s.registeredDelivery === 1)).toBe(true);
    expect(new Set(parts.map((s) => s.concat!.reference)).size).toBe(1);
    expect(parts.map((s) => s.concat!.seq)).toEqual(parts.map((_, i) => i + 1));
    expect(parts.every((s) => s.concat!.total === parts.length && s.payload.length <= 134)).toBe(true);
    expect(smsc.messages()).toEqual([
      { destination: '8613800000003', text, messageIds: result.providerIds, complete: true },
    ]);
  });

  it('never has more than `window` submit_sm outstanding; the rest wait in order', async () => {
    const p = await setUp({ window: 3 });
    await bound(p);
    smsc.holdResponses(true);
    const texts = ['code 1', 'code 2', 'x'.repeat(200), 'code 4', 'code 5'];
    const results = texts.map((text, i) => p.submit({ messageId: `w${i}`, to: `1380000010${i}`, text }));
    await expectEventually(() => expect(smsc.submits).toHaveLength(3));
    // A bounded observation window: with the window broken, the other PDUs would arrive now.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smsc.submits).toHaveLength(3);
    smsc.holdResponses(false);
    const done = await Promise.all(results);
    expect(smsc.maxOutstanding).toBe(3);
    expect(done.map((r) => r.providerIds.length)).toEqual([1, 1, 2, 1, 1]);
    expect(smsc.messages().map((m) => m.text)).toEqual(texts);
  });

  it('pauses on ESME_RTHROTTLED with a doubling back-off and resends the same PDUs until accepted', async () => {
    const p = await setUp();
    await bound(p);
    smsc.throttleNext(3);
    const text = 'Verigate code 482913. '.repeat(9); // 198 septets: two parts
    const result = await p.submit({ messageId: 't1', to: '13800000004', text });

    const accepted = smsc.submits.filter((s) => s.status === 0);
    expect(smsc.submits.filter((s) => s.status === 0x58)).toHaveLength(3);
    expect(accepted.map((s) => s.concat!.seq).sort()).toEqual([1, 2]);
    expect(smsc.messages()).toEqual([
      { destination: '8613800000004', text, messageIds: result.providerIds, complete: true },
    ]);
    // Both parts throttled at once are one episode (100 ms), then part 1 alone again (200 ms).
    expect(msgs('smpp throttled, pausing submissions').map((l) => l.pauseMs)).toEqual([100, 200]);
    const times = smsc.submits.map((s) => s.receivedAt);
    expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(95);
    expect(times[4]! - times[2]!).toBeGreaterThanOrEqual(195);
  });

  it('rejects a permanent refusal as non-transient with the ESME name, a system error as transient', async () => {
    const p = await setUp();
    await bound(p);
    smsc.failNext(1, 0x0b);
    const permanent = await p.submit({ messageId: 'e1', to: '1', text: 'code 1' }).catch((e: unknown) => e);
    expect(permanent).toBeInstanceOf(SmsSubmitError);
    expect(permanent).toMatchObject({ transient: false, providerCode: 'ESME_RINVDSTADR' });

    smsc.failNext(1, 0x08);
    const transient = await p.submit({ messageId: 'e2', to: '1', text: 'code 2' }).catch((e: unknown) => e);
    expect(transient).toMatchObject({ transient: true, providerCode: 'ESME_RSYSERR' });
    await expect(p.submit({ messageId: 'e3', to: '1', text: 'code 3' })).resolves.toMatchObject({
      providerIds: [expect.any(String)],
    });
  });

  it('with a wrong password stays not ready, keeps retrying with back-off, and never logs the password', async () => {
    smsc = new TestSmsc({ password: 'the-right-one' });
    const port = await smsc.start();
    const config: SmppConfig = {
      host: '127.0.0.1',
      port,
      tls: false,
      systemId: 'verigate',
      password: PASSWORD,
      systemType: '',
      sourceAddr: '',
      destPrefix: '',
      window: 10,
      enquireLinkSeconds: 30,
      responseTimeoutMs: 300,
    };
    provider = new SmppProvider(config, new JsonLogger(APP, 'debug'), FAST);
    await provider.start(async () => undefined);
    await expectEventually(() => expect(smsc.binds.length).toBeGreaterThanOrEqual(4));
    expect(smsc.binds.every((b) => !b.accepted)).toBe(true);
    expect(provider.isReady()).toBe(false);
    await expect(provider.submit({ messageId: 'x', to: '1', text: 'code' })).rejects.toMatchObject({
      transient: true,
      message: 'SMPP not bound',
    });
    const delays = msgs('smpp reconnecting').map((l) => l.delayMs);
    expect(delays.slice(0, 4)).toEqual([50, 100, 200, 400]);
    expect(msgs('smpp bind refused')[0]).toMatchObject({ status: 'ESME_RBINDFAIL', attempt: 1 });
    expect(rawLogs.join('')).not.toContain(PASSWORD);
  });

  it('reconnects after the SMSC drops the connection; a submit caught outstanding fails transient', async () => {
    const p = await setUp();
    await bound(p);
    await p.submit({ messageId: 'd1', to: '1', text: 'before' });

    smsc.holdResponses(true);
    const caught = p.submit({ messageId: 'd2', to: '1', text: 'in flight' }).catch((e: unknown) => e);
    await expectEventually(() => expect(smsc.submits).toHaveLength(2));
    smsc.dropConnections();
    expect(await caught).toMatchObject({ transient: true, message: 'SMPP connection lost' });
    smsc.holdResponses(false);

    await expectEventually(() => expect([smsc.connections, smsc.sessions, smsc.boundSessions]).toEqual([2, 1, 1]));
    await bound(p);
    await expect(p.submit({ messageId: 'd3', to: '1', text: 'after' })).resolves.toMatchObject({
      providerIds: [expect.any(String)],
    });
    expect(msgs('smpp connection lost')).toHaveLength(1);
    // The SMSC took 'in flight' but its answer was lost: the at-least-once window (a resubmission would duplicate it).
    expect(smsc.messages().map((m) => m.text)).toEqual(['before', 'in flight', 'after']);
  });

  it('drops a connection that answers nothing within responseTimeoutMs and reconnects', async () => {
    const p = await setUp({ responseTimeoutMs: 300 });
    await bound(p);
    smsc.holdResponses(true);
    const began = Date.now();
    const caught = await p.submit({ messageId: 'r1', to: '1', text: 'held' }).catch((e: unknown) => e);
    expect(caught).toMatchObject({ transient: true });
    // Silence for 300 ms is enough; the 3× cap (900 ms) is for an SMSC that still answers probes.
    expect(Date.now() - began).toBeLessThan(800);
    smsc.holdResponses(false);
    expect(msgs('smpp no response, dropping the connection')).toHaveLength(1);
    await expectEventually(() => expect([smsc.connections, smsc.sessions, smsc.boundSessions]).toEqual([2, 1, 1]));
  });

  it('drops a connection that answers enquire_link but sits on a submit for 3× responseTimeoutMs', async () => {
    const p = await setUp({ responseTimeoutMs: 1_500, enquireLinkSeconds: 1 });
    await bound(p);
    smsc.holdResponses(true);
    const began = Date.now();
    const caught = await p.submit({ messageId: 'r2', to: '1', text: 'held' }).catch((e: unknown) => e);
    const waited = Date.now() - began;
    smsc.holdResponses(false);
    expect(caught).toMatchObject({ transient: true, message: 'SMPP connection lost' });
    expect(smsc.enquireLinks).toBeGreaterThanOrEqual(3);
    expect(waited).toBeGreaterThanOrEqual(4_500);
  });

  it('hands a receipt to onReceipt and answers deliver_sm_resp 0 only after it resolved', async () => {
    const received: DeliveryReceipt[] = [];
    let storedAt = 0;
    const p = await setUp({}, async (receipt) => {
      received.push(receipt);
      // A slow commit: the acknowledgement must wait for it.
      await new Promise((resolve) => setTimeout(resolve, 300));
      storedAt = Date.now();
    });
    await bound(p);
    const { providerIds } = await p.submit({ messageId: 'rc1', to: '1', text: 'code' });
    const status = await smsc.sendReceipt(providerIds[0]!, 'DELIVRD');

    expect(status).toBe(0);
    expect(received).toEqual([
      { providerId: providerIds[0], status: 'delivered', doneAt: expect.any(Date), errorCode: '000' },
    ]);
    expect(smsc.receiptResponses[0]!.at).toBeGreaterThanOrEqual(storedAt);
    expect(storedAt).toBeGreaterThan(0);

    smsc.autoReceipt = 'UNDELIV';
    const second = await p.submit({ messageId: 'rc2', to: '1', text: 'code' });
    await expectEventually(() =>
      expect(received[1]).toMatchObject({ providerId: second.providerIds[0], status: 'undeliverable' }),
    );
    await expectEventually(() => expect(smsc.receiptResponses.map((r) => r.commandStatus)).toEqual([0, 0]));
  });

  it('answers deliver_sm_resp ESME_RX_T_APPN (0x64) when onReceipt throws, so the SMSC retries', async () => {
    let calls = 0;
    const p = await setUp({}, async () => {
      calls++;
      throw new Error('database unavailable');
    });
    await bound(p);
    const { providerIds } = await p.submit({ messageId: 'rx', to: '1', text: 'code' });
    expect(await smsc.sendReceipt(providerIds[0]!, 'DELIVRD')).toBe(0x64);
    expect(calls).toBe(1);
    expect(msgs('smpp receipt not stored, asking the SMSC to retry')).toHaveLength(1);
  });

  it('acknowledges a mobile-originated deliver_sm with status 0 without calling onReceipt', async () => {
    let calls = 0;
    const p = await setUp({}, async () => {
      calls++;
    });
    await bound(p);
    expect(await smsc.sendMo('8613800000009', 'STOP')).toBe(0);
    expect(calls).toBe(0);
    expect(msgs('smpp deliver_sm ignored (not a receipt)')).toHaveLength(1);
  });

  it('answers an unbind from the SMSC with unbind_resp and binds again', async () => {
    const p = await setUp();
    await bound(p);
    expect(await smsc.unbindSessions()).toEqual([0]);
    await expectEventually(() => expect([smsc.connections, smsc.sessions, smsc.boundSessions]).toEqual([2, 1, 1]));
    await bound(p);
    await expect(p.submit({ messageId: 'u1', to: '1', text: 'after unbind' })).resolves.toMatchObject({
      providerIds: [expect.any(String)],
    });
  });

  it('gives up (transient) on a message throttled for longer than the limit', async () => {
    const p = await setUp({}, async () => undefined, { ...FAST, throttleGiveUpMs: 500 });
    await bound(p);
    smsc.throttleNext(1_000);
    const error = await p.submit({ messageId: 'g1', to: '1', text: 'code' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ transient: true, providerCode: 'ESME_RTHROTTLED' });
    // 100 + 200 + 400 ms of pauses fit in 500 ms of waiting only up to the fourth attempt.
    expect(smsc.submits.length).toBeGreaterThanOrEqual(3);
    expect(smsc.submits.length).toBeLessThanOrEqual(5);
    expect(smsc.submits.every((s) => s.status === 0x58)).toBe(true);
  });

  it('keeps the link alive with enquire_link', async () => {
    const p = await setUp({ enquireLinkSeconds: 1 });
    await bound(p);
    await expectEventually(() => expect(smsc.enquireLinks).toBeGreaterThanOrEqual(2), { timeoutMs: 5_000 });
    expect(p.isReady()).toBe(true);
    expect(smsc.connections).toBe(1);
  });

  it('stop() waits for outstanding responses, unbinds and closes; later submits fail transient', async () => {
    const p = await setUp();
    await bound(p);
    smsc.holdResponses(true);
    const pending = p.submit({ messageId: 's1', to: '1', text: 'last one' });
    await expectEventually(() => expect(smsc.submits).toHaveLength(1));
    const stopped = p.stop();
    expect(p.isReady()).toBe(false);
    smsc.holdResponses(false);
    await expect(pending).resolves.toMatchObject({ providerIds: [smsc.submits[0]!.messageId] });
    await stopped;
    expect(smsc.unbinds).toBe(1);
    await expectEventually(() => expect(smsc.sessions).toBe(0));
    await expect(p.submit({ messageId: 's2', to: '1', text: 'too late' })).rejects.toMatchObject({ transient: true });
    expect(msgs('smpp reconnecting')).toHaveLength(0);
  });
});
