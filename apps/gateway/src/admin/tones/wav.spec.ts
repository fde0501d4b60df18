import { describe, expect, it } from '@jest/globals';
import { sineWav } from '#libs/testing';
import { parseWav } from './wav.js';

describe('tone file validation', () => {
  it('accepts mono 16-bit PCM and reports its format', () => {
    expect(parseWav(sineWav(1500, 8000))).toEqual({
      ok: true,
      format: { encoding: 'pcm16', sampleRate: 8000, channels: 1, durationMs: 1500 },
    });
  });

  it('accepts G.711 A-law and μ-law', () => {
    for (const [format, encoding] of [
      [6, 'alaw'],
      [7, 'mulaw'],
    ] as const) {
      const wav = sineWav(1000, 8000);
      const pcmBytes = wav.length - 44;
      const g711 = Buffer.concat([wav.subarray(0, 44), Buffer.alloc(pcmBytes / 2, 0xd5)]);
      g711.writeUInt16LE(format, 20);
      g711.writeUInt32LE(8000, 28);
      g711.writeUInt16LE(1, 32);
      g711.writeUInt16LE(8, 34);
      g711.writeUInt32LE(pcmBytes / 2, 40);
      expect(parseWav(g711)).toMatchObject({ ok: true, format: { encoding, durationMs: 1000 } });
    }
  });

  it.each([
    ['not RIFF', () => Buffer.alloc(100), 'not a RIFF/WAVE'],
    [
      'stereo',
      () => {
        const w = sineWav();
        w.writeUInt16LE(2, 22);
        return w;
      },
      'mono',
    ],
    ['too short', () => sineWav(50), 'must last'],
    ['too long', () => sineWav(61_000, 8000), 'must last'],
    [
      'float samples',
      () => {
        const w = sineWav();
        w.writeUInt16LE(3, 20);
        return w;
      },
      'unsupported encoding',
    ],
    [
      '4 kHz',
      () => {
        const w = sineWav(1000, 4000);
        return w;
      },
      'sample rate',
    ],
    ['truncated', () => sineWav().subarray(0, 30), 'too short'],
  ])('refuses %s', (_name, make, reason) => {
    const result = parseWav(make());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});
