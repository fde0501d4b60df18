import { createCanvas, loadImage, type Image, type SKRSContext2D } from '@napi-rs/canvas';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Rng } from './random.js';

export const WIDTH = 310;
export const HEIGHT = 155;

/**
 * Background pictures: procedural by default (gradients, overlapping shapes, strokes — never the
 * same twice), or a random crop of one of the operator's images, scaled, flipped and tinted per
 * request. Noise is added by the caller after the gaps are drawn.
 */
export class Backgrounds {
  private images: Image[] = [];

  async loadFolder(dir: string): Promise<number> {
    if (!dir) return 0;
    const names = (await readdir(dir)).filter((n) => /\.(png|jpe?g|webp)$/i.test(n)).sort();
    const images: Image[] = [];
    for (const name of names) images.push(await loadImage(join(dir, name)));
    this.images = images.filter((i) => i.width >= 80 && i.height >= 40);
    return this.images.length;
  }

  get operatorImages(): number {
    return this.images.length;
  }

  /** Paints a background over the whole `width × height` of `ctx`. */
  paint(ctx: SKRSContext2D, rng: Rng, width = WIDTH, height = HEIGHT): void {
    if (this.images.length) paintOperatorImage(ctx, rng, rng.pick(this.images), width, height);
    else paintProcedural(ctx, rng, width, height);
    // Per-request tint.
    ctx.globalAlpha = rng.range(0.05, 0.2);
    ctx.fillStyle = `hsl(${rng.int(0, 359)}, 60%, 50%)`;
    ctx.fillRect(0, 0, width, height);
    ctx.globalAlpha = 1;
  }
}

function paintOperatorImage(ctx: SKRSContext2D, rng: Rng, image: Image, width: number, height: number): void {
  const scale = rng.range(1, 1.6) * Math.max(width / image.width, height / image.height);
  const sw = width / scale;
  const sh = height / scale;
  const sx = rng.range(0, Math.max(0, image.width - sw));
  const sy = rng.range(0, Math.max(0, image.height - sh));
  ctx.save();
  if (rng.next() < 0.5) {
    ctx.translate(width, 0);
    ctx.scale(-1, 1);
  }
  ctx.drawImage(image, sx, sy, sw, sh, 0, 0, width, height);
  ctx.restore();
}

function hsl(rng: Rng, hue: number, spread = 60): string {
  return `hsl(${Math.round((hue + rng.range(-spread, spread) + 360) % 360)}, ${rng.int(35, 85)}%, ${rng.int(30, 75)}%)`;
}

function paintProcedural(ctx: SKRSContext2D, rng: Rng, width: number, height: number): void {
  const hue = rng.int(0, 359);
  const gradient = ctx.createLinearGradient(rng.range(0, width), 0, rng.range(0, width), height);
  gradient.addColorStop(0, hsl(rng, hue));
  gradient.addColorStop(1, hsl(rng, hue + 120));
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, width, height);
  const shapes = rng.int(18, 32);
  for (let i = 0; i < shapes; i++) {
    ctx.globalAlpha = rng.range(0.25, 0.85);
    ctx.fillStyle = hsl(rng, hue + rng.pick([0, 90, 180, 270]));
    ctx.strokeStyle = hsl(rng, hue + 180);
    ctx.lineWidth = rng.range(1, 6);
    const x = rng.range(-20, width + 20);
    const y = rng.range(-20, height + 20);
    const size = rng.range(8, 70);
    ctx.beginPath();
    switch (rng.int(0, 3)) {
      case 0:
        ctx.arc(x, y, size / 2, 0, Math.PI * 2);
        ctx.fill();
        break;
      case 1: {
        const corners = rng.int(3, 7);
        for (let c = 0; c < corners; c++) {
          const angle = (c / corners) * Math.PI * 2 + rng.range(-0.4, 0.4);
          const r = size * rng.range(0.4, 1);
          if (c === 0) ctx.moveTo(x + r * Math.cos(angle), y + r * Math.sin(angle));
          else ctx.lineTo(x + r * Math.cos(angle), y + r * Math.sin(angle));
        }
        ctx.closePath();
        ctx.fill();
        break;
      }
      case 2:
        ctx.moveTo(x, y);
        ctx.bezierCurveTo(
          x + rng.range(-80, 80),
          y + rng.range(-60, 60),
          x + rng.range(-80, 80),
          y + rng.range(-60, 60),
          x + rng.range(-120, 120),
          y + rng.range(-60, 60),
        );
        ctx.stroke();
        break;
      default:
        ctx.fillRect(x, y, size * rng.range(0.3, 1.5), size * rng.range(0.3, 1.5));
    }
  }
  // A few bold strokes across the whole picture: large structure a person can follow through
  // a window's frame (the cue that tells the real gap from its decoys).
  ctx.globalAlpha = 1;
  const strokes = rng.int(3, 5);
  for (let i = 0; i < strokes; i++) {
    ctx.strokeStyle = hsl(rng, hue + 180, 90);
    ctx.lineWidth = rng.range(5, 10);
    ctx.lineCap = 'round';
    ctx.beginPath();
    const y0 = rng.range(0, height);
    ctx.moveTo(-10, y0);
    ctx.bezierCurveTo(
      width * 0.33,
      rng.range(-20, height + 20),
      width * 0.66,
      rng.range(-20, height + 20),
      width + 10,
      rng.range(0, height),
    );
    ctx.stroke();
  }
}

/** 4096 samples of a standard normal distribution (sum of uniforms), looked up by noise. */
const GAUSS = (() => {
  const table = new Float32Array(4096);
  for (let i = 0; i < table.length; i++)
    table[i] = (Math.random() + Math.random() + Math.random() + Math.random() - 2) * 1.732;
  return table;
})();

/**
 * Adds independent per-pixel noise (σ in 0–255 units; a common part and a smaller one per
 * channel) to a canvas region. A table of normal samples indexed by a xorshift generator seeded
 * from `rng`: ~1 ms for 310×155 instead of ~19 ms computing each sample.
 */
export function addNoise(
  ctx: SKRSContext2D,
  rng: Rng,
  sigma: number,
  width: number,
  height: number,
  alphaOnly = false,
): void {
  const image = ctx.getImageData(0, 0, width, height);
  const px = new Uint8ClampedArray(image.data.length);
  px.set(image.data);
  let state = (Math.floor(rng.next() * 0xffffffff) | 1) >>> 0;
  const chroma = sigma * 0.3;
  for (let i = 0; i < px.length; i += 4) {
    if (alphaOnly && px[i + 3] === 0) continue;
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const r1 = state >>> 0;
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const r2 = state >>> 0;
    const n = GAUSS[r1 & 4095]! * sigma;
    px[i] = px[i]! + n + GAUSS[(r1 >>> 12) & 4095]! * chroma;
    px[i + 1] = px[i + 1]! + n + GAUSS[r2 & 4095]! * chroma;
    px[i + 2] = px[i + 2]! + n + GAUSS[(r2 >>> 12) & 4095]! * chroma;
  }
  image.data.set(px);
  ctx.putImageData(image, 0, 0);
}

export function newCanvas(width: number, height: number) {
  return createCanvas(width, height);
}
