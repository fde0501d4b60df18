#!/usr/bin/env node
// npm run captcha:clickword-sheet — writes docs/captcha-clickword-sheet.png (after `npm run build`): 12 random clickWord captchas
// (9 Chinese, 3 English) as served, each with the characters to click written under it — to look
// at, as a person would, whenever the drawing changes. Optional argument: another output path.
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { Backgrounds, WIDTH, HEIGHT } = await import(
  pathToFileURL(join(root, 'dist/apps/captcha/src/images/background.js')).href
);
const { drawClickWord } = await import(pathToFileURL(join(root, 'dist/apps/captcha/src/images/click-word.js')).href);
const { CAPTCHA_FONT } = await import(pathToFileURL(join(root, 'dist/apps/captcha/src/images/fonts.js')).href);

const COLUMNS = 3,
  ROWS = 4,
  GAP = 10,
  LABEL = 26;
const sheet = createCanvas(COLUMNS * (WIDTH + GAP) + GAP, ROWS * (HEIGHT + LABEL + GAP) + GAP);
const ctx = sheet.getContext('2d');
ctx.fillStyle = '#ffffff';
ctx.fillRect(0, 0, sheet.width, sheet.height);
const backgrounds = new Backgrounds();
for (let i = 0; i < COLUMNS * ROWS; i++) {
  const drawn = await drawClickWord(backgrounds, i % 4 === 3 ? 'en' : 'zh');
  const x = GAP + (i % COLUMNS) * (WIDTH + GAP);
  const y = GAP + Math.floor(i / COLUMNS) * (HEIGHT + LABEL + GAP);
  ctx.drawImage(await loadImage(drawn.background), x, y);
  ctx.fillStyle = '#222222';
  ctx.font = `18px ${CAPTCHA_FONT}`;
  ctx.textBaseline = 'top';
  ctx.fillText(`${i + 1}. 请依次点击 / click: ${drawn.words.join(' ')}`, x, y + HEIGHT + 4);
}
const out = process.argv[2] ?? join(root, 'docs/captcha-clickword-sheet.png');
writeFileSync(out, await sheet.encode('png'));
console.log(`wrote ${out}`);
