/**
 * G.711 (ITU-T G.711) μ-law and A-law, sample by sample, as in the ITU reference / Sun g711.c.
 * Pure functions on 16-bit linear PCM.
 */
const BIAS = 0x84;
const ULAW_CLIP = 8159;
const SEG_AEND = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];
const SEG_UEND = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];

function search(value: number, table: readonly number[]): number {
  for (let i = 0; i < table.length; i++) if (value <= table[i]!) return i;
  return table.length;
}

/** 16-bit linear → μ-law byte. */
export function linearToUlaw(sample: number): number {
  let pcm = (sample | 0) >> 2; // 14-bit
  let mask: number;
  if (pcm < 0) {
    pcm = -pcm;
    mask = 0x7f;
  } else {
    mask = 0xff;
  }
  if (pcm > ULAW_CLIP) pcm = ULAW_CLIP;
  pcm += BIAS >> 2;
  const seg = search(pcm, SEG_UEND);
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((pcm >> (seg + 1)) & 0x0f)) ^ mask;
}

/** μ-law byte → 16-bit linear. */
export function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  let t = ((u & 0x0f) << 3) + BIAS;
  t <<= (u & 0x70) >> 4;
  return u & 0x80 ? BIAS - t : t - BIAS;
}

/** 16-bit linear → A-law byte. */
export function linearToAlaw(sample: number): number {
  let pcm = (sample | 0) >> 3; // 13-bit magnitude
  let mask: number;
  if (pcm >= 0) {
    mask = 0xd5;
  } else {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  const seg = search(pcm, SEG_AEND);
  if (seg >= 8) return 0x7f ^ mask;
  let aval = seg << 4;
  aval |= seg < 2 ? (pcm >> 1) & 0x0f : (pcm >> seg) & 0x0f;
  return aval ^ mask;
}

/** A-law byte → 16-bit linear. */
export function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

export type G711Codec = 'PCMU' | 'PCMA';

/** RTP static payload types (RFC 3551): PCMU 0, PCMA 8. */
export const PAYLOAD_TYPES: Readonly<Record<G711Codec, number>> = { PCMU: 0, PCMA: 8 };

/** The code of digital silence in each law (what fills a last, partial packet). */
export const SILENCE_BYTE: Readonly<Record<G711Codec, number>> = { PCMU: 0xff, PCMA: 0xd5 };

export function encodeG711(samples: Int16Array, codec: G711Codec): Uint8Array {
  const out = new Uint8Array(samples.length);
  const encode = codec === 'PCMU' ? linearToUlaw : linearToAlaw;
  for (let i = 0; i < samples.length; i++) out[i] = encode(samples[i]!);
  return out;
}

export function decodeG711(bytes: Uint8Array, codec: G711Codec): Int16Array {
  const out = new Int16Array(bytes.length);
  const decode = codec === 'PCMU' ? ulawToLinear : alawToLinear;
  for (let i = 0; i < bytes.length; i++) out[i] = decode(bytes[i]!);
  return out;
}
