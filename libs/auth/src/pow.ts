import { createHash, createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { PowPuzzle } from './pow-solver.js';

export { sha256HexAscii, solvePow, type PowPuzzle } from './pow-solver.js';

/**
 * Proof of work, the server's side, in ALTCHA's format: the challenge is
 * `{algorithm: "SHA-256", challenge, maxnumber, salt, signature}` where
 * `challenge = hex(SHA-256(salt + number))` for a secret random `number` in [0, maxnumber] and
 * `signature = hex(HMAC-SHA-256(key, challenge))`. The salt carries its parameters ALTCHA-style
 * (`<nonce>?expires=<unix seconds>`); here the nonce is derived from the captcha token, so a
 * solution is bound to one captcha and verification needs no stored state.
 */
export interface PowChallenge extends PowPuzzle {
  signature: string;
}

/** What a client sends back: ALTCHA's payload (base64 of this JSON, or the object itself). */
export interface PowSolution {
  algorithm: string;
  challenge: string;
  number: number;
  salt: string;
  signature: string;
}

export type PowVerdict =
  { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'wrong' | 'expired' | 'not for this captcha' };

/** The HMAC key of PoW challenges, derived from the platform's master key (every worker derives the same). */
export function powKey(masterKey: string): Buffer {
  return createHmac('sha256', masterKey).update('verigate captcha proof-of-work v1').digest();
}

function hmacHex(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text).digest('hex');
}

/** The salt's nonce for a captcha token: 16 hex characters, so `salt + number` fits one SHA-256 block. */
function nonceOf(key: Buffer, bindTo: string): string {
  return hmacHex(key, `salt:${bindTo}`).slice(0, 16);
}

export function createPowChallenge(
  key: Buffer,
  options: { bindTo: string; maxnumber: number; expiresAt: Date; number?: number },
): PowChallenge {
  const maxnumber = Math.max(1, Math.floor(options.maxnumber));
  const number = options.number ?? randomInt(0, maxnumber + 1);
  const salt = `${nonceOf(key, options.bindTo)}?expires=${Math.floor(options.expiresAt.getTime() / 1000)}`;
  const challenge = createHash('sha256')
    .update(salt + number)
    .digest('hex');
  return { algorithm: 'SHA-256', challenge, maxnumber, salt, signature: hmacHex(key, challenge) };
}

/** The solution as an object: ALTCHA's base64 JSON payload, or the object itself. */
export function parsePowSolution(value: unknown): PowSolution | null {
  let candidate = value;
  if (typeof value === 'string') {
    if (value.length > 2048) return null;
    try {
      candidate = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
    } catch {
      return null;
    }
  }
  const s = candidate as PowSolution;
  if (typeof s !== 'object' || s === null) return null;
  if (
    typeof s.algorithm !== 'string' ||
    typeof s.challenge !== 'string' ||
    typeof s.salt !== 'string' ||
    typeof s.signature !== 'string'
  )
    return null;
  if (!Number.isSafeInteger(s.number) || s.number < 0) return null;
  return s;
}

const HEX64 = /^[0-9a-f]{64}$/;
const SALT = /^([0-9a-f]{16})\?expires=(\d{1,12})$/;

/** Both sides are checked ASCII hex first: equal string lengths alone do not make equal byte lengths. */
function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));
}

/**
 * Stateless check of a solution: signed by us, for this captcha (`bindTo`), not expired, and the
 * number hashes to the challenge. Single use is the caller's business (here: the captcha token's).
 */
export function verifyPowSolution(key: Buffer, solution: unknown, bindTo: string, now = new Date()): PowVerdict {
  if (solution === undefined || solution === null || solution === '') return { ok: false, reason: 'missing' };
  const s = parsePowSolution(solution);
  // Every field's shape before any comparison (a non-ASCII signature once threw in timingSafeEqual).
  const match = s ? SALT.exec(s.salt) : null;
  if (!s || !match || s.algorithm !== 'SHA-256' || !HEX64.test(s.challenge) || !HEX64.test(s.signature))
    return { ok: false, reason: 'malformed' };
  if (!sameHex(hmacHex(key, s.challenge), s.signature)) return { ok: false, reason: 'wrong' };
  if (!sameHex(match[1]!, nonceOf(key, bindTo))) return { ok: false, reason: 'not for this captcha' };
  if (Number(match[2]) * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  if (
    createHash('sha256')
      .update(s.salt + s.number)
      .digest('hex') !== s.challenge
  )
    return { ok: false, reason: 'wrong' };
  return { ok: true };
}

/** ALTCHA's payload for a solved challenge: base64 of the JSON (what the widget sends as `powSolution`). */
export function powPayload(challenge: PowChallenge, number: number): string {
  const { algorithm, challenge: hash, salt, signature } = challenge;
  return Buffer.from(JSON.stringify({ algorithm, challenge: hash, number, salt, signature })).toString('base64');
}
