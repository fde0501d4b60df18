import { readWavChunks } from '#libs/media';
import { alawToLinear, ulawToLinear } from './g711.js';

export interface DecodedAudio {
  sampleRate: number;
  /** Mono 16-bit linear PCM (multi-channel files are mixed down). */
  samples: Int16Array;
}

/**
 * Reads a RIFF/WAVE file: 8-bit unsigned / 16-bit signed PCM, A-law or μ-law, any rate, any number
 * of channels (averaged to mono). The gateway validated tone files on upload; this also accepts the
 * project's own prompts. Throws on anything else.
 */
export function decodeWav(file: Uint8Array): DecodedAudio {
  const { fmt, data } = readWavChunks(file);
  if (fmt.channels < 1 || fmt.sampleRate < 1) throw new Error('invalid fmt chunk');
  const bytesPerSample = fmt.bitsPerSample / 8;
  let read: (at: number) => number;
  if (fmt.format === 1 && fmt.bitsPerSample === 16) read = (at) => data.readInt16LE(at);
  else if (fmt.format === 1 && fmt.bitsPerSample === 8) read = (at) => (data[at]! - 128) << 8;
  else if (fmt.format === 6 && fmt.bitsPerSample === 8) read = (at) => alawToLinear(data[at]!);
  else if (fmt.format === 7 && fmt.bitsPerSample === 8) read = (at) => ulawToLinear(data[at]!);
  else throw new Error(`unsupported WAV encoding (format ${fmt.format}, ${fmt.bitsPerSample} bits)`);
  const frameBytes = bytesPerSample * fmt.channels;
  const frames = Math.floor(data.length / frameBytes);
  const samples = new Int16Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < fmt.channels; c++) sum += read(i * frameBytes + c * bytesPerSample);
    samples[i] = Math.round(sum / fmt.channels);
  }
  return { sampleRate: fmt.sampleRate, samples };
}
