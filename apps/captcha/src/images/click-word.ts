import { addNoise, Backgrounds, HEIGHT, newCanvas, WIDTH } from './background.js';
import { CAPTCHA_FONT, CAPTCHA_WEIGHTS, registerCaptchaFont } from './fonts.js';
import { Rng, secretInt, secretShuffle } from './random.js';

/** Common, visually distinct characters (no look-alike pairs). */
const HANZI = Array.from(
  '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞',
);
/** Latin variant (X-L=en): capitals without look-alikes (I/J/L/O/Q). */
const LATIN = Array.from('ABCDEFGHKMNPRSTUVWXYZ');

// OCR hardening (each measured with npm run bench:captcha-ocr; docs/benchmarks-captcha-ocr.md).
/** Rotation either way (radians) and shear: PP-OCR reads upright text; more hurts people too. */
const ROTATION = 0.75;
const SHEAR = 0.12;
/**
 * Curved strokes through every glyph: the change that defeats OCR (one alone does not on Hanzi).
 * Capitals have two or three strokes, and a second crossing makes them unreadable to people too:
 * they get one, thicker (capitals' own strokes are thicker against their size).
 */
const CROSSINGS = { zh: 2, en: 1 } as const;
/** Their width against the font size: as thick as the glyph's own strokes, or OCR ignores them. */
const CROSSING_WIDTH = { zh: 0.1, en: 0.13 } as const;
/** How far (× font size) a crossing bows: curves, which Hanzi and capitals have few of. */
const CROSSING_BEND = 0.5;
/** Straight gaps cut through every glyph, px wide: people close them, OCR sees broken strokes. */
const CUTS = 2;
const CUT_WIDTH = 2;

export interface ClickWordImages {
  background: Buffer;
  /** The characters to click, in order. */
  words: string[];
  /** Centres of those characters (in order): the answer. */
  points: Array<{ x: number; y: number }>;
  fontSize: number;
}

/**
 * 3–4 characters to click in order, among 2–3 decoys, over a procedural (or operator) background
 * with noise. Each glyph is drawn against OCR (PaddleOCR's PP-OCRv4 read two thirds of the plain
 * ones) while staying a character a person finds (docs/captcha-clickword-sheet.png): a random
 * size, weight, rotation and shear; curved strokes cross it (two, one on capitals), as thick as its own strokes and
 * as light, but in another hue (people tell them apart by colour; OCR, which reads shapes of
 * light and dark, takes them for strokes of the character); and two thin gaps are cut through it.
 */
export async function drawClickWord(backgrounds: Backgrounds, lang: 'zh' | 'en'): Promise<ClickWordImages> {
  registerCaptchaFont();
  const rng = new Rng();
  const canvas = newCanvas(WIDTH, HEIGHT);
  const ctx = canvas.getContext('2d');
  backgrounds.paint(ctx, rng);

  const alphabet = lang === 'en' ? LATIN : HANZI;
  const targets = secretInt(3, 4);
  const total = targets + secretInt(2, 3);
  const chars = new Set<string>();
  while (chars.size < total) chars.add(alphabet[secretInt(0, alphabet.length - 1)]!);
  const all = secretShuffle([...chars]);

  // Places on a jittered 4 × 2 grid (distinct cells, so characters never overlap).
  const cells = secretShuffle(Array.from({ length: 8 }, (_, i) => i)).slice(0, total);
  // Capitals are simpler shapes than Hanzi: drawn larger, so the crossings leave them legible.
  const fontSize = rng.int(30, 34) + (lang === 'en' ? 3 : 0);
  const cellW = WIDTH / 4;
  const cellH = HEIGHT / 2;
  const placed = all.map((char, i) => {
    const cell = cells[i]!;
    const x = Math.round((cell % 4) * cellW + cellW / 2 + secretInt(-16, 16));
    const y = Math.round(Math.floor(cell / 4) * cellH + cellH / 2 + secretInt(-12, 12));
    return { char, x, y };
  });

  for (const { char, x, y } of placed) drawGlyph(ctx, rng, char, x, y, fontSize + rng.int(-4, 5), lang);
  addNoise(ctx, rng, rng.range(3, 7), WIDTH, HEIGHT);

  const chosen = placed.slice(0, targets);
  return {
    background: await canvas.encode('png'), // on libuv's thread pool
    words: chosen.map((p) => p.char),
    points: chosen.map(({ x, y }) => ({ x, y })),
    fontSize,
  };
}

type Context = ReturnType<ReturnType<typeof newCanvas>['getContext']>;

/** One character centred on (x, y), drawn on its own canvas first: see drawClickWord. */
function drawGlyph(ctx: Context, rng: Rng, char: string, x: number, y: number, size: number, lang: 'zh' | 'en'): void {
  const side = Math.ceil(size * 1.9);
  const glyph = newCanvas(side, side);
  const g = glyph.getContext('2d');
  const c = side / 2;
  const hue = rng.int(0, 359);
  const saturation = rng.int(60, 95);
  const lightness = rng.int(40, 65);
  const fill = `hsl(${hue}, ${saturation}%, ${lightness}%)`;
  const crossingFill = `hsl(${(hue + rng.int(90, 270)) % 360}, ${saturation}%, ${lightness}%)`;
  const outline = `hsl(${(hue + 180) % 360}, 40%, ${rng.next() < 0.5 ? 15 : 90}%)`;
  const weight = rng.pick(CAPTCHA_WEIGHTS);
  g.font = `${weight} ${size}px ${CAPTCHA_FONT}`;
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.lineJoin = 'round';
  g.lineCap = 'round';

  const crossings = Array.from({ length: CROSSINGS[lang] }, () => {
    const angle = rng.range(0, Math.PI);
    const reach = size * rng.range(0.5, 0.7);
    const dx = Math.cos(angle) * reach;
    const dy = Math.sin(angle) * reach;
    const bow = rng.range(-CROSSING_BEND, CROSSING_BEND) * (size / reach);
    return {
      x0: c - dx,
      y0: c - dy,
      cx: c - dy * bow + rng.range(-3, 3),
      cy: c + dx * bow + rng.range(-3, 3),
      x1: c + dx,
      y1: c + dy,
    };
  });
  const strokeCrossings = () => {
    for (const k of crossings) {
      g.beginPath();
      g.moveTo(k.x0, k.y0);
      g.quadraticCurveTo(k.cx, k.cy, k.x1, k.y1);
      g.stroke();
    }
  };
  const crossingWidth = size * CROSSING_WIDTH[lang] * (weight === 'bold' ? 1 : 0.8);
  // One outline around glyph and crossings together, then their fills.
  g.strokeStyle = outline;
  g.lineWidth = 3;
  g.strokeText(char, c, c);
  g.lineWidth = crossingWidth + 3;
  strokeCrossings();
  g.fillStyle = fill;
  g.fillText(char, c, c);
  g.strokeStyle = crossingFill;
  g.lineWidth = crossingWidth;
  strokeCrossings();

  g.globalCompositeOperation = 'destination-out';
  g.lineWidth = CUT_WIDTH;
  for (let i = 0; i < CUTS; i++) {
    const angle = rng.range(0, Math.PI);
    const offset = rng.range(-0.25, 0.25) * size;
    const dx = Math.cos(angle) * size;
    const dy = Math.sin(angle) * size;
    g.beginPath();
    g.moveTo(c - dx - Math.sin(angle) * offset, c - dy + Math.cos(angle) * offset);
    g.lineTo(c + dx - Math.sin(angle) * offset, c + dy + Math.cos(angle) * offset);
    g.stroke();
  }

  ctx.save();
  ctx.translate(x, y);
  ctx.rotate(rng.range(-ROTATION, ROTATION));
  ctx.transform(1, rng.range(-SHEAR, SHEAR), rng.range(-SHEAR, SHEAR), 1, 0, 0);
  ctx.drawImage(glyph, -c, -c);
  ctx.restore();
}
