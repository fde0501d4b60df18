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
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let offset = 12;
  let fmt: { format: number; channels: number; sampleRate: number; bits: number } | undefined;
  let data: Buffer | undefined;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (body + 16 > buf.length) throw new Error('truncated fmt chunk');
      fmt = { format: buf.readUInt16LE(body), channels: buf.readUInt16LE(body + 2), sampleRate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
      if (fmt.format === 0xfffe && size >= 40 && body + 26 <= buf.length) fmt.format = buf.readUInt16LE(body + 24);
    } else if (id === 'data') {
      data = buf.subarray(body, Math.min(buf.length, body + size));
      break;
    }
    offset = body + size + (size % 2);
  }
  if (!fmt) throw new Error('no fmt chunk');
  if (!data) throw new Error('no data chunk');
  if (fmt.channels < 1 || fmt.sampleRate < 1) throw new Error('invalid fmt chunk');
  const bytesPerSample = fmt.bits / 8;
  let read: (at: number) => number;
  if (fmt.format === 1 && fmt.bits === 16) read = (at) => data!.readInt16LE(at);
  else if (fmt.format === 1 && fmt.bits === 8) read = (at) => (data![at]! - 128) << 8;
  else if (fmt.format === 6 && fmt.bits === 8) read = (at) => alawToLinear(data![at]!);
  else if (fmt.format === 7 && fmt.bits === 8) read = (at) => ulawToLinear(data![at]!);
  else throw new Error(`unsupported WAV encoding (format ${fmt.format}, ${fmt.bits} bits)`);
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

/** A mono 16-bit PCM WAV file of the given samples (for tests and tools). */
export function encodeWav(samples: Int16Array, sampleRate: number): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) data.writeInt16LE(samples[i]!, i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
