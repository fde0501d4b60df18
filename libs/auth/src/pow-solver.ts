/**
 * Proof of work, the client's side (ALTCHA's scheme): find the `number` in [0, maxnumber] whose
 * SHA-256 of `salt + number` (ASCII, hex digest) equals `challenge`. Pure TypeScript without
 * imports so that the widget's Web Worker, Node tests, the benchmark and client libraries share it.
 * The hash works on 32-bit words and never builds strings in the loop: in V8 this runs at about
 * the speed of a native digest call, which keeps a person's browser on par with a script.
 */

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** SHA-256 compression of the 64-byte `block` (as big-endian words) into `state`, in place. */
function compress(state: Uint32Array, block: Uint32Array, w: Uint32Array): void {
  for (let i = 0; i < 16; i++) w[i] = block[i]!;
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15]!;
    const b = w[i - 2]!;
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = state[0]!,
    b = state[1]!,
    c = state[2]!,
    d = state[3]!,
    e = state[4]!,
    f = state[5]!,
    g = state[6]!,
    h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

/** SHA-256 of a string of ASCII/Latin-1 characters, as hex (any length; for tests and checks). */
export function sha256HexAscii(text: string): string {
  const bytes = new Uint8Array(((text.length + 9 + 63) >> 6) << 6);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  bytes[text.length] = 0x80;
  const bits = text.length * 8;
  bytes[bytes.length - 4] = (bits >>> 24) & 0xff;
  bytes[bytes.length - 3] = (bits >>> 16) & 0xff;
  bytes[bytes.length - 2] = (bits >>> 8) & 0xff;
  bytes[bytes.length - 1] = bits & 0xff;
  const state = new Uint32Array(H0);
  const block = new Uint32Array(16);
  const w = new Uint32Array(64);
  for (let offset = 0; offset < bytes.length; offset += 64) {
    for (let i = 0; i < 16; i++)
      block[i] =
        (bytes[offset + 4 * i]! << 24) |
        (bytes[offset + 4 * i + 1]! << 16) |
        (bytes[offset + 4 * i + 2]! << 8) |
        bytes[offset + 4 * i + 3]!;
    compress(state, block, w);
  }
  return Array.from(state, (x) => x.toString(16).padStart(8, '0')).join('');
}

/** The part of an ALTCHA challenge a client needs to solve it. */
export interface PowPuzzle {
  algorithm: string;
  challenge: string;
  maxnumber: number;
  salt: string;
}

/**
 * Writes salt + decimal(n) + SHA-256 padding into `bytes` (the salt is already in place) and
 * packs it into the big-endian words of `block`.
 */
function fillBlock(bytes: Uint8Array, saltLength: number, n: number, digits: Uint8Array, block: Uint32Array): void {
  let length = 0;
  let rest = n;
  do {
    digits[length++] = 48 + (rest % 10);
    rest = Math.floor(rest / 10);
  } while (rest > 0);
  let p = saltLength;
  for (let i = length - 1; i >= 0; i--) bytes[p++] = digits[i]!;
  bytes[p++] = 0x80;
  while (p < 62) bytes[p++] = 0;
  const bits = (saltLength + length) * 8;
  bytes[62] = bits >>> 8;
  bytes[63] = bits & 0xff;
  for (let i = 0; i < 16; i++)
    block[i] = (bytes[4 * i]! << 24) | (bytes[4 * i + 1]! << 16) | (bytes[4 * i + 2]! << 8) | bytes[4 * i + 3]!;
}

function sameDigest(state: Uint32Array, target: Uint32Array): boolean {
  return (
    state[0] === target[0] &&
    state[1] === target[1] &&
    state[2] === target[2] &&
    state[3] === target[3] &&
    state[4] === target[4] &&
    state[5] === target[5] &&
    state[6] === target[6] &&
    state[7] === target[7]
  );
}

/**
 * The number that solves `puzzle`, or null when none in [start, maxnumber] does (stepping by
 * `step`, so that several workers can share one puzzle: worker i of n starts at i, steps n).
 * Salts whose `salt + number` does not fit one 55-byte SHA-256 block fall back to the general hash.
 */
export function solvePow(puzzle: PowPuzzle, start = 0, step = 1): number | null {
  if (puzzle.algorithm !== 'SHA-256' || !/^[0-9a-f]{64}$/.test(puzzle.challenge)) return null;
  const salt = puzzle.salt;
  const max = Math.floor(puzzle.maxnumber);
  // eslint-disable-next-line no-control-regex -- the fast path needs Latin-1 (one byte per character), NUL included
  if (salt.length + String(max).length > 55 || /[^\x00-\xff]/.test(salt)) {
    for (let n = start; n <= max; n += step) if (sha256HexAscii(salt + n) === puzzle.challenge) return n;
    return null;
  }
  const target = new Uint32Array(8);
  for (let i = 0; i < 8; i++) target[i] = parseInt(puzzle.challenge.slice(8 * i, 8 * i + 8), 16);
  const bytes = new Uint8Array(64);
  for (let i = 0; i < salt.length; i++) bytes[i] = salt.charCodeAt(i);
  const block = new Uint32Array(16);
  const state = new Uint32Array(8);
  const w = new Uint32Array(64);
  const digits = new Uint8Array(20);
  for (let n = start; n <= max; n += step) {
    fillBlock(bytes, salt.length, n, digits, block);
    state.set(H0);
    compress(state, block, w);
    if (sameDigest(state, target)) return n;
  }
  return null;
}
