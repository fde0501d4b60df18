import { describe, expect, it } from '@jest/globals';
import { evenPortCount } from './sip-config.js';

// Moved from libs/media/src/rtp-header.spec.ts with the rule (libs/runtime imports no other lib).
describe('RTP port range', () => {
  it('counts the even ports of a range (what RTP sessions may bind)', () => {
    expect(evenPortCount(10000, 10000)).toBe(1);
    expect(evenPortCount(10001, 10001)).toBe(0);
    expect(evenPortCount(10001, 10004)).toBe(2);
    expect(evenPortCount(10000, 10009)).toBe(5);
    expect(evenPortCount(20000, 10000)).toBe(0);
  });
});
