import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectEventually } from '#libs/testing';
import { Platform, type TestApp } from './support/platform.js';

/** A voice worker stopped gracefully ends its live calls cleanly: events and CDR say so. */
describe('voice worker graceful stop', () => {
  const platform = new Platform();
  let app: TestApp;

  beforeAll(async () => {
    // Prompts last a minute and shutdown grace is zero: stopping the worker must end the call.
    await platform.start({ VERIGATE_SIM_PROMPT_MS: '60000', VERIGATE_SHUTDOWN_GRACE_S: '0' });
    app = await platform.createApp();
  });

  afterAll(async () => {
    await platform.stop();
  });

  it('ends a call in progress with a disconnect event, stateCode 8000 and one CDR, and leaves the port pool', async () => {
    const response = await platform.callVerify(
      app,
      platform.callBody(app, '+8613800000555', {
        statusUrl: platform.receiver.base64Url('/s'),
        feeUrl: platform.receiver.base64Url('/f'),
      }),
    );
    const sessionId: string = response.body.sessionId;
    await expectEventually(() => expect(platform.receiver.on('/s').map((r) => r.body.eventType)).toContain('answer'));
    const [worker] = await platform.infra.query<{ n: string }>('SELECT count(*) AS n FROM voice_workers');
    expect(Number(worker!.n)).toBe(1);

    await platform.voice!.close();
    platform.voice = undefined;

    const events = await expectEventually(() => {
      const bodies = platform.receiver.on('/s').map((r) => r.body);
      expect(bodies.map((b) => b.eventType)).toEqual(['callout', 'alerting', 'answer', 'disconnect']);
      return bodies;
    });
    expect(events[3].statusInfo).toMatchObject({ sessionId, stateCode: 8000 });
    await expectEventually(() => expect(platform.receiver.on('/f')).toHaveLength(1));
    const cdrs = await platform.infra.query('SELECT 1 FROM cdrs WHERE session_id = $1', [sessionId]);
    expect(cdrs).toHaveLength(1);
    expect(await platform.infra.query('SELECT 1 FROM voice_workers')).toHaveLength(0);
  });
});
