import { describe, expect, it } from '@jest/globals';
import { reasonQ850 } from './sip.carrier.js';

describe('Reason header (RFC 3326)', () => {
  it('reads the Q.850 cause', () => {
    expect(reasonQ850({ headers: { reason: 'Q.850;cause=17;text="User busy"' } })).toBe(17);
    expect(reasonQ850({ headers: { reason: 'SIP;cause=200, Q.850 ; cause = 16' } })).toBe(16);
  });

  it('ignores other protocols and absent headers', () => {
    expect(reasonQ850({ headers: { reason: 'SIP;cause=487;text="Request Terminated"' } })).toBeUndefined();
    expect(reasonQ850({ headers: {} })).toBeUndefined();
  });
});
