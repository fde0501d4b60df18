import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '#libs/runtime';
import { calleeBlocked } from '../policy/number-ranges.js';
import { callCounterClaims, counterArrays, internationalRefusal, requestCounterClaims } from './call-policy.js';

const controls = (env: Record<string, string> = {}) => loadConfig(env).controls;
const call = { displayNbr: '+8675528000088', calleeNbr: '+8613800000001' };

describe('call counter claims', () => {
  it('takes nothing when no limit is set', () => {
    expect(callCounterClaims('app-1', {}, controls(), call)).toEqual([]);
    expect(requestCounterClaims('app-1', {}, controls())).toEqual([]);
  });

  it('claims every configured cap once, in key order, with its window and refusal', () => {
    const claims = callCounterClaims(
      'app-1',
      { callsPerDay: 100, displayNumberCallsPerDay: 50, callerCallsPerMinute: 5, calleeCallsPerHour: 3 },
      controls({ VERIGATE_SP_CALLS_PER_DAY: '1000', VERIGATE_SERVICE_NUMBER_CALLS_PER_MIN: '20' }),
      call,
    );
    expect(claims.map((c) => [c.key, c.limit, c.windowSeconds, c.refusal])).toEqual([
      ['app:app-1:callee:+8613800000001', 3, 3600, 'CALLEE_FREQUENCY_LIMIT'],
      ['app:app-1:caller:+8675528000088', 5, 60, 'CALLER_FREQUENCY_LIMIT'],
      ['app:app-1:calls', 100, 86400, 'APP_CALL_LIMIT'],
      ['app:app-1:display:+8675528000088', 50, 86400, 'DISPLAY_NUMBER_CALL_LIMIT'],
      ['service-number:+8675528000088', 20, 60, 'SERVICE_NUMBER_FREQUENCY_LIMIT'],
      ['sp:calls', 1000, 86400, 'SP_CALL_LIMIT'],
    ]);
    expect(counterArrays(claims)[0]).toEqual(claims.map((c) => c.key));
  });

  it('a limit of 0 is a cap that refuses everything, not "no limit"', () => {
    expect(callCounterClaims('a', { callsPerDay: 0 }, controls(), call)).toHaveLength(1);
  });

  it('requests take the API quota and the platform flow limit', () => {
    expect(
      requestCounterClaims('a', { apiPerMinute: 10 }, controls({ VERIGATE_PLATFORM_REQUESTS_PER_S: '500' })).map(
        (c) => c.refusal,
      ),
    ).toEqual(['API_QUOTA_EXCEEDED', 'PLATFORM_FLOW_LIMIT']);
  });
});

describe('number rules', () => {
  it('blocked callee prefixes match with or without the +', () => {
    expect(calleeBlocked('+8690012345', ['+86900'])).toBe(true);
    expect(calleeBlocked('8690012345', ['+86900'])).toBe(true);
    expect(calleeBlocked('+8613800000001', ['86900'])).toBe(false);
    expect(calleeBlocked('+8690012345', [])).toBe(false);
  });

  it('international rules: off without home prefixes; call-out checked before call-in', () => {
    expect(internationalRefusal(null, [], { displayNbr: '+4420', calleeNbr: '+4420' })).toBeNull();
    expect(internationalRefusal(null, ['+86'], { displayNbr: '+8675528000088', calleeNbr: '+4420794600' })?.code).toBe(
      '1013112',
    );
    expect(
      internationalRefusal(null, ['+86'], { displayNbr: '+442079460000', calleeNbr: '+8613800000001' })?.code,
    ).toBe('1013111');
    expect(internationalRefusal(null, ['+86'], { displayNbr: '+442079460000', calleeNbr: '+4420794600' })?.code).toBe(
      '1013112',
    );
    const rules = { homePrefixes: ['+86'], allowCallout: true, allowCallin: false };
    expect(internationalRefusal(rules, [], { displayNbr: '+8675528000088', calleeNbr: '+4420794600' })).toBeNull();
    expect(internationalRefusal(rules, [], { displayNbr: '+4420794600', calleeNbr: '+8613800000001' })?.code).toBe(
      '1013111',
    );
  });
});
