import { Path2D, PathOp, type Canvas } from '@napi-rs/canvas';
import { Backgrounds, HEIGHT, newCanvas, WIDTH } from './background.js';
import { encodePng } from './png.js';
import { Rng, secretInt, secretShuffle } from './random.js';

/** A gap as drawn: its place and its shape (a binary mask, 1 = inside), for tests only. */
export interface DrawnGap {
  x: number;
  y: number;
  real: boolean;
  mask: BinaryMask;
}

export interface BinaryMask {
  width: number;
  height: number;
  /** Row-major, 1 inside the shape. */
  bits: Uint8Array;
}

export interface BlockPuzzleImages {
  /** PNG: the background with the real gap and the decoys. */
  background: Buffer;
  /** PNG: a `pieceWidth × HEIGHT` transparent strip with the piece at its `y` (AJ-Captcha's layout). */
  piece: Buffer;
  /** The answer: left edge of the real gap (and its top, which the piece strip shows anyway). */
  answer: { x: number; y: number };
  pieceWidth: number;
  /** The piece's shape, and every gap with its shape: for tests and the sheet only, never sent. */
  pieceMask: BinaryMask;
  gaps: DrawnGap[];
}

/** A piece outline in its box (the shape starts about 1 px from the box's top-left corner). */
interface Shape {
  path: Path2D;
  width: number;
  height: number;
  /** Top-left corner of the square body inside the box (shapes of one captcha align on it). */
  bodyX: number;
  bodyY: number;
  side: number;
  radius: number;
  tabs: Tabs;
}

type Tabs = [Tab, Tab, Tab, Tab];

type Tab = 'flat' | 'out' | 'in';

/** Tab radius as a share of the side. */
const TAB_RADIUS = 0.215;
/** Decoys must fit the piece at most this well (IoU at the best alignment); the test's bar is 0.7. */
export const DECOY_MAX_IOU = 0.6;
/** Room between the piece's start (x = 0 in the widget) and the first gap, and between gaps. */
const SPACING = 10;

/**
 * A jigsaw piece: a rounded square with big round tabs (out) and sockets (in), centred on its
 * sides (top, right, bottom, left) — big, so that other tabs (a turned piece is a piece with other
 * tabs) give a clearly different outline (see DECOY_MAX_IOU).
 */
function pieceShape(side: number, radius: number, tabs: Tabs): Shape {
  const reach = radius * 0.55; // the tab circle's centre beyond (out) or inside (in) the edge
  let path = new Path2D();
  path.roundRect(0, 0, side, side, side * 0.1);
  const centres: Array<[number, number, number, number]> = [
    [side / 2, 0, 0, -1],
    [side, side / 2, 1, 0],
    [side / 2, side, 0, 1],
    [0, side / 2, -1, 0],
  ];
  tabs.forEach((kind, i) => {
    if (kind === 'flat') return;
    const [cx, cy, dx, dy] = centres[i]!;
    const d = kind === 'out' ? reach : -reach;
    const circle = new Path2D();
    circle.arc(cx + dx * d, cy + dy * d, radius, 0, Math.PI * 2);
    path = path.op(circle, kind === 'out' ? PathOp.Union : PathOp.Difference);
  });
  // Move the box to start at about (1, 1): a pixel of room for anti-aliasing.
  // Whole pixels, so that bodies of one captcha line up exactly.
  const [left, top, right, bottom] = path.computeTightBounds();
  const bodyX = Math.ceil(1 - left);
  const bodyY = Math.ceil(1 - top);
  path = path.transform({ a: 1, b: 0, c: 0, d: 1, e: bodyX, f: bodyY });
  return {
    path,
    width: Math.ceil(right + bodyX) + 1,
    height: Math.ceil(bottom + bodyY) + 1,
    bodyX,
    bodyY,
    side,
    radius,
    tabs,
  };
}

/** Random tabs: at least one out (a visible knob) and at most one flat side. */
function randomTabs(rng: Rng): Tabs {
  for (;;) {
    const tabs = [0, 1, 2, 3].map(() => rng.pick(['out', 'in', 'out', 'in', 'flat'] as const)) as Tabs;
    if (tabs.includes('out') && tabs.filter((t) => t === 'flat').length <= 1) return tabs;
  }
}

export function rasterise(shape: Shape): BinaryMask {
  const canvas = newCanvas(shape.width, shape.height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#000';
  ctx.fill(shape.path);
  const alpha = ctx.getImageData(0, 0, shape.width, shape.height).data;
  const bits = new Uint8Array(shape.width * shape.height);
  for (let i = 0; i < bits.length; i++) bits[i] = alpha[i * 4 + 3]! >= 128 ? 1 : 0;
  return { width: shape.width, height: shape.height, bits };
}

/**
 * Intersection over union of mask `b` placed at (`dx` + shift, `dy`) over mask `a` at (0, 0), at
 * the best horizontal shift within ±`slack` px: how well the piece, sliding along its row, would
 * fit a gap.
 */
export function bestIoU(a: BinaryMask, b: BinaryMask, dx: number, dy: number, slack: number): number {
  let areaA = 0;
  let areaB = 0;
  for (const v of a.bits) areaA += v;
  for (const v of b.bits) areaB += v;
  let best = 0;
  for (let ox = dx - slack; ox <= dx + slack; ox++) {
    let inter = 0;
    for (let y = Math.max(0, -dy); y < b.height && y + dy < a.height; y++) {
      const rowA = (y + dy) * a.width;
      const rowB = y * b.width;
      for (let x = Math.max(0, -ox); x < b.width && x + ox < a.width; x++)
        inter += b.bits[rowB + x]! & a.bits[rowA + x + ox]!;
    }
    best = Math.max(best, inter / (areaA + areaB - inter));
  }
  return best;
}

/**
 * Shapes depend only on (side, tabs): 7 sides × ~60 tab sets. Their paths, masks and which pairs
 * are different enough to be decoys are computed once per process and then reused (bounded by
 * that count), so drawing spends no time on path operations or IoU.
 */
const shapes = new Map<string, { shape: Shape; mask: BinaryMask }>();
const decoyOk = new Map<string, boolean>();

function cachedShape(side: number, tabs: Tabs): { shape: Shape; mask: BinaryMask } {
  const key = `${side}:${tabs.join(',')}`;
  let entry = shapes.get(key);
  if (!entry) {
    const shape = pieceShape(side, side * TAB_RADIUS, tabs);
    shapes.set(key, (entry = { shape, mask: rasterise(shape) }));
  }
  return entry;
}

/** Up to `count` decoys: pieces of the same size with other tabs (a turned piece is one of them). */
function decoyShapes(rng: Rng, piece: Shape, count: number): Shape[] {
  const out: Shape[] = [];
  const pieceMask = cachedShape(piece.side, piece.tabs).mask;
  for (let attempt = 0; attempt < 24 && out.length < count; attempt++) {
    const tabs = randomTabs(rng);
    if (tabs.every((t, i) => t === piece.tabs[i]) || out.some((d) => tabs.every((t, i) => t === d.tabs[i]))) continue;
    const { shape, mask } = cachedShape(piece.side, tabs);
    const key = `${piece.side}:${piece.tabs.join(',')}/${tabs.join(',')}`;
    let ok = decoyOk.get(key);
    if (ok === undefined) {
      // Bodies aligned (as drawn in one row), the piece slid ±8 px: it must still fit poorly.
      ok = bestIoU(mask, pieceMask, shape.bodyX - piece.bodyX, shape.bodyY - piece.bodyY, 8) < DECOY_MAX_IOU;
      decoyOk.set(key, ok);
    }
    if (ok) out.push(shape);
  }
  return out;
}

/**
 * `count` left edges of boxes of the given widths in [min, max] (left edge to right edge),
 * at least `spacing` px apart, in random order and uniform over the arrangements; fewer when
 * they do not fit.
 */
function layOut(widths: number[], min: number, max: number, spacing: number): number[] {
  const total = widths.reduce((s, w) => s + w, 0) + spacing * (widths.length - 1);
  const slack = max - min - total;
  if (slack < 0) return layOut(widths.slice(0, -1), min, max, spacing);
  const cuts = widths.map(() => secretInt(0, slack)).sort((a, b) => a - b);
  const xs: number[] = [];
  let left = min;
  widths.forEach((w, i) => {
    xs.push(left + cuts[i]!);
    left += w + spacing;
  });
  return xs;
}

/**
 * Draws a slider jigsaw for people (docs/architecture.md, "blockPuzzle: a picture for people"):
 * - exactly one gap has the piece's outline; decoys (up to `decoys`) have clearly different
 *   outlines (pieces of the same size with other tabs — a turned piece is one of them; IoU with
 *   the piece < DECOY_MAX_IOU);
 * - every gap is shaded dark with a thin light line along its own outline, so it reads on dark,
 *   light and busy pictures alike; no frames around gaps, no noise;
 * - the piece is the picture under the real gap with a light inner outline and a dark halo;
 * - the row (y) and the columns (x) come from node:crypto, the rest from a per-captcha Rng.
 * The picture does not stop a solver (no picture a person reads at a glance can): proof of
 * work, behaviour and limits are what bots pay.
 */
export async function drawBlockPuzzle(backgrounds: Backgrounds, decoys: number): Promise<BlockPuzzleImages> {
  const rng = new Rng();
  const piece = cachedShape(rng.int(38, 44), randomTabs(rng)).shape;
  const decoyList = decoys > 0 ? decoyShapes(rng, piece, decoys) : [];

  const canvas = newCanvas(WIDTH, HEIGHT);
  const ctx = canvas.getContext('2d');
  backgrounds.paint(ctx, rng);

  // One row for every gap (the piece slides along its row); decoys beside the real gap.
  const shapes = [piece, ...decoyList];
  // Bodies in one line: y is the top of the square bodies.
  const above = Math.max(...shapes.map((s) => s.bodyY));
  const below = Math.max(...shapes.map((s) => s.height - s.bodyY));
  const y = secretInt(above + 2, HEIGHT - below - 2);
  const order = secretShuffle(shapes.map((_, i) => i));
  const xs = layOut(
    order.map((i) => shapes[i]!.width),
    piece.width + SPACING,
    WIDTH - 2,
    SPACING,
  );
  const placed = xs.map((x, k) => ({
    shape: shapes[order[k]!]!,
    real: order[k] === 0,
    x,
    y: y - shapes[order[k]!]!.bodyY,
  }));
  if (!placed.some((p) => p.real)) {
    // Not even the piece fitted beside the decoys: lay out the real gap alone.
    placed.length = 0;
    placed.push({
      shape: piece,
      real: true,
      x: secretInt(piece.width + SPACING, WIDTH - piece.width - 2),
      y: y - piece.bodyY,
    });
  }
  const real = placed.find((p) => p.real)!;

  // The piece: the picture under the real gap, before the gap is drawn.
  const strip = newCanvas(piece.width, HEIGHT);
  const sctx = strip.getContext('2d');
  const cut = newCanvas(piece.width, piece.height);
  const cctx = cut.getContext('2d');
  cctx.clip(piece.path);
  cctx.drawImage(canvas, real.x, real.y, piece.width, piece.height, 0, 0, piece.width, piece.height);
  cctx.strokeStyle = 'rgba(255,255,255,0.95)';
  cctx.lineWidth = 3; // clipped: 1.5 px inside the outline, none outside
  cctx.stroke(piece.path);
  // A dark halo outside the outline (reads on light pictures; the light line on dark ones).
  sctx.shadowColor = 'rgba(0,0,0,0.9)';
  sctx.shadowBlur = 5;
  sctx.drawImage(cut, 0, real.y);

  // The gaps: dark inside, a thin light line along the outline, a dark hairline outside it.
  const darkness = rng.range(0.5, 0.6).toFixed(2);
  for (const p of placed) {
    ctx.save();
    ctx.translate(p.x, p.y);
    ctx.fillStyle = `rgba(0,0,0,${darkness})`;
    ctx.fill(p.shape.path);
    ctx.strokeStyle = 'rgba(0,0,0,0.5)';
    ctx.lineWidth = 3.5;
    ctx.stroke(p.shape.path);
    ctx.strokeStyle = 'rgba(255,255,255,0.9)';
    ctx.lineWidth = 1.5;
    ctx.stroke(p.shape.path);
    ctx.restore();
  }

  const [background, pieceImage] = await Promise.all([
    encodePng(canvas as Canvas, false),
    encodePng(strip as Canvas, true),
  ]);
  return {
    background,
    piece: pieceImage,
    answer: { x: real.x, y: real.y },
    pieceWidth: piece.width,
    pieceMask: cachedShape(piece.side, piece.tabs).mask,
    gaps: placed.map((p) => ({ x: p.x, y: p.y, real: p.real, mask: cachedShape(p.shape.side, p.shape.tabs).mask })),
  };
}
