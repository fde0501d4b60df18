import { createCanvas, loadImage } from '@napi-rs/canvas';

/**
 * An attacker's blockPuzzle solver, built from what public bypass scripts do. It gets exactly
 * what a client gets (the two PNGs) and returns, per attack, the x it would submit.
 *
 * - edges:      Sobel edge map of the background, template-matched against the piece's outline
 *               (the OpenCV Canny + matchTemplate recipe);
 * - shading:    the place whose inside (under the piece's mask) differs most in brightness from
 *               the ring just around it (a darkened or lightened gap);
 * - blur:       the place where the background's high-frequency energy under the mask differs
 *               most from the piece's own (a blurred or flattened gap);
 * - seam:       the piece's border pixels against the background pixels just outside the mask
 *               at every x (a cut piece continues its surroundings): least squared difference;
 * - interior:   normalised cross-correlation of the piece with the background under the mask
 *               (a gap drawn as a dimmed copy of what was cut out);
 * - context:    beyond any frame around a candidate: do the colours just outside the candidate's
 *               window continue those just inside it (lowest variance of the outside−inside
 *               difference over the window's border);
 * - combined:   the seam attack's three best separated places (the gaps), then the context
 *               attack among them — what a determined attacker would do with the above;
 * - history:    diff against the backgrounds seen before: the place that differs most from the
 *               most similar earlier background (the change a gap makes to a reused picture).
 */
/** The old design's window margin around a gap (px), which the context attack assumes. */
const MARGIN = 11;
// Globals cached in module scope: global lookups are slow inside Jest's VM context.
const Mabs = Math.abs,
  Mhypot = Math.hypot,
  Mmin = Math.min,
  Mmax = Math.max,
  Msqrt = Math.sqrt,
  INF = Number.POSITIVE_INFINITY;

export type AttackName = 'edges' | 'shading' | 'blur' | 'seam' | 'interior' | 'context' | 'history' | 'combined';
export const ATTACKS: AttackName[] = ['edges', 'shading', 'blur', 'seam', 'interior', 'context', 'history', 'combined'];

interface Gray {
  w: number;
  h: number;
  rgb: Float32Array; // 3 per pixel
  lum: Float32Array;
  alpha: Float32Array;
}

async function decode(png: Buffer): Promise<Gray> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  // Copied into an array of this realm first (element access across Jest's VM realms is very slow).
  const raw = ctx.getImageData(0, 0, image.width, image.height).data;
  const data = new Uint8Array(raw.length);
  data.set(raw);
  const n = image.width * image.height;
  const rgb = new Float32Array(n * 3);
  const lum = new Float32Array(n);
  const alpha = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    rgb[i * 3] = data[i * 4]!;
    rgb[i * 3 + 1] = data[i * 4 + 1]!;
    rgb[i * 3 + 2] = data[i * 4 + 2]!;
    lum[i] = 0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!;
    alpha[i] = data[i * 4 + 3]!;
  }
  return { w: image.width, h: image.height, rgb, lum, alpha };
}

function sobel(img: Gray): Float32Array {
  const out = new Float32Array(img.w * img.h);
  for (let y = 1; y < img.h - 1; y++) {
    for (let x = 1; x < img.w - 1; x++) {
      const p = (dx: number, dy: number) => img.lum[(y + dy) * img.w + x + dx]!;
      const gx = p(1, -1) + 2 * p(1, 0) + p(1, 1) - p(-1, -1) - 2 * p(-1, 0) - p(-1, 1);
      const gy = p(-1, 1) + 2 * p(0, 1) + p(1, 1) - p(-1, -1) - 2 * p(0, -1) - p(1, -1);
      out[y * img.w + x] = Mhypot(gx, gy);
    }
  }
  return out;
}

function laplacian(lum: Float32Array, w: number, h: number, x: number, y: number): number {
  if (x < 1 || y < 1 || x >= w - 1 || y >= h - 1) return 0;
  const i = y * w + x;
  return Mabs(4 * lum[i]! - lum[i - 1]! - lum[i + 1]! - lum[i - w]! - lum[i + w]!);
}

/** The piece's mask (rows and columns in the strip; the strip's row is the gap's row). */
function pieceMask(piece: Gray) {
  const pw = piece.w;
  const inside: Array<[number, number]> = [];
  const border: Array<[number, number]> = []; // inside pixels next to the outside
  const ring: Array<[number, number]> = []; // outside pixels next to the inside (1–2 px)
  const isIn = (x: number, y: number) => x >= 0 && y >= 0 && x < pw && y < piece.h && piece.alpha[y * pw + x]! > 200;
  let top = piece.h;
  let bottom = 0;
  for (let y = 0; y < piece.h; y++) {
    for (let x = 0; x < pw; x++) {
      if (isIn(x, y)) {
        inside.push([x, y]);
        top = Mmin(top, y);
        bottom = Mmax(bottom, y);
        if (!isIn(x - 1, y) || !isIn(x + 1, y) || !isIn(x, y - 1) || !isIn(x, y + 1)) border.push([x, y]);
      } else if (piece.alpha[y * pw + x]! < 10) {
        let near = false;
        for (let d = -2; d <= 2 && !near; d++) near = isIn(x + d, y) || isIn(x, y + d);
        if (near) ring.push([x, y]);
      }
    }
  }
  return { inside, border, ring, top, bottom, isIn };
}

export class BlockPuzzleAttacker {
  private readonly history: Gray[] = [];

  /** The x each attack would submit for this captcha. */
  async solve(backgroundPng: Buffer, piecePng: Buffer): Promise<Record<AttackName, number>> {
    const bg = await decode(backgroundPng);
    const piece = await decode(piecePng);
    const pw = piece.w;
    const { inside, border, ring, top, bottom, isIn } = pieceMask(piece);
    const xs: number[] = [];
    for (let x = 0; x + pw <= bg.w; x++) xs.push(x);
    const at = (img: Gray, x: number, y: number) => Mmin(img.h - 1, Mmax(0, y)) * img.w + Mmin(img.w - 1, Mmax(0, x));
    const argBest = (score: (x: number) => number, lowest = false) => {
      let best = xs[0]!;
      let bestScore = lowest ? INF : -INF;
      for (const x of xs) {
        const s = score(x);
        if (lowest ? s < bestScore : s > bestScore) {
          bestScore = s;
          best = x;
        }
      }
      return best;
    };

    const edges = sobel(bg);
    const edgesAttack = argBest((x) => border.reduce((sum, [px, py]) => sum + edges[at(bg, x + px, py)]!, 0));

    const shadingAttack = argBest((x) => {
      let a = 0;
      for (const [px, py] of inside) a += bg.lum[at(bg, x + px, py)]!;
      let b = 0;
      for (const [px, py] of ring) b += bg.lum[at(bg, x + px, py)]!;
      return Mabs(a / inside.length - b / Mmax(1, ring.length));
    });

    let pieceEnergy = 0;
    for (const [px, py] of inside) pieceEnergy += laplacian(piece.lum, pw, piece.h, px, py);
    pieceEnergy /= inside.length;
    const blurAttack = argBest((x) => {
      let e = 0;
      for (const [px, py] of inside) e += laplacian(bg.lum, bg.w, bg.h, x + px, py);
      return Mabs(e / inside.length - pieceEnergy);
    });

    // Piece border vs the background just outside the mask (nearest outside neighbour).
    const seamPairs: Array<[number, number, number, number]> = [];
    for (const [px, py] of border) {
      for (const [dx, dy] of [
        [-1, 0],
        [1, 0],
        [0, -1],
        [0, 1],
      ] as const) {
        if (!isIn(px + dx, py + dy)) seamPairs.push([px, py, px + dx * 2, py + dy * 2]);
      }
    }
    const seamCache = new Map<number, number>();
    const seamScore = (x: number) => {
      const cached = seamCache.get(x);
      if (cached !== undefined) return cached;
      let sum = 0;
      for (const [px, py, ox, oy] of seamPairs) {
        const pi = (py * pw + px) * 3;
        const bi = at(bg, x + ox, oy) * 3;
        for (let c = 0; c < 3; c++) sum += (piece.rgb[pi + c]! - bg.rgb[bi + c]!) ** 2;
      }
      seamCache.set(x, sum);
      return sum;
    };
    const seamAttack = argBest(seamScore, true);

    const interiorAttack = argBest((x) => {
      let sa = 0,
        sb = 0,
        saa = 0,
        sbb = 0,
        sab = 0;
      for (const [px, py] of inside) {
        const a = piece.lum[py * pw + px]!;
        const b = bg.lum[at(bg, x + px, py)]!;
        sa += a;
        sb += b;
        saa += a * a;
        sbb += b * b;
        sab += a * b;
      }
      const n = inside.length;
      const cov = sab / n - (sa / n) * (sb / n);
      const va = saa / n - (sa / n) ** 2;
      const vb = sbb / n - (sb / n) ** 2;
      return cov / Msqrt(Mmax(1e-6, va * vb));
    });

    // Context: the attacker knows the layout (Kerckhoffs): a window reaching MARGIN px beyond the
    // piece's box with a FRAME px frame. Compare the picture just inside the frame (3 px from the
    // box) with the picture just outside it (MARGIN + 2 px): a real place continues (steady difference).
    const inner = 3,
      outer = MARGIN + 2;
    const contextScore = (x: number) => {
      const diffs: number[] = [];
      const pair = (ix: number, iy: number, ox: number, oy: number) => {
        const i = at(bg, ix, iy) * 3,
          o = at(bg, ox, oy) * 3;
        for (let c = 0; c < 3; c++) diffs.push(bg.rgb[o + c]! - bg.rgb[i + c]!);
      };
      for (let xx = x - inner; xx <= x + pw + inner; xx++) {
        pair(xx, top - inner, xx, top - outer);
        pair(xx, bottom + inner, xx, bottom + outer);
      }
      for (let yy = top - inner; yy <= bottom + inner; yy++) {
        pair(x - inner, yy, x - outer, yy);
        pair(x + pw - 1 + inner, yy, x + pw - 1 + outer, yy);
      }
      const mean = diffs.reduce((s, d) => s + d, 0) / diffs.length;
      return diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / diffs.length;
    };
    const contextAttack = argBest(contextScore, true);

    // Combined: the gaps are where the seam score has its best separated minima (the seam
    // attack lands on some gap every time); among those three, the best context wins.
    const seamRanked = [...xs].sort((a, b) => seamScore(a) - seamScore(b));
    const candidates: number[] = [];
    for (const x of seamRanked) {
      if (candidates.every((c) => Mabs(c - x) >= pw)) candidates.push(x);
      if (candidates.length === 3) break;
    }
    const combinedAttack = candidates.reduce(
      (best, x) => (contextScore(x) < contextScore(best) ? x : best),
      candidates[0]!,
    );

    // History: the most similar earlier background, then the place that changed most.
    let historyAttack = edgesAttack;
    if (this.history.length) {
      let closest = this.history[0]!;
      let closestDiff = INF;
      for (const old of this.history) {
        let d = 0;
        for (let i = 0; i < bg.lum.length; i += 7) d += Mabs(bg.lum[i]! - old.lum[i]!);
        if (d < closestDiff) {
          closestDiff = d;
          closest = old;
        }
      }
      historyAttack = argBest((x) => {
        let d = 0;
        for (const [px, py] of inside) d += Mabs(bg.lum[at(bg, x + px, py)]! - closest.lum[at(bg, x + px, py)]!);
        return d;
      });
    }
    this.history.push(bg);
    if (this.history.length > 50) this.history.shift();

    return {
      edges: edgesAttack,
      shading: shadingAttack,
      blur: blurAttack,
      seam: seamAttack,
      interior: interiorAttack,
      context: contextAttack,
      history: historyAttack,
      combined: combinedAttack,
    };
  }
}
