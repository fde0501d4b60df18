import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RenderThreads } from './render-threads.js';

// The thread runs the built JavaScript (`npm test` and `npm run build` produce it).
const script = join(process.cwd(), 'dist/apps/captcha/src/images/render-thread.js');

describe('render threads', () => {
  (existsSync(script) ? it : it.skip)('render captchas of every kind off the event loop, answers included', async () => {
    const failures: Error[] = [];
    const threads = new RenderThreads(2, { backgroundsDir: '', decoys: 1 }, (e) => failures.push(e), pathToFileURL(script));
    try {
      const rendered = await Promise.all([threads.render('blockPuzzle'), threads.render('blockPuzzle'), threads.render('clickWord:zh'), threads.render('clickWord:en')]);
      for (const r of rendered) expect(Buffer.from(r.originalImageBase64, 'base64').subarray(1, 4).toString()).toBe('PNG');
      expect(rendered[0]!.answer).toEqual({ x: expect.any(Number), y: expect.any(Number) });
      expect(rendered[0]!.originalImageBase64).not.toBe(rendered[1]!.originalImageBase64);
      expect(Buffer.from(rendered[0]!.jigsawImageBase64, 'base64').subarray(1, 4).toString()).toBe('PNG');
      expect(rendered[2]!.wordList.length).toBeGreaterThanOrEqual(3);
      expect(rendered[3]!.answer).toHaveLength(rendered[3]!.wordList.length);
      expect(failures).toEqual([]);
    } finally {
      await threads.close();
    }
    await expect(threads.render('blockPuzzle')).rejects.toThrow(/closed/);
  });
});
