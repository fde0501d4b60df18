/**
 * Band-limited resampling of mono 16-bit PCM (windowed-sinc interpolation, Blackman window).
 * When the rate goes down the kernel is widened so its cut-off sits below the new Nyquist
 * frequency (anti-aliasing). Pure; used once per tone (the result is cached).
 *
 * Polyphase: the ratio is reduced to L/M (48 kHz → 8 kHz is 1/6, 44.1 kHz → 8 kHz 80/441), so an
 * output sample sits at one of only L fractional positions between input samples. The kernel of
 * each position is computed once; each output sample is then a plain dot product (no sin/cos per
 * tap). A 60 s 48 kHz tone went from ~2.2 s to ~0.1 s (see docs/architecture.md).
 */
const HALF_TAPS = 16; // zero crossings on each side of the kernel at the lower rate
/** Above this many phases (odd rates) the kernel is computed per sample instead of tabled. */
const MAX_PHASES = 4096;
/** Output samples per slice of resampleYielding (a few ms of work between event-loop turns). */
const SLICE = 8192;

interface Plan {
  ratio: number;
  outLength: number;
  /** Output n sits at input position (n × M) / L. */
  L: number;
  M: number;
  halfWidth: number;
  cutoff: number;
  /** Per phase p: the first tap's offset from floor(position), the taps, and their sum. */
  phases?: { first: number; taps: Float64Array; sum: number }[];
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function tap(x: number, cutoff: number, halfWidth: number): number {
  const arg = 2 * cutoff * x;
  const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
  const w = 0.42 + 0.5 * Math.cos((Math.PI * x) / halfWidth) + 0.08 * Math.cos((2 * Math.PI * x) / halfWidth); // Blackman, centred
  return 2 * cutoff * sinc * w;
}

function plan(inLength: number, fromRate: number, toRate: number): Plan {
  const ratio = toRate / fromRate;
  // Cut-off relative to the input rate: 0.5 × min(1, ratio), slightly below to leave a transition band.
  const cutoff = 0.5 * Math.min(1, ratio) * 0.92;
  const halfWidth = HALF_TAPS / Math.min(1, ratio); // in input samples
  const outLength = Math.max(1, Math.round(inLength * ratio));
  const g = Number.isInteger(fromRate) && Number.isInteger(toRate) ? gcd(fromRate, toRate) : 0;
  const L = g ? toRate / g : 0;
  const M = g ? fromRate / g : 0;
  const p: Plan = { ratio, outLength, L, M, halfWidth, cutoff };
  if (!g || L > MAX_PHASES) return p;
  p.phases = Array.from({ length: L }, (_, phase) => {
    const frac = phase / L;
    const first = Math.ceil(frac - halfWidth);
    const last = Math.floor(frac + halfWidth);
    const taps = new Float64Array(last - first + 1);
    let sum = 0;
    for (let j = first; j <= last; j++) sum += taps[j - first] = tap(j - frac, cutoff, halfWidth);
    return { first, taps, sum };
  });
  return p;
}

function clamp(value: number): number {
  return value > 32767 ? 32767 : value < -32768 ? -32768 : Math.round(value);
}

/** Output samples [from, to) of the plan. */
function run(p: Plan, input: Int16Array, out: Int16Array, from: number, to: number): void {
  const last = input.length - 1;
  for (let n = from; n < to; n++) {
    let acc = 0;
    let weights = 0;
    if (p.phases) {
      const pos = n * p.M;
      const base = Math.floor(pos / p.L);
      const { first, taps, sum } = p.phases[pos - base * p.L]!;
      const k0 = base + first;
      const k1 = k0 + taps.length - 1;
      if (k0 >= 0 && k1 <= last) {
        for (let i = 0; i < taps.length; i++) acc += input[k0 + i]! * taps[i]!;
        weights = sum;
      } else {
        // At the edges only the taps inside the input count (normalised below).
        for (let k = Math.max(0, k0); k <= Math.min(last, k1); k++) {
          const h = taps[k - k0]!;
          acc += input[k]! * h;
          weights += h;
        }
      }
    } else {
      const center = n / p.ratio;
      for (
        let k = Math.max(0, Math.ceil(center - p.halfWidth));
        k <= Math.min(last, Math.floor(center + p.halfWidth));
        k++
      ) {
        const h = tap(k - center, p.cutoff, p.halfWidth);
        acc += input[k]! * h;
        weights += h;
      }
    }
    // Normalising by the kernel's sum keeps DC gain at 1 (also at the edges).
    out[n] = clamp(weights !== 0 ? acc / weights : 0);
  }
}

export function resample(input: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate) return input.slice();
  if (input.length === 0) return new Int16Array(0);
  const p = plan(input.length, fromRate, toRate);
  const out = new Int16Array(p.outLength);
  run(p, input, out, 0, p.outLength);
  return out;
}

/**
 * The same result as resample(), computed in slices with an event-loop turn between them, so live
 * calls' RTP timers keep their 20 ms pacing while a long tone is converted.
 */
export async function resampleYielding(input: Int16Array, fromRate: number, toRate: number): Promise<Int16Array> {
  if (fromRate === toRate) return input.slice();
  if (input.length === 0) return new Int16Array(0);
  const p = plan(input.length, fromRate, toRate);
  const out = new Int16Array(p.outLength);
  for (let from = 0; from < p.outLength; from += SLICE) {
    if (from > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    run(p, input, out, from, Math.min(p.outLength, from + SLICE));
  }
  return out;
}
