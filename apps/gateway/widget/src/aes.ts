/**
 * AES-128-ECB with PKCS#7 padding and Base64 output: what AJ-Captcha's clients do with CryptoJS
 * (WebCrypto has no ECB). Encryption only; small and dependency-free.
 */
const SBOX = new Uint8Array(256);
(function buildSbox() {
  let p = 1;
  let q = 1;
  do {
    p = p ^ ((p << 1) & 0xff) ^ (p & 0x80 ? 0x1b : 0); // p × 3 in GF(2^8)
    q ^= q << 1;
    q ^= q << 2;
    q ^= q << 4;
    q &= 0xff;
    if (q & 0x80) q ^= 0x09; // q / 3
    const x = q ^ ((q << 1) | (q >> 7)) ^ ((q << 2) | (q >> 6)) ^ ((q << 3) | (q >> 5)) ^ ((q << 4) | (q >> 4));
    SBOX[p] = (x ^ 0x63) & 0xff;
  } while (p !== 1);
  SBOX[0] = 0x63;
})();

const xtime = (b: number) => ((b << 1) ^ (b & 0x80 ? 0x1b : 0)) & 0xff;

function expandKey(key: Uint8Array): Uint8Array {
  const w = new Uint8Array(176);
  w.set(key);
  let rcon = 1;
  for (let i = 16; i < 176; i += 4) {
    let t0 = w[i - 4]!,
      t1 = w[i - 3]!,
      t2 = w[i - 2]!,
      t3 = w[i - 1]!;
    if (i % 16 === 0) {
      const r = t0;
      t0 = SBOX[t1]! ^ rcon;
      t1 = SBOX[t2]!;
      t2 = SBOX[t3]!;
      t3 = SBOX[r]!;
      rcon = xtime(rcon);
    }
    w[i] = w[i - 16]! ^ t0;
    w[i + 1] = w[i - 15]! ^ t1;
    w[i + 2] = w[i - 14]! ^ t2;
    w[i + 3] = w[i - 13]! ^ t3;
  }
  return w;
}

function encryptBlock(s: Uint8Array, w: Uint8Array): void {
  for (let i = 0; i < 16; i++) s[i]! ^= w[i]!;
  for (let round = 1; round <= 10; round++) {
    for (let i = 0; i < 16; i++) s[i] = SBOX[s[i]!]!;
    // ShiftRows (column-major state)
    let t = s[1]!;
    s[1] = s[5]!;
    s[5] = s[9]!;
    s[9] = s[13]!;
    s[13] = t;
    t = s[2]!;
    s[2] = s[10]!;
    s[10] = t;
    t = s[6]!;
    s[6] = s[14]!;
    s[14] = t;
    t = s[15]!;
    s[15] = s[11]!;
    s[11] = s[7]!;
    s[7] = s[3]!;
    s[3] = t;
    if (round !== 10) {
      for (let c = 0; c < 16; c += 4) {
        const a0 = s[c]!,
          a1 = s[c + 1]!,
          a2 = s[c + 2]!,
          a3 = s[c + 3]!;
        const all = a0 ^ a1 ^ a2 ^ a3;
        s[c] = a0 ^ all ^ xtime(a0 ^ a1);
        s[c + 1] = a1 ^ all ^ xtime(a1 ^ a2);
        s[c + 2] = a2 ^ all ^ xtime(a2 ^ a3);
        s[c + 3] = a3 ^ all ^ xtime(a3 ^ a0);
      }
    }
    for (let i = 0; i < 16; i++) s[i]! ^= w[round * 16 + i]!;
  }
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}

/** Base64(AES-128-ECB-PKCS7(utf8(plain), utf8(key))); the key must be 16 bytes. */
export function aesEcbEncrypt(plain: string, key: string): string {
  const k = utf8(key);
  if (k.length !== 16) throw new Error('the secretKey must be 16 bytes');
  const w = expandKey(k);
  const data = utf8(plain);
  const pad = 16 - (data.length % 16);
  const out = new Uint8Array(data.length + pad);
  out.set(data);
  out.fill(pad, data.length);
  for (let i = 0; i < out.length; i += 16) {
    const block = out.subarray(i, i + 16);
    encryptBlock(block, w);
  }
  return base64(out);
}
