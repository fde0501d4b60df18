import { describe, expect, it } from '@jest/globals';
import { resample, resampleYielding } from './resample.js';

function sine(rate: number, freq: number, seconds: number, amplitude = 10000): Int16Array {
  return Int16Array.from({ length: Math.round(rate * seconds) }, (_, i) =>
    Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / rate)),
  );
}

/** RMS of the middle half (away from the edges). */
function rms(x: Int16Array): number {
  const from = Math.floor(x.length / 4);
  const to = Math.floor((3 * x.length) / 4);
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i]! * x[i]!;
  return Math.sqrt(sum / (to - from));
}

function zeroCrossings(x: Int16Array): number {
  let n = 0;
  for (let i = 1; i < x.length; i++) if (x[i - 1]! < 0 !== x[i]! < 0) n++;
  return n;
}

describe('resample', () => {
  it.each([48000, 44100, 22050, 16000, 11025])(
    '%i Hz → 8 kHz keeps the length, pitch and level of a 1 kHz tone',
    (rate) => {
      const out = resample(sine(rate, 1000, 1), rate, 8000);
      expect(out.length).toBe(8000);
      expect(Math.abs(zeroCrossings(out) - 2000)).toBeLessThanOrEqual(4); // 1 kHz: 2000 crossings per second
      expect(rms(out)).toBeGreaterThan((10000 / Math.SQRT2) * 0.95);
      expect(rms(out)).toBeLessThan((10000 / Math.SQRT2) * 1.05);
    },
  );

  it('filters what 8 kHz cannot carry: a 6 kHz tone at 48 kHz does not alias into the band', () => {
    const out = resample(sine(48000, 6000, 1), 48000, 8000);
    expect(rms(out)).toBeLessThan((10000 / Math.SQRT2) * 0.02);
  });

  it('upsamples 8 kHz tone files of other rates too (e.g. a 6 kHz one)', () => {
    const out = resample(sine(6000, 500, 1), 6000, 8000);
    expect(out.length).toBe(8000);
    expect(Math.abs(zeroCrossings(out) - 1000)).toBeLessThanOrEqual(4);
  });

  it('keeps a constant (DC) level, including at the edges', () => {
    const out = resample(new Int16Array(4410).fill(1234), 44100, 8000);
    expect(out.every((v) => Math.abs(v - 1234) <= 2)).toBe(true);
  });

  it('copies when the rate does not change', () => {
    const input = Int16Array.from([1, 2, 3]);
    const out = resample(input, 8000, 8000);
    expect([...out]).toEqual([1, 2, 3]);
    expect(out).not.toBe(input);
  });

  it.each([48000, 44100, 22050, 16000, 11025, 6000, 44099])(
    'the polyphase tables give the same samples as the per-tap kernel would, and resampleYielding the same as resample (%i Hz)',
    async (rate) => {
      const input = Int16Array.from({ length: rate }, (_, i) =>
        Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate) + 3000 * Math.sin((2 * Math.PI * 3100 * i) / rate)),
      );
      const out = resample(input, rate, 8000);
      // Reference: the direct windowed sinc at a few output positions (edges and middle).
      const ratio = 8000 / rate;
      const cutoff = 0.5 * Math.min(1, ratio) * 0.92;
      const halfWidth = 16 / Math.min(1, ratio);
      for (const n of [0, 1, 7, 4000, out.length - 1]) {
        const center = n / ratio;
        let acc = 0;
        let weights = 0;
        for (
          let k = Math.max(0, Math.ceil(center - halfWidth));
          k <= Math.min(input.length - 1, Math.floor(center + halfWidth));
          k++
        ) {
          const x = k - center;
          const arg = 2 * cutoff * x;
          const h =
            2 *
            cutoff *
            (arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg)) *
            (0.42 + 0.5 * Math.cos((Math.PI * x) / halfWidth) + 0.08 * Math.cos((2 * Math.PI * x) / halfWidth));
          acc += input[k]! * h;
          weights += h;
        }
        expect(Math.abs(out[n]! - Math.round(acc / weights))).toBeLessThanOrEqual(1);
      }
      expect([...(await resampleYielding(input, rate, 8000))]).toEqual([...out]);
    },
  );

  it('resampleYielding lets the event loop run while it converts a long tone', async () => {
    const input = sine(48000, 1000, 10);
    let turns = 0;
    const tick = setInterval(() => {
      turns++;
    }, 0);
    try {
      const out = await resampleYielding(input, 48000, 8000);
      expect(out.length).toBe(80_000);
    } finally {
      clearInterval(tick);
    }
    expect(turns).toBeGreaterThan(3);
  });
});
