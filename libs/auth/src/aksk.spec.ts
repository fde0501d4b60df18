import { describe, expect, it } from '@jest/globals';
import { computeDigest, digestMatches, parseAksk, parseCreated, parseKeyValues, signAksk } from './aksk.js';

const AUTH = 'AKSK realm="SDP",profile="UsernameToken",type="Appkey"';
const X = 'UsernameToken Username="ZRBRz4bAXoFgEH7o4Ew308eXc1RA",PasswordDigest="abc=",Nonce="ac1c911c4792492687f8f6b2264a491e",Created="2018-05-26T00:35:30Z"';

describe('AKSK parsing', () => {
  it('reads the seed example', () => {
    const result = parseAksk(AUTH, X);
    expect(result).toEqual({
      ok: true,
      credentials: { appKey: 'ZRBRz4bAXoFgEH7o4Ew308eXc1RA', passwordDigest: 'abc=', nonce: 'ac1c911c4792492687f8f6b2264a491e', created: '2018-05-26T00:35:30Z' },
    });
  });

  it('tolerates the spacing of Huawei\'s other samples', () => {
    const spaced = 'UsernameToken Username = "k", PasswordDigest = "d", Nonce = "n1", Created = "2018-05-26T00:35:30Z"';
    expect(parseAksk('AKSK realm="SDP", profile="UsernameToken", type="Appkey"', spaced)).toMatchObject({ ok: true, credentials: { appKey: 'k', nonce: 'n1' } });
  });

  it('keeps = signs inside quoted base64 values', () => {
    expect(parseKeyValues('PasswordDigest="ab+/cd==",Nonce="x"').get('passworddigest')).toBe('ab+/cd==');
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

  it.each(['2018-02-12T15:30:20', '2018-02-12 15:30:20Z', '2018-02-12T15:30:20.123Z', '2018-02-31T10:00:00Z', '2018-13-01T10:00:00Z', '2018-02-12T10:30:60Z', '2018-02-12T10:60:00Z', '2018-02-12T24:00:00Z', 'yesterday'])('refuses %s', (value) => {
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
