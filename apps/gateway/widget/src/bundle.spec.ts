import { describe, expect, it } from '@jest/globals';
import { buildSync } from 'esbuild';
import { readFileSync } from 'node:fs';

/** The gateway serves the committed bundle: it must be what `npm run build:widget` makes of the sources. */
describe('widget bundle', () => {
  it('apps/gateway/public/captcha-widget.js is up to date with apps/gateway/widget/src', () => {
    const built = buildSync({
      entryPoints: ['apps/gateway/widget/src/index.ts'],
      bundle: true,
      format: 'iife',
      target: 'es2019',
      legalComments: 'none',
      write: false,
      outfile: 'apps/gateway/public/captcha-widget.js',
    });
    const committed = readFileSync('apps/gateway/public/captcha-widget.js', 'utf8');
    expect(committed === built.outputFiles[0]!.text ? 'up to date' : 'stale: run npm run build:widget').toBe(
      'up to date',
    );
  });
});
