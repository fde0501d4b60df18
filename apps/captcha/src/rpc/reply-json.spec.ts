import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { emptyCaptchaBody, type CaptchaRpcReply } from '#libs/contracts';
import { captchaReplyJson } from './reply-json.js';

const png = (bytes: number) => randomBytes(bytes).toString('base64');

describe('captchaReplyJson', () => {
  it('writes the same bytes as JSON.stringify for every kind of answer', () => {
    const blockPuzzle = {
      ...emptyCaptchaBody(),
      token: 'ab'.repeat(16),
      secretKey: 'kx9"\\é',
      originalImageBase64: png(36_001),
      jigsawImageBase64: png(4_000),
    };
    const clickWord = {
      ...emptyCaptchaBody(),
      token: 'cd'.repeat(16),
      secretKey: 'k',
      originalImageBase64: png(30_002),
      wordList: ['天', '地', '人'],
    };
    const withPow = {
      ...blockPuzzle,
      pow: { algorithm: 'SHA-256', challenge: 'c', maxnumber: 100_000, salt: 's?expires=1', signature: 'x' },
    };
    const replies: CaptchaRpcReply[] = [
      { ok: true, body: blockPuzzle },
      { ok: true, body: clickWord },
      { ok: true, body: withPow as never },
      { ok: true, body: { ...blockPuzzle, originalImageBase64: 'not "base64" at all' + png(2000) + '"}' } },
      { ok: true, body: emptyCaptchaBody() },
      { ok: false, code: 'RATE_LIMITED' },
    ];
    for (const reply of replies) expect(captchaReplyJson(reply).toString('utf8')).toBe(JSON.stringify(reply));
  });
});
