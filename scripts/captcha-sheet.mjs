#!/usr/bin/env node
// npm run captcha:sheet — draws 12 random blockPuzzles as a person first sees them in the widget
// (the background with its gaps, the piece at the left end of its row) into docs/captcha-sheet.png:
// 6 on procedural backgrounds, 6 on operator pictures (a dark, a bright and a busy one, made here).
// Run after `npm run build`. Look at it after changing the drawing: the gap must show at a glance.
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const images = (name) => import(pathToFileURL(join(root, 'dist/apps/captcha/src/images', name)).href);
const { Backgrounds } = await images('background.js');
const { drawBlockPuzzle } = await images('block-puzzle.js');
const decoys = Number(process.env.VERIGATE_CAPTCHA_DECOYS ?? 1);
const out = process.argv[2] ?? join(root, 'docs/captcha-sheet.png');

/** Operator pictures: one nearly black, one nearly white, one busy with many small colours. */
function operatorPictures(dir) {
  const draw = (name, paint) => {
    const canvas = createCanvas(800, 400);
    paint(canvas.getContext('2d'));
    writeFileSync(join(dir, name), canvas.toBuffer('image/png'));
  };
  draw('dark.png', (ctx) => {
    const g = ctx.createLinearGradient(0, 0, 800, 400);
    g.addColorStop(0, '#050608');
    g.addColorStop(1, '#1c2230');
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, 800, 400);
    for (let i = 0; i < 60; i++) {
      ctx.fillStyle = `rgba(255,240,200,${(i % 7) / 20})`;
      ctx.beginPath();
      ctx.arc((i * 131) % 800, (i * 71) % 400, 1 + (i % 3), 0, Math.PI * 2);
      ctx.fill();
    }
  });
  draw('bright.png', (ctx) => {
    const g = ctx.createLinearGradient(0, 0, 0, 400);
    g.addColorStop(0, '#ffffff');
    g.addColorStop(1, '#e8eef2');
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, 800, 400);
    ctx.strokeStyle = '#cfd8dc';
    for (let x = 0; x < 800; x += 40) {
      ctx.beginPath();
      ctx.moveTo(x, 0);
      ctx.lineTo(x + 200, 400);
      ctx.stroke();
    }
  });
  draw('busy.png', (ctx) => {
    for (let i = 0; i < 1500; i++) {
      ctx.fillStyle = `hsl(${(i * 47) % 360}, 70%, ${25 + ((i * 13) % 50)}%)`;
      ctx.fillRect((i * 97) % 800, (i * 61) % 400, 6 + (i % 23), 6 + (i % 17));
    }
  });
}

const procedural = new Backgrounds();
const dir = mkdtempSync(join(tmpdir(), 'verigate-sheet-'));
const operator = new Backgrounds();
try {
  operatorPictures(dir);
  await operator.loadFolder(dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const cols = 3,
  rows = 4,
  pad = 8,
  w = 310,
  h = 155;
const sheet = createCanvas(cols * (w + pad) + pad, rows * (h + pad) + pad);
const ctx = sheet.getContext('2d');
ctx.fillStyle = '#f4f4f4';
ctx.fillRect(0, 0, sheet.width, sheet.height);
for (let i = 0; i < cols * rows; i++) {
  const captcha = await drawBlockPuzzle(i < 6 ? procedural : operator, decoys);
  const x = pad + (i % cols) * (w + pad);
  const y = pad + Math.floor(i / cols) * (h + pad);
  ctx.drawImage(await loadImage(captcha.background), x, y);
  ctx.drawImage(await loadImage(captcha.piece), x, y);
}
writeFileSync(out, sheet.toBuffer('image/png'));
console.log(`wrote ${out} (${cols * rows} blockPuzzles, ${decoys} decoys each where they fit)`);
