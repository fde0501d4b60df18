import { addNoise, Backgrounds, HEIGHT, newCanvas, WIDTH } from './background.js';
import { CAPTCHA_FONT, registerCaptchaFont } from './fonts.js';
import { Rng, secretInt, secretShuffle } from './random.js';

/** Common, visually distinct characters (no look-alike pairs). */
const HANZI = Array.from('的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞');
/** Latin variant (X-L=en): capitals without look-alikes (I/J/L/O/Q). */
const LATIN = Array.from('ABCDEFGHKMNPRSTUVWXYZ');

export interface ClickWordImages {
  background: Buffer;
  /** The characters to click, in order. */
  words: string[];
  /** Centres of those characters (in order): the answer. */
  points: Array<{ x: number; y: number }>;
  fontSize: number;
}

/**
 * 3–4 characters to click in order, among 2–3 decoys, each rotated, in its own colour with a
 * contrasting outline, over a procedural (or operator) background with noise.
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
  const fontSize = rng.int(26, 32);
  const cellW = WIDTH / 4;
  const cellH = HEIGHT / 2;
  const placed = all.map((char, i) => {
    const cell = cells[i]!;
    const x = Math.round((cell % 4) * cellW + cellW / 2 + secretInt(-18, 18));
    const y = Math.round(Math.floor(cell / 4) * cellH + cellH / 2 + secretInt(-14, 14));
    return { char, x, y };
  });

  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (const { char, x, y } of placed) {
    const size = fontSize + rng.int(-3, 3);
    ctx.save();
    ctx.translate(x, y);
    ctx.rotate(rng.range(-0.7, 0.7));
    ctx.font = `bold ${size}px ${CAPTCHA_FONT}`;
    const hue = rng.int(0, 359);
    ctx.lineWidth = 3;
    ctx.strokeStyle = `hsl(${(hue + 180) % 360}, 40%, ${rng.next() < 0.5 ? 15 : 90}%)`;
    ctx.strokeText(char, 0, 0);
    ctx.fillStyle = `hsl(${hue}, ${rng.int(60, 95)}%, ${rng.int(40, 65)}%)`;
    ctx.fillText(char, 0, 0);
    ctx.restore();
  }
  addNoise(ctx, rng, rng.range(3, 7), WIDTH, HEIGHT);

  const chosen = placed.slice(0, targets);
  return {
    background: await canvas.encode('png'), // on libuv's thread pool
    words: chosen.map((p) => p.char),
    points: chosen.map(({ x, y }) => ({ x, y })),
    fontSize,
  };
}
