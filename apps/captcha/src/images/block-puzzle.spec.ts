import { describe, expect, it } from '@jest/globals';
import { loadImage } from '@napi-rs/canvas';
import { Backgrounds, HEIGHT, newCanvas, WIDTH } from './background.js';
import { bestIoU, drawBlockPuzzle, type BinaryMask } from './block-puzzle.js';
import { encodePng } from './png.js';

/** The piece as a client gets it: the strip PNG's opaque pixels. */
async function wirePieceMask(png: Buffer): Promise<BinaryMask> {
  const image = await loadImage(png);
  const canvas = newCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const data = ctx.getImageData(0, 0, image.width, image.height).data;
  const bits = new Uint8Array(image.width * image.height);
  for (let i = 0; i < bits.length; i++) bits[i] = data[i * 4 + 3]! >= 128 ? 1 : 0;
  return { width: image.width, height: image.height, bits };
}

describe('blockPuzzle for people: one gap fits the piece, decoys clearly do not', () => {
  it('over 200 renders the piece fits exactly one gap (IoU ≥ 0.9) and every decoy poorly (IoU < 0.7)', async () => {
    const backgrounds = new Backgrounds();
    const worstDecoy: number[] = [];
    let decoys = 0;
    for (let i = 0; i < 200; i++) {
      const c = await drawBlockPuzzle(backgrounds, 2);
      const background = await loadImage(c.background);
      expect([background.width, background.height]).toEqual([WIDTH, HEIGHT]);
      const strip = await wirePieceMask(c.piece);
      expect([strip.width, strip.height]).toEqual([c.pieceWidth, HEIGHT]);
      // The piece slides along its row: its strip at every x against each gap where it lies.
      const fits = c.gaps.map((gap) => bestIoU(gap.mask, strip, -gap.x, -gap.y, WIDTH));
      const real = c.gaps.filter((g) => g.real);
      expect(real).toHaveLength(1);
      expect(real[0]).toMatchObject({ x: c.answer.x, y: c.answer.y });
      expect(fits.filter((f) => f >= 0.9)).toHaveLength(1);
      expect(fits[c.gaps.indexOf(real[0]!)]!).toBeGreaterThanOrEqual(0.9);
      for (const [k, gap] of c.gaps.entries()) {
        if (gap.real) continue;
        decoys++;
        worstDecoy.push(fits[k]!);
        expect(fits[k]!).toBeLessThan(0.7);
      }
    }
    // Decoys are drawn (when they fit beside the real gap), not silently dropped.
    expect(decoys).toBeGreaterThan(300);
    process.stdout.write(
      `blockPuzzle: ${decoys} decoys over 200 renders, best fit of any decoy ${Math.max(...worstDecoy).toFixed(2)}\n`,
    );
  });

  it('draws no decoy when none is configured, and never the same picture twice', async () => {
    const backgrounds = new Backgrounds();
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const c = await drawBlockPuzzle(backgrounds, 0);
      expect(c.gaps).toHaveLength(1);
      // The gap does not hide under the piece's start position (x = 0 in the widget).
      expect(c.answer.x).toBeGreaterThanOrEqual(c.pieceWidth);
      seen.add(c.background.toString('base64'));
    }
    expect(seen.size).toBe(20);
  });
});

describe('encodePng', () => {
  it.each([[false], [true]])('round-trips every pixel (alpha %s)', async (alpha) => {
    const canvas = newCanvas(37, 23);
    const ctx = canvas.getContext('2d');
    const image = ctx.createImageData(37, 23);
    for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 7919) % 256;
    // Opaque (the canvas keeps premultiplied colours, so translucent pixels would not round-trip exactly).
    for (let i = 3; i < image.data.length; i += 4) image.data[i] = 255;
    ctx.putImageData(image, 0, 0);
    const decoded = await loadImage(await encodePng(canvas, alpha));
    const back = newCanvas(37, 23);
    back.getContext('2d').drawImage(decoded, 0, 0);
    expect(Buffer.from(back.getContext('2d').getImageData(0, 0, 37, 23).data)).toEqual(
      Buffer.from(ctx.getImageData(0, 0, 37, 23).data),
    );
  });
});
