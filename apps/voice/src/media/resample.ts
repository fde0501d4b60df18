/**
 * Band-limited resampling of mono 16-bit PCM (windowed-sinc interpolation, Blackman window).
 * When the rate goes down the kernel is widened so its cut-off sits below the new Nyquist
 * frequency (anti-aliasing). Pure; used once per tone (the result is cached).
 */
const HALF_TAPS = 16; // zero crossings on each side of the kernel at the lower rate

export function resample(input: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate) return input.slice();
  if (input.length === 0) return new Int16Array(0);
  const ratio = toRate / fromRate;
  const outLength = Math.max(1, Math.round(input.length * ratio));
  const out = new Int16Array(outLength);
  // Cut-off relative to the input rate: 0.5 × min(1, ratio), slightly below to leave a transition band.
  const cutoff = 0.5 * Math.min(1, ratio) * 0.92;
  const scale = 2 * cutoff;
  const halfWidth = HALF_TAPS / Math.min(1, ratio); // in input samples
  for (let n = 0; n < outLength; n++) {
    const center = n / ratio;
    const first = Math.max(0, Math.ceil(center - halfWidth));
    const last = Math.min(input.length - 1, Math.floor(center + halfWidth));
    let acc = 0;
    let weights = 0;
    for (let k = first; k <= last; k++) {
      const x = k - center;
      const arg = 2 * cutoff * x;
      const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
      const w = 0.42 + 0.5 * Math.cos((Math.PI * x) / halfWidth) + 0.08 * Math.cos((2 * Math.PI * x) / halfWidth); // Blackman, centred
      const h = scale * sinc * w;
      acc += input[k]! * h;
      weights += h;
    }
    // Normalising by the kernel's sum keeps DC gain at 1 (also at the edges).
    const value = weights !== 0 ? acc / weights : 0;
    out[n] = value > 32767 ? 32767 : value < -32768 ? -32768 : Math.round(value);
  }
  return out;
}
