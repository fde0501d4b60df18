import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from '@jest/globals';
import sip, { type SipMessage } from 'sip';
import { buildFeeInfo, callOutcome, type CallEnding } from '#libs/contracts';
import { JsonLogger } from '#libs/runtime';
import { freeTestPort, RtpCapture, sineWav, SippUas } from '#libs/testing';
import type { CallRequest } from '../../apps/voice/src/carriers/carrier.js';
import { SipCarrier, type SipCarrierOptions } from '../../apps/voice/src/carriers/sip/sip.carrier.js';
import { encodeG711, type G711Codec } from '../../apps/voice/src/media/g711.js';
import { assemblePlay, DigitPrompts, promptLanguage, toNarrowband } from '../../apps/voice/src/media/prompt.js';
import { RtpSession } from '../../apps/voice/src/media/rtp.js';
import { ToneCache, type ToneSource } from '../../apps/voice/src/media/tone-cache.js';

/**
 * The sip carrier against SIPp on loopback (real UDP SIP and RTP). Each test starts one SIPp
 * callee, places one call and checks what happened on the wire, the CallEnding and the CDR fields
 * derived from it. Tones come from an in-memory tone source (the PostgreSQL one is exercised by
 * sip-call.e2e.test.ts, through the whole platform).
 */
const PRE_TONE = sineWav(200, 16000, 440); // 16 kHz: resampled to 8 kHz by the carrier
const POS_TONE = sineWav(100, 8000, 660);

class MapToneSource implements ToneSource {
  constructor(private readonly files: Record<string, Buffer>) {}
  async digest(_app: string, name: string) {
    return this.files[name] ? `sha-${name}` : null;
  }
  async content(_app: string, name: string) {
    return this.files[name] ?? null;
  }
}

interface Harness {
  carrier: SipCarrier;
  events: string[];
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function harness(
  overrides: Partial<SipCarrierOptions> & { trunkPort: number },
  logger?: JsonLogger,
): Promise<Harness> {
  const rtpMin = await freeTestPort(new Set(), true);
  const carrier = new SipCarrier(
    {
      trunk: { host: '127.0.0.1', port: overrides.trunkPort },
      username: null,
      password: null,
      localPort: await freeTestPort(new Set([overrides.trunkPort])),
      bindAddress: '127.0.0.1',
      publicAddress: null,
      rtpPorts: { min: rtpMin, max: Math.min(29999, rtpMin + 40) },
      codecs: ['PCMU', 'PCMA'],
      fromDomain: null,
      stripPlus: false,
      allowPrivateMedia: true, // SIPp answers with 127.0.0.1
      ...overrides,
    },
    new ToneCache(new MapToneSource({ 'welcome.wav': PRE_TONE, 'bye.wav': POS_TONE })),
    new DigitPrompts(),
    logger ?? new JsonLogger('voice-test', (process.env.TEST_LOG_LEVEL as 'warn') ?? 'error'),
  );
  cleanups.push(() => carrier.close());
  return { carrier, events: [] };
}

function request(extra: Partial<CallRequest> = {}): CallRequest {
  return {
    sessionId: `s-${Math.random().toString(36).slice(2)}`,
    appKey: 'app',
    caller: '+8675528000088',
    callee: '+8613800000021',
    languageType: 2,
    verifyCode: '12',
    preTone: 'welcome.wav',
    posTone: 'bye.wav',
    times: 1,
    maxCallMs: 60_000,
    ringTimeoutMs: 5000,
    ...extra,
  };
}

async function place(h: Harness, req: CallRequest, signal = new AbortController().signal): Promise<CallEnding> {
  return h.carrier.placeCall(
    req,
    {
      onAlerting: async () => {
        h.events.push('alerting');
      },
      onAnswer: async () => {
        h.events.push('answer');
      },
    },
    signal,
  );
}

function cdr(ending: CallEnding) {
  const now = new Date();
  return buildFeeInfo({
    sessionId: 's',
    appKey: 'app',
    spId: 'sp',
    icid: 'i',
    displayNbr: '+8675528000088',
    calleeNbr: '+8613800000021',
    userData: null,
    hostName: 'h',
    startedAt: now,
    alertingAt: now,
    answeredAt: null,
    endedAt: now,
    ending,
  });
}

/** What the callee should hear: the play assembled from the same sources, in the answered law. */
async function expectedAudio(req: CallRequest, codec: G711Codec): Promise<Uint8Array> {
  const digits = await new DigitPrompts().forCode(req.verifyCode, promptLanguage(req.languageType));
  const play = assemblePlay({
    preTone: toNarrowband(PRE_TONE),
    digits,
    posTone: req.posTone ? toNarrowband(POS_TONE) : null,
  });
  return encodeG711(play, codec);
}

async function sipp(scenario: string, keys: Record<string, string | number> = {}, calls = 1) {
  const uas = await SippUas.start(scenario, keys, calls);
  cleanups.push(() => uas.stop());
  return uas;
}

async function capture() {
  const rtp = await new RtpCapture().start();
  cleanups.push(() => rtp.stop());
  return rtp;
}

describe('sip carrier against SIPp', () => {
  it('answered: the callee hears pre-tone, the digits and post-tone as paced G.711 RTP (A-law answered), then BYE', async () => {
    const rtp = await capture();
    const uas = await sipp('answer.xml', { rtp_ip: '127.0.0.1', rtp_port: rtp.port, pt: 8, codec: 'PCMA' });
    const h = await harness({ trunkPort: uas.port });
    const req = request({ times: 2 });
    const started = performance.now();
    const ending = await place(h, req);
    expect(ending).toEqual({ kind: 'completed', by: 'platform' });
    expect(h.events).toEqual(['alerting', 'answer']);
    expect((await uas.exited).code).toBe(0); // SIPp saw INVITE (offering 0 and 8), ACK and BYE

    const expected = await expectedAudio(req, 'PCMA');
    const expectedPackets = (expected.length / 160) * req.times;
    const packets = rtp.packets;
    expect(packets.length).toBeGreaterThanOrEqual(expectedPackets - 1); // UDP on loopback: none lost in practice
    expect(packets.length).toBeLessThanOrEqual(expectedPackets);
    expect(new Set(packets.map((p) => p.payloadType))).toEqual(new Set([8]));
    expect(packets.every((p) => p.version === 2 && p.payload.length === 160)).toBe(true);
    expect(packets[0]!.marker).toBe(true);
    expect(packets.slice(1).some((p) => p.marker)).toBe(false);
    expect(new Set(packets.map((p) => p.ssrc)).size).toBe(1);
    for (let i = 1; i < packets.length; i++) {
      expect((packets[i]!.sequence - packets[i - 1]!.sequence) & 0xffff).toBe(1);
      expect((packets[i]!.timestamp - packets[i - 1]!.timestamp) >>> 0).toBe(160);
    }
    // Real-time pacing: the stream lasts (n-1) × 20 ms, give or take timer jitter, and does not drift.
    const spanMs = packets.at(-1)!.at - packets[0]!.at;
    const idealMs = (packets.length - 1) * 20;
    // (A setInterval(20) would drift by its lateness on every one of the ~220 ticks.)
    expect(Math.abs(spanMs - idealMs)).toBeLessThan(120);
    const late = packets.map((p, i) => p.at - packets[0]!.at - i * 20);
    expect(Math.max(...late)).toBeLessThan(120); // receive side, in the same (busy) process
    // The bytes are the prompt, twice, in A-law.
    const heard = Buffer.concat(packets.map((p) => p.payload));
    expect(heard.subarray(0, expected.length).equals(Buffer.from(expected))).toBe(true);
    expect(heard.subarray(expected.length, 2 * expected.length).equals(Buffer.from(expected))).toBe(true);
    const total = performance.now() - started;
    expect(total).toBeGreaterThan(idealMs);
    process.stdout.write(
      `sip answered: ${packets.length} RTP packets (expected ${expectedPackets}), span ${spanMs.toFixed(1)} ms (ideal ${idealMs} ms), max lateness ${Math.max(...late).toFixed(1)} ms\n`,
    );

    expect(callOutcome(ending)).toMatchObject({
      stateCode: 0,
      sipStatusCode: 200,
      callOutUnaswRsn: 0,
      ulFailReason: 0,
    });
  });

  it('two calls at once on one carrier: separate dialogs, RTP ports and streams', async () => {
    const rtp = await capture();
    const uas = await sipp('answer.xml', { rtp_ip: '127.0.0.1', rtp_port: rtp.port, pt: 0, codec: 'PCMU' }, 2);
    const h = await harness({ trunkPort: uas.port });
    const [a, b] = await Promise.all([
      place(h, request({ verifyCode: '12' })),
      place(h, request({ verifyCode: '9876' })),
    ]);
    expect(a).toEqual({ kind: 'completed', by: 'platform' });
    expect(b).toEqual({ kind: 'completed', by: 'platform' });
    expect((await uas.exited).code).toBe(0); // both calls completed for SIPp
    const bySsrc = new Map<number, number>();
    for (const p of rtp.packets) bySsrc.set(p.ssrc, (bySsrc.get(p.ssrc) ?? 0) + 1);
    expect(bySsrc.size).toBe(2);
    const expected = [
      await expectedAudio(request({ verifyCode: '12' }), 'PCMU'),
      await expectedAudio(request({ verifyCode: '9876' }), 'PCMU'),
    ].map((x) => x.length / 160);
    expect([...bySsrc.values()].sort((x, y) => x - y)).toEqual(expected.sort((x, y) => x - y));
  });

  it('busy: 486 → stateCode 8102, CDR sipStatusCode 486 and Q.850 17 from the Reason header', async () => {
    const uas = await sipp('busy.xml');
    const h = await harness({ trunkPort: uas.port });
    const ending = await place(h, request());
    expect(ending).toEqual({ kind: 'sip-final', sipStatus: 486, q850: 17 });
    expect(h.events).toEqual([]); // 100 Trying is not alerting
    expect((await uas.exited).code).toBe(0); // SIPp got its ACK
    expect(callOutcome(ending)).toMatchObject({ stateCode: 8102, stateDesc: 'The user is busy' });
    expect(cdr(ending)).toMatchObject({ sipStatusCode: 486, callOutUnaswRsn: 17, ulFailReason: 4 });
  });

  it('no answer: CANCEL after the ring timeout, 487 → stateCode 8003', async () => {
    const uas = await sipp('no-answer.xml');
    const h = await harness({ trunkPort: uas.port });
    const started = performance.now();
    const ending = await place(h, request({ ringTimeoutMs: 1200 }));
    const elapsed = performance.now() - started;
    expect(ending).toEqual({ kind: 'ring-timeout' });
    expect(h.events).toEqual(['alerting']);
    expect(elapsed).toBeGreaterThanOrEqual(1150);
    expect(elapsed).toBeLessThan(4000);
    expect((await uas.exited).code).toBe(0); // SIPp got the CANCEL and the ACK of its 487
    expect(callOutcome(ending)).toMatchObject({ stateCode: 8003 });
    expect(cdr(ending)).toMatchObject({ sipStatusCode: 487, callOutUnaswRsn: 19, ulFailReason: 6 });
  });

  it('401 digest challenge: the INVITE is repeated with credentials, then answered (μ-law)', async () => {
    const rtp = await capture();
    const uas = await sipp('digest-answer.xml', {
      rtp_ip: '127.0.0.1',
      rtp_port: rtp.port,
      pt: 0,
      codec: 'PCMU',
      user: 'verigate',
      password: 's3cret-pw',
    });
    const h = await harness({ trunkPort: uas.port, username: 'verigate', password: 's3cret-pw' });
    const req = request({ posTone: null, times: 1, languageType: 1 });
    const ending = await place(h, req);
    expect(ending).toEqual({ kind: 'completed', by: 'platform' });
    expect(h.events).toEqual(['answer']);
    expect((await uas.exited).code).toBe(0); // SIPp's verifyauth accepted the digest
    const expected = await expectedAudio(req, 'PCMU');
    expect(rtp.packets.length).toBeGreaterThanOrEqual(expected.length / 160 - 1);
    expect(rtp.packets.every((p) => p.payloadType === 0)).toBe(true);
    expect(
      Buffer.concat(rtp.packets.map((p) => p.payload))
        .subarray(0, 1600)
        .equals(Buffer.from(expected.subarray(0, 1600))),
    ).toBe(true);
  });

  it('407 proxy digest challenge: answered with Proxy-Authorization', async () => {
    const rtp = await capture();
    const uas = await sipp('proxy-digest-answer.xml', {
      rtp_ip: '127.0.0.1',
      rtp_port: rtp.port,
      pt: 0,
      codec: 'PCMU',
    });
    const h = await harness({ trunkPort: uas.port, username: 'trunk-user', password: 'pr0xy-pw' });
    const ending = await place(h, request({ posTone: null, verifyCode: '55' }));
    expect(ending).toEqual({ kind: 'completed', by: 'platform' });
    expect((await uas.exited).code).toBe(0);
    expect(rtp.packets.length).toBeGreaterThan(20);
  });

  it('407 without credentials configured: the call ends with 407 → unreachable, Q.850 21', async () => {
    const uas = await sipp('proxy-digest-answer.xml', { rtp_ip: '127.0.0.1', rtp_port: 9, pt: 0, codec: 'PCMU' });
    const h = await harness({ trunkPort: uas.port });
    const ending = await place(h, request());
    expect(ending).toEqual({ kind: 'sip-final', sipStatus: 407 });
    expect(callOutcome(ending)).toMatchObject({ stateCode: 8103, callOutUnaswRsn: 21 });
    uas.stop();
  });

  it('401 with wrong credentials: the trunk refuses (403) and the call ends rejected', async () => {
    const uas = await sipp('digest-answer.xml', {
      rtp_ip: '127.0.0.1',
      rtp_port: 9,
      pt: 0,
      codec: 'PCMU',
      user: 'verigate',
      password: 'right-password',
    });
    const h = await harness({ trunkPort: uas.port, username: 'verigate', password: 'wrong-password' });
    const ending = await place(h, request());
    expect(ending).toEqual({ kind: 'sip-final', sipStatus: 403 });
    expect((await uas.exited).code).not.toBe(0);
  });

  it('603 decline while ringing → stateCode 8004, Q.850 21', async () => {
    const uas = await sipp('decline.xml');
    const h = await harness({ trunkPort: uas.port });
    const ending = await place(h, request());
    expect(ending).toEqual({ kind: 'sip-final', sipStatus: 603 });
    expect(h.events).toEqual(['alerting']);
    expect((await uas.exited).code).toBe(0);
    expect(callOutcome(ending)).toMatchObject({ stateCode: 8004 });
    expect(cdr(ending)).toMatchObject({ sipStatusCode: 603, callOutUnaswRsn: 21, ulFailReason: 7 });
  });

  it('times 0 plays until the longest call ends, then hangs up; the code never reaches the log', async () => {
    const rtp = await capture();
    const uas = await sipp('answer.xml', { rtp_ip: '127.0.0.1', rtp_port: rtp.port, pt: 0, codec: 'PCMU' });
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (typeof chunk === 'string' && chunk.includes('"app":"voice-log"')) {
        lines.push(chunk);
        return true;
      }
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    try {
      const h = await harness({ trunkPort: uas.port }, new JsonLogger('voice-log', 'debug'));
      const ending = await place(h, request({ verifyCode: '86420975', times: 0, maxCallMs: 1500 }));
      expect(ending).toEqual({ kind: 'completed', by: 'platform' });
    } finally {
      process.stdout.write = write;
    }
    expect((await uas.exited).code).toBe(0);
    expect(rtp.packets.length).toBeGreaterThanOrEqual(1500 / 20 - 1);
    expect(rtp.packets.length).toBeLessThanOrEqual(1500 / 20);
    expect(lines.length).toBeGreaterThan(3); // INVITE, ringing, answered, prompt sent, BYE …
    expect(lines.join('')).not.toContain('86420975');
  });

  it("a re-INVITE moves the callee's media: the stream follows to the new port, without a gap or a restart", async () => {
    const first = await capture();
    const second = await capture();
    const uas = await sipp('reinvite.xml', { rtp_ip: '127.0.0.1', rtp_port: first.port, rtp_port2: second.port });
    const h = await harness({ trunkPort: uas.port });
    const req = request({ verifyCode: '1234', times: 1 });
    const ending = await place(h, req);
    expect(ending).toEqual({ kind: 'completed', by: 'platform' });
    expect((await uas.exited).code).toBe(0); // our 200 to the re-INVITE kept PCMU; BYE came after
    expect(first.packets.length).toBeGreaterThan(20);
    expect(second.packets.length).toBeGreaterThan(20);
    const all = [...first.packets, ...second.packets];
    const expected = await expectedAudio(req, 'PCMU');
    expect(all.length).toBe(expected.length / 160);
    // One stream: the sequence numbers carry on across the move.
    expect((second.packets[0]!.sequence - first.packets.at(-1)!.sequence) & 0xffff).toBe(1);
    expect(second.packets[0]!.ssrc).toBe(first.packets[0]!.ssrc);
  });

  it('the callee hangs up mid-prompt: BYE from the far end is answered and the stream stops', async () => {
    const rtp = await capture();
    const uas = await sipp('callee-hangs-up.xml', { rtp_ip: '127.0.0.1', rtp_port: rtp.port, pt: 0, codec: 'PCMU' });
    const h = await harness({ trunkPort: uas.port });
    const ending = await place(h, request({ verifyCode: '12345678', times: 3 }));
    expect(ending).toEqual({ kind: 'completed', by: 'callee' });
    expect(h.events).toEqual(['answer']);
    expect((await uas.exited).code).toBe(0); // SIPp's BYE got its 200
    // ~600 ms of talk: about 30 packets, far fewer than the three plays (several seconds).
    expect(rtp.packets.length).toBeGreaterThan(15);
    expect(rtp.packets.length).toBeLessThan(120); // the three plays would be > 300 packets
    const count = rtp.packets.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(rtp.packets.length).toBe(count);
    expect(callOutcome(ending)).toMatchObject({ stateCode: 0 });
  });

  it('abort while ringing (worker shutdown) sends CANCEL; abort while answered sends BYE', async () => {
    const uas = await sipp('no-answer.xml');
    const h = await harness({ trunkPort: uas.port });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 400);
    const ending = await place(h, request({ ringTimeoutMs: 10_000 }), controller.signal);
    expect(ending).toEqual({ kind: 'internal', reason: 'call cancelled while ringing' });
    expect((await uas.exited).code).toBe(0);

    const rtp = await capture();
    const answering = await sipp('answer.xml', { rtp_ip: '127.0.0.1', rtp_port: rtp.port, pt: 0, codec: 'PCMU' });
    const h2 = await harness({ trunkPort: answering.port });
    const controller2 = new AbortController();
    const placing = place(h2, request({ times: 0, maxCallMs: 30_000 }), controller2.signal);
    setTimeout(() => controller2.abort(), 700);
    expect(await placing).toEqual({ kind: 'internal', reason: 'call ended by the platform during the prompt' });
    expect((await answering.exited).code).toBe(0); // SIPp got our BYE
    expect(rtp.packets.length).toBeLessThan(120); // `times: 0` would have gone on for 30 s (1500 packets)
  });

  it('an unreachable trunk (nothing answers, not even 100 Trying) ends as unreachable at the ring timeout', async () => {
    const silentPort = await freeTestPort();
    const h = await harness({ trunkPort: silentPort });
    const started = performance.now();
    const ending = await place(h, request({ ringTimeoutMs: 500 }));
    expect(performance.now() - started).toBeLessThan(3000);
    expect(h.events).toEqual([]);
    expect(ending).toEqual({ kind: 'unreachable', reason: 'no response from the SIP trunk' });
    expect(callOutcome(ending)).toMatchObject({ stateCode: 8103 });
  });

  it('shutdown before any response: the call is let go after a short wait, as ended by the platform', async () => {
    const silentPort = await freeTestPort();
    const h = await harness({ trunkPort: silentPort });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = performance.now();
    const ending = await place(h, request({ ringTimeoutMs: 20_000 }), controller.signal);
    expect(performance.now() - started).toBeLessThan(3500);
    expect(ending).toEqual({ kind: 'internal', reason: 'call cancelled while ringing' });
  });
});

describe('sip carrier: hostile or odd signalling', () => {
  it('an answer with an RTP port out of range ends the call as a failure, without sending a packet', async () => {
    const uas = await sipp('answer.xml', { rtp_ip: '127.0.0.1', rtp_port: 70000, pt: 0, codec: 'PCMU' });
    const h = await harness({ trunkPort: uas.port });
    const ending = await place(h, request());
    expect(ending).toEqual({
      kind: 'internal',
      reason: expect.stringMatching(/unusable SDP answer: .*70000 is out of range/),
    });
    expect(callOutcome(ending).stateCode).not.toBe(0);
    expect((await uas.exited).code).toBe(0); // ACKed and hung up
  });

  it('an answer naming a loopback media address without VERIGATE_RTP_ALLOW_PRIVATE: no packet sent, ACK and BYE, ended as 488 → 8103', async () => {
    const rtp = await capture();
    const uas = await sipp('answer.xml', { rtp_ip: '127.0.0.1', rtp_port: rtp.port, pt: 0, codec: 'PCMU' });
    const h = await harness({ trunkPort: uas.port, allowPrivateMedia: false });
    const ending = await place(h, request());
    expect(ending).toEqual({ kind: 'sip-final', sipStatus: 488 });
    expect(callOutcome(ending)).toMatchObject({ stateCode: 8103, sipStatusCode: 488, callOutUnaswRsn: 65 });
    expect((await uas.exited).code).toBe(0); // ACKed and hung up
    expect(rtp.packets).toHaveLength(0);
  });

  /** One PCMU call against `scenario`: completed by our BYE, SIPp content, the prompt heard once and whole. */
  async function playsOnce(scenario: string) {
    const rtp = await capture();
    const uas = await sipp(scenario, { rtp_ip: '127.0.0.1', rtp_port: rtp.port });
    const h = await harness({ trunkPort: uas.port });
    const req = request({ verifyCode: '1234', times: 1 });
    expect(await place(h, req)).toEqual({ kind: 'completed', by: 'platform' });
    const sippResult = await uas.exited;
    if (sippResult.code !== 0) process.stdout.write(`SIPPFAIL ${scenario}\n${sippResult.output.slice(-4000)}\n`);
    expect(sippResult.code).toBe(0);
    expect(rtp.packets.length).toBe((await expectedAudio(req, 'PCMU')).length / 160);
    expect(new Set(rtp.packets.map((p) => p.sequence)).size).toBe(rtp.packets.length);
  }

  it('re-INVITEs with an RTP port out of range or a host name are refused with 488; the call plays on', async () => {
    await playsOnce('reinvite-unusable.xml'); // SIPp checks both 488s
  });

  it("BYEs whose From or To tag is not the dialog's get 481 and do not end the call", async () => {
    await playsOnce('bye-wrong-tags.xml'); // SIPp checks both 481s
  });

  it('a retransmitted 200 OK is only ACKed again: the prompt is played once', async () => {
    // A hand-made callee rather than SIPp: its two 200s leave in one go, so our ACK (sent after a DNS
    // lookup of the Contact's host name) can only come after both, whatever the machine's load.
    const rtp = await capture();
    const trunkPort = await freeTestPort();
    const trunk = createSocket('udp4');
    await new Promise<void>((resolve) => trunk.bind(trunkPort, '127.0.0.1', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => trunk.close(() => resolve())));
    const seen: string[] = [];
    trunk.on('message', (b, from) => {
      const m = sip.parse(b.toString('utf8'));
      seen.push(m.method ?? String(m.status));
      const reply = (rs: SipMessage) => trunk.send(sip.stringify(rs), from.port, from.address);
      if (m.method === 'INVITE' && seen.filter((x) => x === 'INVITE').length === 1) {
        const rs = sip.makeResponse(m, 200, 'OK');
        rs.headers.to = { ...m.headers.to!, params: { ...m.headers.to!.params, tag: 'callee-tag' } };
        rs.headers.contact = [{ uri: `sip:callee@localhost:${trunkPort}`, params: {} }];
        rs.headers['content-type'] = 'application/sdp';
        rs.content = `v=0\r\no=callee 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${rtp.port} RTP/AVP 0\r\n`;
        reply(rs);
        reply(rs); // the retransmission
      } else if (m.method === 'BYE') {
        reply(sip.makeResponse(m, 200, 'OK'));
      }
    });
    const h = await harness({ trunkPort });
    const req = request({ verifyCode: '12', times: 1 });
    expect(await place(h, req)).toEqual({ kind: 'completed', by: 'platform' });
    expect(seen.filter((x) => x === 'BYE')).toHaveLength(1);
    expect(seen.filter((x) => x === 'ACK').length).toBeGreaterThanOrEqual(1);
    expect(rtp.packets.length).toBe((await expectedAudio(req, 'PCMU')).length / 160);
    expect(new Set(rtp.packets.map((p) => p.sequence)).size).toBe(rtp.packets.length);
  });

  it('shutdown while ringing: a trunk that never sends 487 lets the call go soon; a late 200 OK is still ACKed and hung up before close() returns', async () => {
    const uas = await sipp('cancel-late-answer.xml');
    const h = await harness({ trunkPort: uas.port });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 400);
    const started = performance.now();
    const ending = await place(h, request({ ringTimeoutMs: 20_000 }), controller.signal);
    expect(performance.now() - started).toBeLessThan(5000); // before the late 200 (5.5 s after the CANCEL), well within the consumer's 15 s drain, not timer C's 32 s
    expect(ending).toEqual({ kind: 'internal', reason: 'call cancelled while ringing' });
    await h.carrier.close(); // waits for the INVITE's final response, its ACK and our BYE
    expect((await uas.exited).code).toBe(0);
  });

  it('hold (c=0.0.0.0) stops the packets and a new address resumes them, the sequence running on', async () => {
    const rtp = await capture();
    const session = await RtpSession.open({ min: 40200, max: 40300 }, '127.0.0.1');
    try {
      session.connect('127.0.0.1', rtp.port, 'PCMU');
      const playing = session.play(new Uint8Array(160 * 30), 1, 10_000, new AbortController().signal);
      setTimeout(() => session.hold(), 190);
      setTimeout(() => session.connect('127.0.0.1', rtp.port, 'PCMU'), 390);
      expect(await playing).toEqual({ packets: 30, interrupted: false });
      expect(rtp.packets.length).toBeGreaterThan(15);
      expect(rtp.packets.length).toBeLessThan(28); // about 10 packets were held back
      const gaps = rtp.packets.slice(1).map((p, i) => (p.sequence - rtp.packets[i]!.sequence) & 0xffff);
      expect(Math.max(...gaps)).toBeGreaterThan(5);
    } finally {
      session.close();
    }
  });

  it('an RTP packet the socket refuses ends the stream with an error instead of throwing', async () => {
    const session = await RtpSession.open({ min: 40000, max: 40100 }, '127.0.0.1');
    try {
      session.connect('127.0.0.1', 70000, 'PCMU');
      const result = await session.play(new Uint8Array(1600), 1, 10_000, new AbortController().signal);
      expect(result).toEqual({ packets: 0, interrupted: true, error: expect.stringMatching(/70000/) });
    } finally {
      session.close();
    }
  });
});
