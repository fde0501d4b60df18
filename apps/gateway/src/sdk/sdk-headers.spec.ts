import { describe, expect, it } from '@jest/globals';
import { sdkErrorBody } from '#libs/contracts';
import { languageOf, parseSdkHeaders } from './sdk-headers.js';

const good = {
  'x-operating-sys-version': 'Android 10',
  'x-device-fingerprint': '156aysdna213sac',
  'x-agent': 'Mozilla/5.0',
  'x-client-id': 'abc',
};

describe('SDK headers', () => {
  it('accepts the seed example', () => {
    expect(parseSdkHeaders({ ...good, 'x-l': 'en' })).toEqual({
      ok: true,
      headers: {
        lang: 'en',
        clientId: 'abc',
        fingerprint: '156aysdna213sac',
        osVersion: 'Android 10',
        agent: 'Mozilla/5.0',
      },
    });
  });
  it.each(Object.keys(good))('refuses a request without %s, in the X-L language', (name) => {
    const headers: Record<string, string> = { ...good, 'x-l': 'en' };
    delete headers[name];
    expect(parseSdkHeaders(headers)).toEqual({ ok: false, lang: 'en', code: 'HEADER_MISSING', detail: name });
    headers[name] = '   ';
    expect(parseSdkHeaders(headers)).toMatchObject({ ok: false, code: 'HEADER_MISSING' });
  });
  it('refuses over-long or control-character values', () => {
    expect(parseSdkHeaders({ ...good, 'x-device-fingerprint': 'f'.repeat(129) })).toMatchObject({
      ok: false,
      code: 'PARAMETER_INVALID',
    });
    expect(parseSdkHeaders({ ...good, 'x-agent': 'a\u0001b' })).toMatchObject({ ok: false, code: 'PARAMETER_INVALID' });
  });
  it('speaks Chinese unless told en', () => {
    expect(languageOf(undefined)).toBe('zh');
    expect(languageOf('zh')).toBe('zh');
    expect(languageOf('en-US')).toBe('en');
    expect(sdkErrorBody('CAPTCHA', 'HEADER_MISSING', 'zh', 'x-agent')).toEqual({
      error_code: 'CAPTCHA.HEADER_MISSING',
      error_msg: '缺少必填请求头: x-agent',
    });
    expect(sdkErrorBody('SMS', 'HEADER_MISSING', 'en').error_msg).toBe('A required header is missing');
  });
});
