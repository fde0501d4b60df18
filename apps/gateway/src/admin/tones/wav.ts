import { readWavChunks, WavError } from '#libs/media';

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
/** Content-Types of a tone upload; any other route refuses them unread (http/fastify-setup.ts). */
export const TONE_MEDIA_TYPES = ['audio/wav', 'audio/x-wav', 'audio/wave', 'application/octet-stream'] as const;
/** The one route that reads a body larger than 64 KiB (TonesController.upload), after its guard. */
export const TONE_UPLOAD_ROUTE = '/admin/v1/apps/:appKey/tones';
const MIN_DURATION_MS = 100;
const MAX_DURATION_MS = 60_000;

export function parseWav(file: Buffer): { ok: true; format: WavFormat } | { ok: false; reason: string } {
  if (file.length < 44) return { ok: false, reason: 'the file is too short to be a WAV file' };
  let chunks: ReturnType<typeof readWavChunks>;
  try {
    chunks = readWavChunks(file);
  } catch (error) {
    if (error instanceof WavError) return { ok: false, reason: error.message };
    throw error;
  }
  const { fmt } = chunks;
  const dataBytes = chunks.data.length;
  const encoding =
    fmt.format === 1 && fmt.bitsPerSample === 16
      ? 'pcm16'
      : fmt.format === 1 && fmt.bitsPerSample === 8
        ? 'pcm8'
        : fmt.format === 6 && fmt.bitsPerSample === 8
          ? 'alaw'
          : fmt.format === 7 && fmt.bitsPerSample === 8
            ? 'mulaw'
            : null;
  if (!encoding)
    return {
      ok: false,
      reason: `unsupported encoding (format ${fmt.format}, ${fmt.bitsPerSample} bits): use 8/16-bit PCM, A-law or μ-law`,
    };
  if (fmt.channels !== 1) return { ok: false, reason: `the tone must be mono (got ${fmt.channels} channels)` };
  if (fmt.sampleRate < 8000 || fmt.sampleRate > 48000)
    return { ok: false, reason: `the sample rate must be 8000-48000 Hz (got ${fmt.sampleRate})` };
  const bytesPerSecond = fmt.sampleRate * (fmt.bitsPerSample / 8);
  const durationMs = Math.round((dataBytes / bytesPerSecond) * 1000);
  if (durationMs < MIN_DURATION_MS || durationMs > MAX_DURATION_MS) {
    return {
      ok: false,
      reason: `the tone must last ${MIN_DURATION_MS / 1000}-${MAX_DURATION_MS / 1000} s (got ${(durationMs / 1000).toFixed(2)} s)`,
    };
  }
  return { ok: true, format: { encoding, sampleRate: fmt.sampleRate, channels: fmt.channels, durationMs } };
}
