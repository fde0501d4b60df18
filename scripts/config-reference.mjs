#!/usr/bin/env node
// Writes the README's configuration tables ("Configuration", "Captcha configuration") from the
// configuration section schemas (libs/runtime/src/config/*-section*.ts: each variable's default and
// meaning are in its `.meta()`), between the config-reference markers. Run `npm run build` first: it reads dist/.
//
//   node scripts/config-reference.mjs           rewrite the table
//   node scripts/config-reference.mjs --check   exit 1 if the README's table is stale
//
// libs/runtime/src/config/config-reference.spec.ts fails when the table is stale, too.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { withConfigReference } = await import(join(root, 'dist/libs/runtime/src/config/config-reference.js'));

const readmePath = join(root, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const next = withConfigReference(readme);
if (process.argv.includes('--check')) {
  if (next !== readme) {
    console.error('README.md: a configuration table is stale; run npm run build && node scripts/config-reference.mjs');
    process.exit(1);
  }
} else if (next !== readme) {
  writeFileSync(readmePath, next);
  console.log('README.md: configuration tables rewritten');
}
