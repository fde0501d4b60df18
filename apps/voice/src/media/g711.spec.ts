import { describe, expect, it } from '@jest/globals';
import { alawToLinear, decodeG711, encodeG711, linearToAlaw, linearToUlaw, ulawToLinear } from './g711.js';

// Reference values computed with Sun Microsystems' public-domain g711.c (the ITU-T G.711 algorithm).
const ENCODE: [number, number, number][] = [
  // linear, μ-law, A-law
  [0, 255, 213],
  [1, 255, 213],
  [-1, 126, 85],
  [8, 254, 213],
  [-8, 126, 85],
  [100, 242, 211],
  [-100, 114, 83],
  [1000, 206, 250],
  [-1000, 78, 122],
  [4000, 175, 154],
  [-4000, 47, 26],
  [12345, 151, 189],
  [-12345, 23, 61],
  [32767, 128, 170],
  [-32768, 0, 42],
  [32000, 128, 170],
  [-32000, 0, 42],
];
const DECODE: [number, number, number][] = [
  // byte, μ-law → linear, A-law → linear
  [0, -32124, -5504],
  [37, -6652, -16896],
  [74, -1244, -504],
  [111, -132, -1696],
  [148, 13948, 2240],
  [185, 2748, 14592],
  [222, 428, 184],
];

describe('G.711', () => {
  it.each(ENCODE)('encodes %i as μ-law %i and A-law %i', (linear, ulaw, alaw) => {
    expect(linearToUlaw(linear)).toBe(ulaw);
    expect(linearToAlaw(linear)).toBe(alaw);
  });

  it.each(DECODE)('decodes byte %i as μ-law %i and A-law %i', (byte, ulaw, alaw) => {
    expect(ulawToLinear(byte)).toBe(ulaw);
    expect(alawToLinear(byte)).toBe(alaw);
  });

  it('round-trips within the quantisation step of each segment', () => {
    for (let x = -32768; x <= 32767; x += 7) {
      const step = Math.max(16, Math.abs(x) / 16); // 4 mantissa bits: error below 1/16 of the magnitude (plus the smallest step)
      expect(Math.abs(ulawToLinear(linearToUlaw(x)) - x)).toBeLessThanOrEqual(step + 132);
      expect(Math.abs(alawToLinear(linearToAlaw(x)) - x)).toBeLessThanOrEqual(step);
    }
  });

  it('every byte decodes and re-encodes to itself (except the two zeros of μ-law)', () => {
    for (let b = 0; b < 256; b++) {
      expect(linearToAlaw(alawToLinear(b))).toBe(b);
      if (b !== 0x7f) expect(linearToUlaw(ulawToLinear(b))).toBe(b); // 0x7f is "-0", re-encoded as 0xff (+0)
    }
  });

  it('encodes and decodes whole buffers', () => {
    const pcm = Int16Array.from([0, 1000, -1000, 32767]);
    expect([...encodeG711(pcm, 'PCMU')]).toEqual([255, 206, 78, 128]);
    expect([...encodeG711(pcm, 'PCMA')]).toEqual([213, 250, 122, 170]); // 0xD5 silence, 0xAA full scale
    expect(decodeG711(encodeG711(pcm, 'PCMA'), 'PCMA')).toHaveLength(4);
  });
});
