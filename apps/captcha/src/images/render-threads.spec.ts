import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RenderThreads } from './render-threads.js';

// The thread runs the built JavaScript (`npm test` and `npm run build` produce it).
const script = join(process.cwd(), 'dist/apps/captcha/src/images/render-thread.js');

describe('render threads', () => {
  (existsSync(script) ? it : it.skip)(
    'render captchas of every kind off the event loop, answers included',
    async () => {
      const failures: Error[] = [];
      const threads = new RenderThreads(
        2,
        { backgroundsDir: '', decoys: 1 },
        (e) => failures.push(e),
        pathToFileURL(script),
      );
      try {
        const rendered = await Promise.all([
          threads.render('blockPuzzle'),
          threads.render('blockPuzzle'),
          threads.render('clickWord:zh'),
          threads.render('clickWord:en'),
        ]);
        for (const r of rendered)
          expect(Buffer.from(r.originalImageBase64, 'base64').subarray(1, 4).toString()).toBe('PNG');
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
    },
  );

  describe('a thread that dies before it is ready', () => {
    const dir = mkdtempSync(join(tmpdir(), 'render-threads-'));
    const thread = (name: string, body: string) => {
      const file = join(dir, name);
      writeFileSync(file, body);
      return pathToFileURL(file);
    };
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each([
      [
        'throws while loading',
        'await new Promise((r) => setTimeout(r, 200));\nthrow new Error("backgrounds unreadable");\n',
        /backgrounds unreadable/,
      ],
      ['ends without a word', 'await new Promise((r) => setTimeout(r, 200));\n', /before it was ready/],
    ])(
      '%s: waiting and later renders are refused (not left waiting), onExit is told once',
      async (name, body, reason) => {
        const failures: Error[] = [];
        const threads = new RenderThreads(
          2,
          { backgroundsDir: '', decoys: 1 },
          (e) => failures.push(e),
          thread(`${name.replace(/\W/g, '-')}.mjs`, body),
        );
        try {
          const waiting = [threads.render('blockPuzzle'), threads.render('clickWord:en')];
          for (const w of waiting) await expect(w).rejects.toThrow(reason);
          await expect(threads.render('blockPuzzle')).rejects.toThrow(reason);
          expect(failures).toHaveLength(1);
        } finally {
          await threads.close();
        }
      },
    );
  });
});
