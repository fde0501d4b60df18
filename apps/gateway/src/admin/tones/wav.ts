/**
 * RIFF/WAVE header check for tone files: PCM (8/16-bit), A-law or μ-law, mono, 8-48 kHz,
 * between 100 ms and 60 s. Pure; returns the format or the reason the file is refused.
 */
export interface WavFormat {
  encoding: 'pcm8' | 'pcm16' | 'alaw' | 'mulaw';
  sampleRate: number;
  channels: number;
  durationMs: number;
}

export const MAX_TONE_BYTES = 10 * 1024 * 1024;
const MIN_DURATION_MS = 100;
const MAX_DURATION_MS = 60_000;

export function parseWav(file: Buffer): { ok: true; format: WavFormat } | { ok: false; reason: string } {
  if (file.length < 44) return { ok: false, reason: 'the file is too short to be a WAV file' };
  if (file.toString('ascii', 0, 4) !== 'RIFF' || file.toString('ascii', 8, 12) !== 'WAVE') return { ok: false, reason: 'not a RIFF/WAVE file' };
  let offset = 12;
  let fmt: { audioFormat: number; channels: number; sampleRate: number; bitsPerSample: number; blockAlign: number } | undefined;
  let dataBytes: number | undefined;
  while (offset + 8 <= file.length) {
    const id = file.toString('ascii', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > file.length) return { ok: false, reason: 'the fmt chunk is truncated' };
      fmt = {
        audioFormat: file.readUInt16LE(body),
        channels: file.readUInt16LE(body + 2),
        sampleRate: file.readUInt32LE(body + 4),
        blockAlign: file.readUInt16LE(body + 12),
        bitsPerSample: file.readUInt16LE(body + 14),
      };
      if (fmt.audioFormat === 0xfffe && size >= 40 && body + 26 <= file.length) fmt.audioFormat = file.readUInt16LE(body + 24); // WAVE_FORMAT_EXTENSIBLE
    } else if (id === 'data') {
      dataBytes = Math.min(size, file.length - body);
      break;
    }
    offset = body + size + (size % 2);
  }
  if (!fmt) return { ok: false, reason: 'no fmt chunk' };
  if (dataBytes === undefined) return { ok: false, reason: 'no data chunk' };
  const encoding =
    fmt.audioFormat === 1 && fmt.bitsPerSample === 16 ? 'pcm16'
    : fmt.audioFormat === 1 && fmt.bitsPerSample === 8 ? 'pcm8'
    : fmt.audioFormat === 6 && fmt.bitsPerSample === 8 ? 'alaw'
    : fmt.audioFormat === 7 && fmt.bitsPerSample === 8 ? 'mulaw'
    : null;
  if (!encoding) return { ok: false, reason: `unsupported encoding (format ${fmt.audioFormat}, ${fmt.bitsPerSample} bits): use 8/16-bit PCM, A-law or μ-law` };
  if (fmt.channels !== 1) return { ok: false, reason: `the tone must be mono (got ${fmt.channels} channels)` };
  if (fmt.sampleRate < 8000 || fmt.sampleRate > 48000) return { ok: false, reason: `the sample rate must be 8000-48000 Hz (got ${fmt.sampleRate})` };
  const bytesPerSecond = fmt.sampleRate * (fmt.bitsPerSample / 8);
  const durationMs = Math.round((dataBytes / bytesPerSecond) * 1000);
  if (durationMs < MIN_DURATION_MS || durationMs > MAX_DURATION_MS) {
    return { ok: false, reason: `the tone must last ${MIN_DURATION_MS / 1000}-${MAX_DURATION_MS / 1000} s (got ${(durationMs / 1000).toFixed(2)} s)` };
  }
  return { ok: true, format: { encoding, sampleRate: fmt.sampleRate, channels: fmt.channels, durationMs } };
}
