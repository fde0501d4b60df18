import type { Canvas, SKRSContext2D } from '@napi-rs/canvas';
import { addNoise, Backgrounds, HEIGHT, newCanvas, WIDTH } from './background.js';
import { Rng, secretInt } from './random.js';

export interface BlockPuzzleImages {
  /** PNG: the background with the real gap and the decoys. */
  background: Buffer;
  /** PNG: a `pieceWidth × HEIGHT` transparent strip with the piece at its `y` (AJ-Captcha's layout). */
  piece: Buffer;
  /** The answer: left edge of the real gap (and its top, which the piece strip shows anyway). */
  answer: { x: number; y: number };
  /** Left edges of every gap, the real one included (for tests and the solver benchmark only). */
  gapXs: number[];
  pieceWidth: number;
}

/** A piece: a rounded square with tabs in and out, as an anti-aliased alpha mask. */
interface PieceMask {
  canvas: Canvas;
  width: number;
  height: number;
}

/** Margin of the window drawn around every gap (px each side); the outer FRAME px are its frame. */
export const MARGIN = 11;
export const FRAME = 6;

function pieceMask(rng: Rng): PieceMask {
  const side = rng.int(36, 42);
  const r = side * rng.range(0.17, 0.21);
  const reach = r * 1.4; // how far a tab sticks out
  type Tab = 'flat' | 'out' | 'in';
  const tab = (): Tab => rng.pick(['flat', 'out', 'in', 'out', 'in'] as const);
  const top = tab();
  const bottom = tab();
  let left = tab();
  let right = tab();
  // At most one horizontal tab sticks out (keeps pieces narrow enough for three gaps in a row).
  if (left === 'out' && right === 'out') rng.next() < 0.5 ? (left = 'in') : (right = 'in');
  const padL = left === 'out' ? reach : 1;
  const padR = right === 'out' ? reach : 1;
  const padT = top === 'out' ? reach : 1;
  const padB = bottom === 'out' ? reach : 1;
  const width = Math.ceil(side + padL + padR);
  const height = Math.ceil(side + padT + padB);
  const canvas = newCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#000';
  ctx.beginPath();
  ctx.roundRect(padL, padT, side, side, rng.range(0, side * 0.15));
  ctx.fill();
  const tabs: Array<[Tab, number, number, number, number]> = [
    // kind, centre on the edge (x, y), outward direction (dx, dy)
    [top, padL + side * rng.range(0.35, 0.65), padT, 0, -1],
    [bottom, padL + side * rng.range(0.35, 0.65), padT + side, 0, 1],
    [left, padL, padT + side * rng.range(0.35, 0.65), -1, 0],
    [right, padL + side, padT + side * rng.range(0.35, 0.65), 1, 0],
  ];
  for (const [kind, cx, cy, dx, dy] of tabs) {
    if (kind === 'flat') continue;
    const offset = kind === 'out' ? r * 0.4 : -r * 0.4;
    ctx.globalCompositeOperation = kind === 'out' ? 'source-over' : 'destination-out';
    ctx.beginPath();
    ctx.arc(cx + dx * offset, cy + dy * offset, r, 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.globalCompositeOperation = 'source-over';
  return { canvas, width, height };
}

/** `count` left edges in [min, max], pairwise at least `gap` apart (uniform by rejection). */
function spacedPositions(count: number, min: number, max: number, gap: number): number[] | null {
  for (let attempt = 0; attempt < 500; attempt++) {
    const xs: number[] = [];
    for (let i = 0; i < count; i++) xs.push(secretInt(min, max));
    xs.sort((a, b) => a - b);
    if (xs.every((x, i) => i === 0 || x - xs[i - 1]! >= gap)) return xs;
  }
  return null;
}

function masked(content: Canvas | null, fill: string | null, mask: PieceMask, sx = 0, sy = 0): Canvas {
  const out = newCanvas(mask.width, mask.height);
  const ctx = out.getContext('2d');
  if (content) ctx.drawImage(content, sx, sy, mask.width, mask.height, 0, 0, mask.width, mask.height);
  if (fill) {
    ctx.fillStyle = fill;
    ctx.fillRect(0, 0, mask.width, mask.height);
  }
  ctx.globalCompositeOperation = 'destination-in';
  ctx.drawImage(mask.canvas, 0, 0);
  return out;
}

/**
 * Draws a slider jigsaw. The design (docs/architecture.md, "Image captcha"):
 * - the piece shape, size, row (y) and column (x) are random; decoy gaps sit in the same row
 *   (the piece strip shows the row anyway), with exactly the same shape and shading;
 * - every gap sits in a framed "window" and every window shows the same picture: the real
 *   place's neighbourhood, tinted the same way. So the piece's pixels match the inside of every
 *   window equally, the frames hide where a copy meets the background, and gap shading, outline
 *   and noise are the same everywhere;
 * - what tells the real place is the picture *outside* the window: only there do the shapes and
 *   colour bands run on (through the tint) — the cue a person uses;
 * - independent noise on the background and on the piece after all drawing, so no pixel of the
 *   piece equals a pixel of the background; backgrounds are new for every captcha.
 */
export async function drawBlockPuzzle(backgrounds: Backgrounds, decoys: number): Promise<BlockPuzzleImages> {
  const rng = new Rng();
  const mask = pieceMask(rng);
  const patchW = mask.width + 2 * MARGIN;
  const patchH = mask.height + 2 * MARGIN;

  const canvas = newCanvas(WIDTH, HEIGHT);
  const ctx = canvas.getContext('2d');
  backgrounds.paint(ctx, rng);

  const y = secretInt(MARGIN, HEIGHT - mask.height - MARGIN);
  let count = decoys + 1;
  let xs: number[] | null = null;
  while (!xs) {
    xs = spacedPositions(count, 30, WIDTH - mask.width - MARGIN, patchW + 2);
    if (!xs) count--; // cannot happen with the sizes above; keeps the function total
  }
  const real = xs[secretInt(0, xs.length - 1)]!;

  // The window's picture: the real neighbourhood, tinted (the same for every window).
  const patch = newCanvas(patchW, patchH);
  const pctx = patch.getContext('2d');
  pctx.drawImage(canvas, real - MARGIN, y - MARGIN, patchW, patchH, 0, 0, patchW, patchH);
  pctx.globalAlpha = rng.range(0.2, 0.35);
  pctx.fillStyle = `hsl(${rng.int(0, 359)}, 70%, ${rng.int(35, 65)}%)`;
  pctx.fillRect(0, 0, patchW, patchH);
  pctx.globalAlpha = 1;
  pctx.strokeStyle = rng.next() < 0.5 ? 'rgba(255,255,255,0.9)' : 'rgba(20,20,20,0.85)';
  pctx.lineWidth = FRAME;
  pctx.strokeRect(FRAME / 2, FRAME / 2, patchW - FRAME, patchH - FRAME);

  // Gap style: darker or lighter, varied per captcha, the same for every gap of this captcha.
  const dark = rng.next() < 0.7;
  const shade = masked(null, dark ? `rgba(0,0,0,${rng.range(0.35, 0.6).toFixed(2)})` : `rgba(255,255,255,${rng.range(0.35, 0.55).toFixed(2)})`, mask);
  const cut = masked(patch, null, mask, MARGIN, MARGIN);
  for (const x of xs) {
    ctx.drawImage(patch, x - MARGIN, y - MARGIN);
    ctx.drawImage(shade, x, y);
  }
  const noise = rng.range(3, 8);
  addNoise(ctx, rng, noise, WIDTH, HEIGHT);

  // The piece: the window's inner part, cut by the mask, with its own noise and a soft shadow.
  addNoise(cut.getContext('2d') as SKRSContext2D, rng, noise, mask.width, mask.height, true);
  const strip = newCanvas(mask.width, HEIGHT);
  const sctx = strip.getContext('2d');
  sctx.shadowColor = 'rgba(0,0,0,0.55)';
  sctx.shadowBlur = 3;
  sctx.drawImage(cut, 0, y);

  // PNG encoding runs on libuv's thread pool (off the event loop, on another core).
  const [background, piece] = await Promise.all([canvas.encode('png'), strip.encode('png')]);
  return {
    background,
    piece,
    answer: { x: real, y },
    gapXs: xs,
    pieceWidth: mask.width,
  };
}
