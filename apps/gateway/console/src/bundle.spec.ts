import { describe, expect, it } from '@jest/globals';
import { buildSync } from 'esbuild';
import { readFileSync } from 'node:fs';

/** The gateway serves the committed bundle: it must be what `npm run build:console` makes of the sources. */
describe('console bundle', () => {
  it('apps/gateway/public/console/console.{js,css} are up to date with apps/gateway/console/src', () => {
    const built = buildSync({
      entryPoints: ['apps/gateway/console/src/main.tsx'],
      bundle: true,
      format: 'esm',
      target: 'es2020',
      minify: true,
      legalComments: 'eof',
      define: { 'process.env.NODE_ENV': '"production"' },
      entryNames: 'console',
      outdir: 'apps/gateway/public/console',
      write: false,
    });
    const stale: string[] = [];
    for (const output of built.outputFiles) {
      const name = output.path.split('/').pop()!;
      if (readFileSync(`apps/gateway/public/console/${name}`, 'utf8') !== output.text) stale.push(name);
    }
    expect(built.outputFiles.map((o) => o.path.split('/').pop()).sort()).toEqual(['console.css', 'console.js']);
    expect(stale.length === 0 ? 'up to date' : `stale ${stale.join(', ')}: run npm run build:console`).toBe(
      'up to date',
    );
  }, 30_000);
});
