import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { createPowChallenge, powKey, powPayload, sha256HexAscii, solvePow, verifyPowSolution } from './pow.js';

describe('proof of work (ALTCHA format)', () => {
  const key = powKey('master key for tests');
  const inAMinute = () => new Date(Date.now() + 60_000);

  it('the pure SHA-256 matches node:crypto on short and multi-block inputs', () => {
    for (const text of ['', 'abc', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(200)]) {
      expect(sha256HexAscii(text)).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });

  it('signs {algorithm, challenge, maxnumber, salt, signature}; solve finds the number; verify accepts it', () => {
    const challenge = createPowChallenge(key, {
      bindTo: 'token-1',
      maxnumber: 5000,
      expiresAt: inAMinute(),
      number: 4321,
    });
    expect(challenge).toEqual({
      algorithm: 'SHA-256',
      challenge: expect.stringMatching(/^[0-9a-f]{64}$/),
      maxnumber: 5000,
      salt: expect.stringMatching(/^[0-9a-f]{16}\?expires=\d+$/),
      signature: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(solvePow(challenge)).toBe(4321);
    expect(solvePow(challenge, 1, 2)).toBe(4321);
    expect(solvePow(challenge, 0, 2)).toBeNull();
    expect(verifyPowSolution(key, powPayload(challenge, 4321), 'token-1')).toEqual({ ok: true });
    expect(
      verifyPowSolution(key, JSON.parse(Buffer.from(powPayload(challenge, 4321), 'base64').toString()), 'token-1'),
    ).toEqual({ ok: true });
  });

  it("refuses a missing, malformed, wrong, forged, expired or other captcha's solution", () => {
    const challenge = createPowChallenge(key, { bindTo: 'token-1', maxnumber: 100, expiresAt: inAMinute(), number: 7 });
    expect(verifyPowSolution(key, undefined, 'token-1')).toEqual({ ok: false, reason: 'missing' });
    expect(verifyPowSolution(key, 'not base64 json', 'token-1')).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyPowSolution(key, powPayload(challenge, 8), 'token-1')).toEqual({ ok: false, reason: 'wrong' });
    expect(verifyPowSolution(powKey('another key'), powPayload(challenge, 7), 'token-1')).toEqual({
      ok: false,
      reason: 'wrong',
    });
    expect(verifyPowSolution(key, powPayload(challenge, 7), 'token-2')).toEqual({
      ok: false,
      reason: 'not for this captcha',
    });
    expect(verifyPowSolution(key, powPayload(challenge, 7), 'token-1', new Date(Date.now() + 120_000))).toEqual({
      ok: false,
      reason: 'expired',
    });
    // A client's own challenge (its own hash of salt + number) lacks our signature.
    const forged = { ...challenge, challenge: createHash('sha256').update(`${challenge.salt}1`).digest('hex') };
    expect(verifyPowSolution(key, powPayload(forged, 1), 'token-1')).toEqual({ ok: false, reason: 'wrong' });
  });

  it('refuses, never throws on, a payload whose fields have the wrong shape (non-ASCII, upper case, other lengths)', () => {
    const challenge = createPowChallenge(key, { bindTo: 'token-1', maxnumber: 100, expiresAt: inAMinute(), number: 7 });
    const good = JSON.parse(Buffer.from(powPayload(challenge, 7), 'base64').toString());
    const bad = [
      { signature: `é${challenge.signature.slice(1)}` }, // 64 characters, 65 bytes
      { signature: challenge.signature.toUpperCase() },
      { signature: challenge.signature.slice(1) },
      { challenge: `€${challenge.challenge.slice(1)}` },
      { salt: `${challenge.salt.slice(0, 15)}é${challenge.salt.slice(16)}` },
      { salt: 123 },
      { signature: null },
      { number: -1 },
      { number: 1.5 },
      { algorithm: 'SHA-1' },
    ];
    for (const change of bad) {
      expect(verifyPowSolution(key, { ...good, ...change }, 'token-1')).toEqual({ ok: false, reason: 'malformed' });
      expect(
        verifyPowSolution(key, Buffer.from(JSON.stringify({ ...good, ...change })).toString('base64'), 'token-1'),
      ).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('every number in [0, maxnumber] is possible and found', () => {
    for (const number of [0, 1, 99, 100]) {
      expect(solvePow(createPowChallenge(key, { bindTo: 't', maxnumber: 100, expiresAt: inAMinute(), number }))).toBe(
        number,
      );
    }
  });
});
