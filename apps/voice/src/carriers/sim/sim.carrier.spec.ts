import { describe, expect, it } from '@jest/globals';
import type { CallRequest } from '../carrier.js';
import { SimCarrier } from './sim.carrier.js';

function request(callee: string, times = 2): CallRequest {
  return {
    sessionId: 's',
    appKey: 'app',
    caller: '+8675528000088',
    callee,
    languageType: 2,
    verifyCode: '1234',
    preTone: 'a.wav',
    posTone: null,
    times,
    maxCallMs: 60_000,
    ringTimeoutMs: 45_000,
  };
}

async function run(carrier: SimCarrier, callee: string, signal = new AbortController().signal) {
  const progress: string[] = [];
  const ending = await carrier.placeCall(
    request(callee),
    {
      onAlerting: async () => {
        progress.push('alerting');
      },
      onAnswer: async () => {
        progress.push('answer');
      },
    },
    signal,
  );
  return { progress, ending };
}

describe('sim carrier', () => {
  const carrier = new SimCarrier({ ringMs: 0, promptMs: 0 });

  it.each([
    ['+8613900000486', [], 486],
    ['+8613900000480', [], 480],
    ['+8613900000404', [], 404],
    ['+8613900000408', ['alerting'], 408],
    ['+8613900000603', ['alerting'], 603],
  ])('%s answers like a SIP network: progress %j, final %i', async (callee, progress, sipStatus) => {
    expect(await run(carrier, callee)).toEqual({ progress, ending: { kind: 'sip-final', sipStatus } });
  });

  it('rings, answers and plays the prompt for any other number', async () => {
    expect(await run(carrier, '+8613800000021')).toEqual({
      progress: ['alerting', 'answer'],
      ending: { kind: 'completed', by: 'platform' },
    });
  });

  it('gives up ringing after the ring timeout (CANCEL → ring-timeout)', async () => {
    const longRing = new SimCarrier({ ringMs: 5000, promptMs: 0 });
    const progress: string[] = [];
    const ending = await longRing.placeCall(
      { ...request('+8613800000021'), ringTimeoutMs: 10 },
      {
        onAlerting: async () => {
          progress.push('alerting');
        },
        onAnswer: async () => {
          progress.push('answer');
        },
      },
      new AbortController().signal,
    );
    expect({ progress, ending }).toEqual({ progress: ['alerting'], ending: { kind: 'ring-timeout' } });
  });

  it('ends the call when aborted while ringing', async () => {
    const slow = new SimCarrier({ ringMs: 10_000, promptMs: 0 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const result = await run(slow, '+8613800000021', controller.signal);
    expect(result.progress).toEqual(['alerting']);
    expect(result.ending.kind).toBe('internal');
  });
});
