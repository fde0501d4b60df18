import type { Backgrounds } from './background.js';
import { drawBlockPuzzle } from './block-puzzle.js';
import { drawClickWord } from './click-word.js';

export type CaptchaKind = 'blockPuzzle' | 'clickWord:zh' | 'clickWord:en';
export const CAPTCHA_KINDS: CaptchaKind[] = ['blockPuzzle', 'clickWord:zh', 'clickWord:en'];

/** A rendered captcha: the images for the body, and the answer (kept in the worker process until stored). */
export interface RenderedCaptcha {
  originalImageBase64: string;
  jigsawImageBase64: string;
  wordList: string[];
  answer: unknown;
  /** Seconds spent drawing and encoding (for the metric). */
  seconds: number;
}

/** Draws and encodes one captcha of this kind (on whichever thread calls it). */
export async function renderCaptcha(
  backgrounds: Backgrounds,
  kind: CaptchaKind,
  decoys: number,
): Promise<RenderedCaptcha> {
  const started = process.hrtime.bigint();
  if (kind === 'blockPuzzle') {
    const drawn = await drawBlockPuzzle(backgrounds, decoys);
    return {
      originalImageBase64: drawn.background.toString('base64'),
      jigsawImageBase64: drawn.piece.toString('base64'),
      wordList: [],
      answer: drawn.answer,
      seconds: elapsed(started),
    };
  }
  const drawn = await drawClickWord(backgrounds, kind === 'clickWord:en' ? 'en' : 'zh');
  return {
    originalImageBase64: drawn.background.toString('base64'),
    jigsawImageBase64: '',
    wordList: drawn.words,
    answer: drawn.points,
    seconds: elapsed(started),
  };
}

const elapsed = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e9;
