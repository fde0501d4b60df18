import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { expectEventually } from '#libs/testing';
import { Platform, type TestApp } from './support/platform.js';

/**
 * Voice ports across two voice worker instances (2 + 3 ports): idlePort counts both, calls in
 * progress take ports, parallel requests get exactly as many ports as are free, and with none
 * free callVerify answers 500 1020154 until calls end.
 */
describe('voice ports across voice workers', () => {
  const platform = new Platform();
  const workers: INestApplicationContext[] = [];
  let app: TestApp;
  let seq = 0;
  const callee = () => `+86136${String(++seq).padStart(8, '0')}`;

  beforeAll(async () => {
    // Calls ring for 1.5 s, so they hold their ports long enough to be counted.
    await platform.start(
      { VERIGATE_SIM_RING_MS: '1500', VERIGATE_SIM_PROMPT_MS: '0' },
      { voice: false, notifier: false },
    );
    workers.push(await platform.startVoice({ VERIGATE_VOICE_PORTS: '2' }));
    workers.push(await platform.startVoice({ VERIGATE_VOICE_PORTS: '3' }));
    platform.voice = undefined; // closed here, not by platform.stop()
    app = await platform.createApp();
  });

  afterAll(async () => {
    for (const worker of workers) await worker.close();
    await platform.stop();
  });

  const liveCalls = async () =>
    Number(
      (await platform.infra.query<{ n: string }>(`SELECT count(*) AS n FROM call_sessions WHERE state <> 'ended'`))[0]!
        .n,
    );

  it('idlePort is the ports of both workers minus calls in progress', async () => {
    await expectEventually(
      async () => {
        const answer = await platform.callVerify(app, platform.callBody(app, callee(), { returnIdlePort: 'true' }));
        expect(answer.body.resultcode).toBe('0');
        // 5 ports, this call takes one; other calls of this loop have ended by now or are counted.
        expect(answer.body.idlePort).toBe(5 - (await liveCalls()));
      },
      { timeoutMs: 10_000 },
    );
    await expectEventually(async () => expect(await liveCalls()).toBe(0), { timeoutMs: 10_000 });
  });

  it('parallel requests get exactly the free ports; then 1020154 until calls end', async () => {
    const answers = await Promise.all(
      Array.from({ length: 9 }, () => platform.callVerify(app, platform.callBody(app, callee()))),
    );
    const codes = answers.map((a) => a.body.resultcode).sort();
    expect(codes.filter((c) => c === '0')).toHaveLength(5);
    expect(codes.filter((c) => c === '1020154')).toHaveLength(4);
    expect(answers.find((a) => a.body.resultcode === '1020154')).toMatchObject({
      status: 500,
      body: { resultdesc: 'Insufficient voice ports.' },
    });

    const refused = await platform.callVerify(app, platform.callBody(app, callee()));
    expect(refused).toMatchObject({ status: 500, body: { resultcode: '1020154' } });
    // The five calls ring, answer and end; their ports are free again.
    await expectEventually(async () => expect(await liveCalls()).toBe(0), { timeoutMs: 15_000 });
    await expectEventually(async () => {
      expect((await platform.callVerify(app, platform.callBody(app, callee()))).body.resultcode).toBe('0');
    });
  });
});
