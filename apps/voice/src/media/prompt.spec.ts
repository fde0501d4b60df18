import { describe, expect, it } from '@jest/globals';
import {
  assemblePlay,
  DigitPrompts,
  playCount,
  PROMPT_GAPS,
  promptDurationMs,
  promptLanguage,
  SAMPLES_PER_MS,
  toNarrowband,
} from './prompt.js';
import { encodeWav } from '#libs/media';

const tone = (ms: number, value = 1000) => new Int16Array(ms * SAMPLES_PER_MS).fill(value);
const ms = (samples: number) => samples / SAMPLES_PER_MS;

describe('prompt assembly', () => {
  const prompts = new DigitPrompts();

  it('maps languageType 2 to Chinese and 1 to English', () => {
    expect(promptLanguage(2)).toBe('zh');
    expect(promptLanguage(1)).toBe('en');
  });

  it.each([
    ['zh', 2],
    ['en', 1],
  ] as const)(
    '12345678 in %s: pre-tone, eight digits, post-tone; duration checked; repeated `times` times',
    async (language, languageType) => {
      const digits = await prompts.forCode('12345678', promptLanguage(languageType));
      expect(digits).toHaveLength(8);
      // The project's prompts: short, non-silent, 8 kHz.
      for (const d of digits) {
        expect(ms(d.length)).toBeGreaterThan(150);
        expect(ms(d.length)).toBeLessThan(800);
        expect(Math.max(...d.map(Math.abs))).toBeGreaterThan(8000);
      }
      const digitsMs = digits.reduce((n, d) => n + ms(d.length), 0);
      const pre = tone(500);
      const pos = tone(250, -1000);
      const play = assemblePlay({ preTone: pre, digits, posTone: pos });
      const exact =
        500 +
        PROMPT_GAPS.afterPreTone +
        digitsMs +
        7 * PROMPT_GAPS.betweenDigits +
        PROMPT_GAPS.beforePosTone +
        250 +
        PROMPT_GAPS.betweenPlays;
      expect(ms(play.length)).toBeGreaterThanOrEqual(exact);
      expect(ms(play.length)).toBeLessThan(exact + 20); // padded to whole 20 ms packets
      expect(play.length % 160).toBe(0);
      // Order: the tone first, then the first digit after the pause, the post-tone last.
      expect([...play.subarray(0, pre.length)].every((v) => v === 1000)).toBe(true);
      const firstDigitAt = pre.length + PROMPT_GAPS.afterPreTone * SAMPLES_PER_MS;
      expect([...play.subarray(firstDigitAt, firstDigitAt + digits[0]!.length)]).toEqual([...digits[0]!]);
      const posAt =
        firstDigitAt + (digitsMs + 7 * PROMPT_GAPS.betweenDigits + PROMPT_GAPS.beforePosTone) * SAMPLES_PER_MS;
      expect([...play.subarray(posAt, posAt + pos.length)].every((v) => v === -1000)).toBe(true);
      // times 3 → three plays; times 0 → as many as the longest call holds, cut at it.
      expect(promptDurationMs(play, 3, 300_000)).toBe(3 * ms(play.length));
      expect(playCount(3, ms(play.length), 300_000)).toBe(3);
      expect(promptDurationMs(play, 0, 20_000)).toBe(20_000);
      expect(playCount(0, ms(play.length), 20_000)).toBe(Math.ceil(20_000 / ms(play.length)));
      expect(promptDurationMs(play, 9, 5_000)).toBe(5_000);
    },
  );

  it('Chinese and English digits differ, and each digit differs from the others', async () => {
    const zh = await prompts.forCode('0123456789', 'zh');
    const en = await prompts.forCode('0123456789', 'en');
    for (let d = 0; d < 10; d++) {
      expect(Buffer.from(zh[d]!.buffer).equals(Buffer.from(en[d]!.buffer))).toBe(false);
      for (let e = d + 1; e < 10; e++)
        expect(Buffer.from(zh[d]!.buffer).equals(Buffer.from(zh[e]!.buffer))).toBe(false);
    }
  });

  it('without a post-tone, the play ends after the digits and the pause between plays', async () => {
    const digits = await prompts.forCode('12', 'en');
    const play = assemblePlay({ preTone: tone(100), digits, posTone: null });
    const exact =
      100 +
      PROMPT_GAPS.afterPreTone +
      ms(digits[0]!.length + digits[1]!.length) +
      PROMPT_GAPS.betweenDigits +
      PROMPT_GAPS.betweenPlays;
    expect(ms(play.length)).toBeGreaterThanOrEqual(exact);
    expect(ms(play.length)).toBeLessThan(exact + 20);
  });

  it('refuses a code that is not digits', async () => {
    await expect(prompts.forCode('12a4', 'en')).rejects.toThrow(/digits/);
  });

  it('converts any supported tone file to 8 kHz once (16 kHz PCM here)', () => {
    const wav = encodeWav(tone(250 * 2, 500).subarray(0, 16000 * 0.25), 16000);
    expect(ms(toNarrowband(wav).length)).toBe(250);
  });
});
