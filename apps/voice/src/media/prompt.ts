import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resample, resampleYielding } from './resample.js';
import { decodeWav } from './wav-decode.js';

/** Everything the media path handles is 8 kHz mono 16-bit linear PCM until it is G.711-encoded. */
export const SAMPLE_RATE = 8000;
export const SAMPLES_PER_MS = SAMPLE_RATE / 1000;

/** Silences between the parts of one play (ms). */
export const PROMPT_GAPS = { afterPreTone: 300, betweenDigits: 150, beforePosTone: 300, betweenPlays: 600 } as const;

export type PromptLanguage = 'en' | 'zh';

/** languageType of the API: 2 Chinese, 1 English (anything else falls back to Chinese, the seed's only value). */
export function promptLanguage(languageType: number): PromptLanguage {
  return languageType === 1 ? 'en' : 'zh';
}

export interface PromptParts {
  preTone: Int16Array;
  digits: readonly Int16Array[];
  posTone: Int16Array | null;
}

function silence(ms: number): Int16Array {
  return new Int16Array(Math.round(ms * SAMPLES_PER_MS));
}

/**
 * One play: pre-tone, pause, the digits with short pauses between them, pause, post-tone, and the
 * pause before the next play. Padded with silence to whole 20 ms packets so plays repeat on packet
 * boundaries.
 */
export function assemblePlay(parts: PromptParts): Int16Array {
  const pieces: Int16Array[] = [parts.preTone, silence(PROMPT_GAPS.afterPreTone)];
  parts.digits.forEach((digit, i) => {
    if (i > 0) pieces.push(silence(PROMPT_GAPS.betweenDigits));
    pieces.push(digit);
  });
  if (parts.posTone) pieces.push(silence(PROMPT_GAPS.beforePosTone), parts.posTone);
  pieces.push(silence(PROMPT_GAPS.betweenPlays));
  const length = pieces.reduce((n, p) => n + p.length, 0);
  const packet = 20 * SAMPLES_PER_MS;
  const out = new Int16Array(Math.ceil(length / packet) * packet);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/** How many plays a call gets: `times`, or for 0 as many as fit in the longest call. */
export function playCount(times: number, playMs: number, maxCallMs: number): number {
  if (times > 0) return times;
  return Math.max(1, Math.ceil(maxCallMs / Math.max(20, playMs)));
}

/** Duration (ms) of the audio sent for a call: `plays` × one play, cut at the longest call. */
export function promptDurationMs(play: Int16Array, times: number, maxCallMs: number): number {
  const playMs = play.length / SAMPLES_PER_MS;
  return Math.min(playCount(times, playMs, maxCallMs) * playMs, maxCallMs);
}

/** Any WAV (PCM / G.711, any rate) → 8 kHz mono PCM. */
export function toNarrowband(file: Uint8Array): Int16Array {
  const audio = decodeWav(file);
  return audio.sampleRate === SAMPLE_RATE ? audio.samples : resample(audio.samples, audio.sampleRate, SAMPLE_RATE);
}

/** toNarrowband for the worker's tone cache: the conversion yields to the event loop (live calls' RTP). */
export async function toNarrowbandYielding(file: Uint8Array): Promise<Int16Array> {
  const audio = decodeWav(file);
  return audio.sampleRate === SAMPLE_RATE
    ? audio.samples
    : resampleYielding(audio.samples, audio.sampleRate, SAMPLE_RATE);
}

/** Where the digit prompts are, from the sources (ts-jest, tsx) or from dist/. */
export function defaultPromptsDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [
    join(here, '../../assets/prompts'), // apps/voice/src/media → apps/voice/assets
    join(here, '../../../../../apps/voice/assets/prompts'), // dist/apps/voice/src/media → repo root
  ];
  return candidates.find((dir) => existsSync(join(dir, 'en', '0.wav'))) ?? candidates[0]!;
}

/** The spoken digits 0–9 of each language, loaded and converted once. */
export class DigitPrompts {
  private readonly loaded = new Map<PromptLanguage, Promise<Int16Array[]>>();

  constructor(private readonly dir: string = defaultPromptsDir()) {}

  private load(language: PromptLanguage): Promise<Int16Array[]> {
    let digits = this.loaded.get(language);
    if (!digits) {
      digits = Promise.all(
        Array.from({ length: 10 }, async (_, d) => toNarrowband(await readFile(join(this.dir, language, `${d}.wav`)))),
      );
      digits.catch(() => this.loaded.delete(language));
      this.loaded.set(language, digits);
    }
    return digits;
  }

  /** The prompts of each digit of `code`, in order. The code itself is never logged. */
  async forCode(code: string, language: PromptLanguage): Promise<Int16Array[]> {
    if (!/^\d+$/.test(code)) throw new Error('the verification code must be digits');
    const digits = await this.load(language);
    return [...code].map((c) => digits[Number(c)]!);
  }
}
