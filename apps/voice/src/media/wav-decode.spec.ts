import { describe, expect, it } from '@jest/globals';
import { encodeWav } from '#libs/media';
import { decodeWav } from './wav-decode.js';

function wav(format: number, bits: number, channels: number, rate: number, data: Buffer): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(format, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE((rate * channels * bits) / 8, 28);
  header.writeUInt16LE((channels * bits) / 8, 32);
  header.writeUInt16LE(bits, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

describe('WAV decoding', () => {
  it('reads 16-bit PCM', () => {
    const out = decodeWav(encodeWav(Int16Array.from([0, 1000, -1000, 32767]), 16000));
    expect(out.sampleRate).toBe(16000);
    expect([...out.samples]).toEqual([0, 1000, -1000, 32767]);
  });

  it('reads 8-bit unsigned PCM, A-law and μ-law', () => {
    expect([...decodeWav(wav(1, 8, 1, 8000, Buffer.from([128, 255, 0]))).samples]).toEqual([0, 127 << 8, -128 << 8]);
    expect([...decodeWav(wav(6, 8, 1, 8000, Buffer.from([0xd5, 0x55]))).samples]).toEqual([8, -8]);
    expect([...decodeWav(wav(7, 8, 1, 8000, Buffer.from([0xff, 0x80]))).samples]).toEqual([0, 32124]);
  });

  it('mixes stereo down to mono', () => {
    const data = Buffer.alloc(8);
    data.writeInt16LE(1000, 0);
    data.writeInt16LE(3000, 2);
    data.writeInt16LE(-100, 4);
    data.writeInt16LE(-300, 6);
    expect([...decodeWav(wav(1, 16, 2, 8000, data)).samples]).toEqual([2000, -200]);
  });

  it('refuses what it cannot play', () => {
    expect(() => decodeWav(Buffer.from('not a wav file at all, really'))).toThrow(/RIFF/);
    expect(() => decodeWav(wav(3, 32, 1, 8000, Buffer.alloc(8)))).toThrow(/unsupported/);
  });
});
