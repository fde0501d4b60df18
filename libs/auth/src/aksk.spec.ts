import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  AKSK_HEADER_MAX_LENGTH,
  computeDigest,
  digestMatches,
  parseAksk,
  parseCreated,
  parseKeyValues,
  signAksk,
} from './aksk.js';
import { signPush } from './push-signature.js';

/** The regular expression parseKeyValues replaced (quadratic on long words): the reference for short inputs. */
function regexKeyValues(text: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const match of text.matchAll(/([A-Za-z][\w-]*)\s*=\s*(?:"([^"]*)"|([^\s,"]*))/g)) {
    const key = match[1]!.toLowerCase();
    if (!pairs.has(key)) pairs.set(key, match[2] ?? match[3] ?? '');
  }
  return pairs;
}

/** CPU time (user + system) of fn, in ms. */
function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const AUTH = 'AKSK realm="SDP",profile="UsernameToken",type="Appkey"';
const X =
  'UsernameToken Username="ZRBRz4bAXoFgEH7o4Ew308eXc1RA",PasswordDigest="abc=",Nonce="ac1c911c4792492687f8f6b2264a491e",Created="2018-05-26T00:35:30Z"';

describe('AKSK parsing', () => {
  it('reads the seed example', () => {
    const result = parseAksk(AUTH, X);
    expect(result).toEqual({
      ok: true,
      credentials: {
        appKey: 'ZRBRz4bAXoFgEH7o4Ew308eXc1RA',
        passwordDigest: 'abc=',
        nonce: 'ac1c911c4792492687f8f6b2264a491e',
        created: '2018-05-26T00:35:30Z',
      },
    });
  });

  it("tolerates the spacing of Huawei's other samples", () => {
    const spaced = 'UsernameToken Username = "k", PasswordDigest = "d", Nonce = "n1", Created = "2018-05-26T00:35:30Z"';
    expect(parseAksk('AKSK realm="SDP", profile="UsernameToken", type="Appkey"', spaced)).toMatchObject({
      ok: true,
      credentials: { appKey: 'k', nonce: 'n1' },
    });
  });

  it('keeps = signs inside quoted base64 values', () => {
    expect(parseKeyValues('PasswordDigest="ab+/cd==",Nonce="x"').get('passworddigest')).toBe('ab+/cd==');
  });

  it('reads key-value pairs exactly as the former regular expression did', () => {
    const piece = fc.constantFrom(
      'a',
      'Z',
      '9',
      '_',
      '-',
      '=',
      '"',
      ',',
      ' ',
      '\t',
      'realm',
      'Nonce',
      'x=',
      '="',
      '"v"',
      'é',
      '\u00a0',
      '\r\n',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 40 }).map((p) => p.join('')),
        (text) => {
          expect(parseKeyValues(text)).toEqual(regexKeyValues(text));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('parses in linear time: 16 KiB of word characters, spaces or quotes cost well under 50 ms of CPU', () => {
    for (const text of [
      'w'.repeat(16_384),
      'a '.repeat(8192),
      'a="'.repeat(5461),
      'a=b'.repeat(5461),
      'a'.repeat(8192) + '='.repeat(8192),
    ]) {
      expect(cpuMs(() => parseKeyValues(text))).toBeLessThan(50);
    }
  });

  it('refuses headers over 1 KiB before parsing them, with the fault of that header (and quickly)', () => {
    const long = 'AKSK ' + 'w'.repeat(16_000);
    let result: ReturnType<typeof parseAksk> | undefined;
    expect(
      cpuMs(() => {
        result = parseAksk(long, X);
      }),
    ).toBeLessThan(50);
    expect(result).toEqual({
      ok: false,
      fault: expect.objectContaining({ code: '1023006' }),
      detail: `Authorization is longer than ${AKSK_HEADER_MAX_LENGTH} characters`,
    });
    expect(parseAksk(AUTH, 'UsernameToken ' + 'w'.repeat(16_000))).toEqual({
      ok: false,
      fault: expect.objectContaining({ code: '1023033' }),
      detail: `X-AKSK is longer than ${AKSK_HEADER_MAX_LENGTH} characters`,
    });
    // Exactly at the limit: read as usual.
    const padded = AUTH + ' '.repeat(AKSK_HEADER_MAX_LENGTH - AUTH.length);
    expect(parseAksk(padded, X).ok).toBe(true);
  });

  it("refuses a webhook push's headers (realm SDP-PUSH) as an API credential", () => {
    const push = signPush('ZRBRz4bAXoFgEH7o4Ew308eXc1RA', 'secret', '{"eventType":"callout"}');
    expect(parseAksk(push.authorization, push['x-aksk'])).toMatchObject({ ok: false, fault: { code: '1023009' } });
  });

  it.each([
    [undefined, X, '1023006'],
    ['', X, '1023006'],
    ['Basic abc', X, '1023006'],
    ['AKSK profile="UsernameToken",type="Appkey"', X, '1023007'],
    ['AKSK realm="SDP",type="Appkey"', X, '1023008'],
    ['AKSK realm="sdp",profile="UsernameToken",type="Appkey"', X, '1023009'],
    ['AKSK realm="SDP",profile="usernametoken",type="Appkey"', X, '1023010'],
    ['AKSK realm="SDP",profile="UsernameToken",type="AppKey2"', X, '1023011'],
    ['AKSK realm="SDP",profile="UsernameToken"', X, '1023012'],
    [AUTH, undefined, '1023033'],
    [AUTH, '   ', '1023033'],
    [AUTH, 'Username="k",PasswordDigest="d",Nonce="n",Created="c"', '1023038'],
    [AUTH, 'UsernameToken PasswordDigest="d",Nonce="n",Created="c"', '1023034'],
    [AUTH, 'UsernameToken Username="k",PasswordDigest="d",Created="c"', '1023035'],
    [AUTH, 'UsernameToken Username="k",PasswordDigest="d",Nonce="n"', '1023036'],
    [AUTH, 'UsernameToken Username="k",Nonce="n",Created="c"', '1023037'],
    [AUTH, 'UsernameToken Username="k",PasswordDigest="d",Nonce="not-alnum!",Created="c"', '1010010'],
  ])('Authorization %j / X-AKSK %j → %s', (authorization, xAksk, code) => {
    const result = parseAksk(authorization, xAksk);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fault.code).toBe(code);
  });
});

describe('Created', () => {
  it('parses the seed format as UTC', () => {
    expect(parseCreated('2018-02-12T15:30:20Z')).toBe(Date.UTC(2018, 1, 12, 15, 30, 20));
  });

  it.each([
    '2018-02-12T15:30:20',
    '2018-02-12 15:30:20Z',
    '2018-02-12T15:30:20.123Z',
    '2018-02-31T10:00:00Z',
    '2018-13-01T10:00:00Z',
    '2018-02-12T10:30:60Z',
    '2018-02-12T10:60:00Z',
    '2018-02-12T24:00:00Z',
    'yesterday',
  ])('refuses %s', (value) => {
    expect(parseCreated(value)).toBeNull();
  });
});

describe('digest', () => {
  it('is Base64(HMAC-SHA256(secret, nonce + created))', () => {
    // Computed independently: printf 'n1c1' | openssl dgst -sha256 -hmac secret -binary | base64
    expect(computeDigest('secret', 'n1', 'c1')).toBe('9mJ2G62d1HtprFt7o6v9j/qE+j8SC5EXhLZ1ZBKT0+I=');
  });

  it('matches what signAksk produces and nothing else', () => {
    const headers = signAksk('key', 'secret', new Date('2026-01-01T00:00:00.456Z'), 'abc123');
    const parsed = parseAksk(headers.authorization, headers['x-aksk']);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.credentials.created).toBe('2026-01-01T00:00:00Z');
    expect(digestMatches('secret', parsed.credentials)).toBe(true);
    expect(digestMatches('Secret', parsed.credentials)).toBe(false);
    expect(digestMatches('secret', { ...parsed.credentials, passwordDigest: 'short' })).toBe(false);
  });
});
