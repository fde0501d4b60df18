import { encodeWav } from '#libs/media';

/** A valid mono 16-bit PCM WAV of a sine tone, for tone-upload tests and examples. */
export function sineWav(durationMs = 500, sampleRate = 8000, frequency = 440): Buffer {
  const samples = new Int16Array(Math.round((durationMs / 1000) * sampleRate));
  for (let i = 0; i < samples.length; i++)
    samples[i] = Math.round(Math.sin((2 * Math.PI * frequency * i) / sampleRate) * 8000);
  return encodeWav(samples, sampleRate);
}
