import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectEventually, freeTestPort, RtpCapture, SippUas } from '#libs/testing';
import { Platform, type TestApp } from './support/platform.js';

/**
 * The whole platform with the sip carrier: callVerify on the gateway → RabbitMQ → voice worker →
 * SIP/RTP to SIPp on loopback → call events, CDR in PostgreSQL and webhooks. The pre-tone is the
 * one uploaded and approved through the management API (read from tone_files by the worker).
 */
describe('voice verification call over SIP, end to end', () => {
  const platform = new Platform();
  let app: TestApp;
  const sipps: SippUas[] = [];
  const rtp = new RtpCapture();

  async function sipEnv(trunkPort: number): Promise<Record<string, string>> {
    const rtpMin = await freeTestPort(new Set([trunkPort]), true);
    return {
      VERIGATE_VOICE_CARRIER: 'sip',
      VERIGATE_SIP_TRUNK: `sip:127.0.0.1:${trunkPort}`,
      VERIGATE_SIP_BIND_ADDRESS: '127.0.0.1',
      VERIGATE_SIP_LOCAL_PORT: String(await freeTestPort(new Set([trunkPort]))),
      VERIGATE_RTP_PORT_MIN: String(rtpMin),
      VERIGATE_RTP_PORT_MAX: String(Math.min(29999, rtpMin + 20)),
      VERIGATE_VOICE_PORTS: '4',
      VERIGATE_RING_TIMEOUT_S: '2',
      VERIGATE_MAX_CALL_S: '30',
    };
  }

  beforeAll(async () => {
    await rtp.start();
    const uas = await SippUas.start('answer.xml', { rtp_ip: '127.0.0.1', rtp_port: rtp.port, pt: 0, codec: 'PCMU' });
    sipps.push(uas);
    await platform.start({
      VERIGATE_WEBHOOK_RETRY_SCHEDULE: '200ms,400ms',
      VERIGATE_ORPHAN_SWEEP_S: '0',
      ...(await sipEnv(uas.port)),
    });
    app = await platform.createApp();
  });

  afterAll(async () => {
    for (const s of sipps) s.stop();
    await rtp.stop();
    await platform.stop();
  });

  const statusBodies = (sessionId: string) =>
    platform.receiver
      .on('/status')
      .map((r) => r.body)
      .filter((b) => b.statusInfo?.sessionId === sessionId);
  const feeFor = (sessionId: string) =>
    platform.receiver
      .on('/fee')
      .map((r) => r.body)
      .filter((b) => b.feeLst?.[0]?.sessionId === sessionId);

  it('answered: callout, alerting, answer, disconnect 0; the callee got the prompt as μ-law RTP; CDR 200 in PostgreSQL and on feeUrl', async () => {
    const response = await platform.callVerify(
      app,
      platform.callBody(app, '+8613800000021', {
        statusUrl: platform.receiver.base64Url('/status'),
        feeUrl: platform.receiver.base64Url('/fee'),
        verifyCode: '2468',
        times: 1,
        languageType: 1,
      }),
    );
    expect(response.status).toBe(200);
    const sessionId: string = response.body.sessionId;

    const events = await expectEventually(
      () => {
        const bodies = statusBodies(sessionId);
        expect(bodies).toHaveLength(4);
        return bodies;
      },
      { timeoutMs: 30_000 },
    );
    expect(events.map((e) => e.eventType)).toEqual(['callout', 'alerting', 'answer', 'disconnect']);
    expect(events[3].statusInfo).toMatchObject({ stateCode: 0, caller: app.displayNbr, called: '+8613800000021' });
    expect((await sipps[0]!.exited).code).toBe(0);

    // 500 ms pre-tone + 300 ms + four English digits with 150 ms gaps + 600 ms, in 20 ms packets.
    expect(rtp.packets.length).toBeGreaterThan((500 + 300 + 4 * 250 + 3 * 150 + 600) / 20);
    expect(rtp.packets.length).toBeLessThan((500 + 300 + 4 * 600 + 3 * 150 + 600) / 20);
    expect(rtp.packets.every((p) => p.payloadType === 0)).toBe(true);

    const [fee] = await expectEventually(() => {
      const fees = feeFor(sessionId);
      expect(fees).toHaveLength(1);
      return fees;
    });
    expect(fee.feeLst[0]).toMatchObject({
      sipStatusCode: 200,
      callOutUnaswRsn: 0,
      ulFailReason: 0,
      callerNum: app.displayNbr,
      calleeNum: '+8613800000021',
    });
    expect(fee.feeLst[0].callOutAlertingTime).not.toBe('');
    expect(fee.feeLst[0].callOutAnswerTime).not.toBe('');
    const cdrs = await platform.infra.query<{ state_code: number; fee_info: { sipStatusCode: number } }>(
      'SELECT state_code, fee_info FROM cdrs WHERE session_id = $1',
      [sessionId],
    );
    expect(cdrs).toHaveLength(1);
    expect(cdrs[0]).toMatchObject({ state_code: 0, fee_info: { sipStatusCode: 200 } });
    const stored = await platform.infra.query<{ event_type: string }>(
      'SELECT event_type FROM call_events WHERE session_id = $1 ORDER BY seq',
      [sessionId],
    );
    expect(stored.map((e) => e.event_type)).toEqual(['callout', 'alerting', 'answer', 'disconnect']);
  });

  it('busy: callout, disconnect 8102; CDR sipStatusCode 486, Q.850 17', async () => {
    const uas = await SippUas.start('busy.xml');
    sipps.push(uas);
    await platform.voice?.close();
    await platform.startVoice(await sipEnv(uas.port));
    const response = await platform.callVerify(
      app,
      platform.callBody(app, '+8613800000022', {
        statusUrl: platform.receiver.base64Url('/status'),
        feeUrl: platform.receiver.base64Url('/fee'),
      }),
    );
    expect(response.status).toBe(200);
    const sessionId: string = response.body.sessionId;
    const events = await expectEventually(
      () => {
        const bodies = statusBodies(sessionId);
        expect(bodies.at(-1)?.eventType).toBe('disconnect');
        return bodies;
      },
      { timeoutMs: 30_000 },
    );
    expect(events.map((e) => e.eventType)).toEqual(['callout', 'disconnect']);
    expect(events[1].statusInfo).toMatchObject({ stateCode: 8102, stateDesc: 'The user is busy' });
    const [fee] = await expectEventually(() => {
      const fees = feeFor(sessionId);
      expect(fees).toHaveLength(1);
      return fees;
    });
    expect(fee.feeLst[0]).toMatchObject({
      sipStatusCode: 486,
      callOutUnaswRsn: 17,
      ulFailReason: 4,
      callOutAnswerTime: '',
    });
    expect((await uas.exited).code).toBe(0);
  });

  it('a worker stopped gracefully mid-prompt hangs up with BYE; disconnect 8000 and one CDR say so', async () => {
    const uas = await SippUas.start('answer.xml', { rtp_ip: '127.0.0.1', rtp_port: rtp.port, pt: 0, codec: 'PCMU' });
    sipps.push(uas);
    await platform.voice?.close();
    const voice = await platform.startVoice({ ...(await sipEnv(uas.port)), VERIGATE_SHUTDOWN_GRACE_S: '0' });
    const response = await platform.callVerify(
      app,
      platform.callBody(app, '+8613800000023', {
        statusUrl: platform.receiver.base64Url('/status'),
        feeUrl: platform.receiver.base64Url('/fee'),
        times: 0,
      }),
    );
    const sessionId: string = response.body.sessionId;
    await expectEventually(() => expect(statusBodies(sessionId).map((e) => e.eventType)).toContain('answer'), {
      timeoutMs: 30_000,
    });
    const before = rtp.packets.length;
    // Mid-prompt: some of this call's audio has arrived.
    await expectEventually(() => expect(rtp.packets.length).toBeGreaterThan(before + 10));
    await voice.close();
    platform.voice = undefined;
    expect((await uas.exited).code).toBe(0); // SIPp received our BYE and answered it
    const events = await expectEventually(() => {
      const bodies = statusBodies(sessionId);
      expect(bodies.at(-1)?.eventType).toBe('disconnect');
      return bodies;
    });
    expect(events.map((e) => e.eventType)).toEqual(['callout', 'alerting', 'answer', 'disconnect']);
    expect(events[3].statusInfo).toMatchObject({ stateCode: 8000 });
    const cdrs = await platform.infra.query('SELECT state_code FROM cdrs WHERE session_id = $1', [sessionId]);
    expect(cdrs).toEqual([{ state_code: 8000 }]);
    // The stream stopped with the call.
    const after = rtp.packets.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(rtp.packets.length).toBe(after);
    expect(after).toBeLessThan(before + 200); // far from the 300 s a `times: 0` call could last
  });
});
