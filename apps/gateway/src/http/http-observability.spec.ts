import { describe, expect, it } from '@jest/globals';
import { apiOutcome, methodLabel, routeLabel, UNMATCHED_ROUTE } from './http-observability.js';

describe('HTTP metric labels', () => {
  it('uses the route template, never the URL, and one value for unknown routes', () => {
    expect(routeLabel('/admin/v1/apps/:appKey')).toBe('/admin/v1/apps/:appKey');
    expect(routeLabel(undefined)).toBe(UNMATCHED_ROUTE);
    expect(routeLabel('')).toBe(UNMATCHED_ROUTE);
  });

  it('bounds the method', () => {
    expect(methodLabel('post')).toBe('POST');
    expect(methodLabel('PROPFIND')).toBe('OTHER');
  });
});

describe('apiOutcome', () => {
  it('reads callVerify result codes from the answer, within the result-code table', () => {
    expect(
      apiOutcome(
        '/rest/httpsessions/callVerify/v1.0',
        200,
        '{"resultcode":"0","resultdesc":"Success","sessionId":"x"}',
      ),
    ).toEqual({ api: 'callVerify', result: '0' });
    expect(
      apiOutcome('/rest/httpsessions/callVerify/v1.0', 403, '{"resultcode":"1010003","resultdesc":"Invalid app_key."}'),
    ).toEqual({ api: 'callVerify', result: '1010003' });
    expect(apiOutcome('/rest/httpsessions/callVerify/v1.0', 500, '{"resultcode":"+8613800000000"}')).toEqual({
      api: 'callVerify',
      result: 'other',
    });
    expect(apiOutcome('/rest/httpsessions/callVerify/v1.0', 500, 'not json')).toEqual({
      api: 'callVerify',
      result: 'other',
    });
  });

  it('reads SDK answers: ok for 200, else the code without its API prefix', () => {
    expect(apiOutcome('/api/v2/sdk/sms/send', 200, '{"result":true}')).toEqual({ api: 'smsSend', result: 'ok' });
    expect(apiOutcome('/api/v2/sdk/sms/send', 429, '{"error_code":"SMS.RESEND_TOO_SOON","error_msg":"…"}')).toEqual({
      api: 'smsSend',
      result: 'RESEND_TOO_SOON',
    });
    expect(apiOutcome('/api/v2/sdk/captcha/check', 400, '{"error_code":"CAPTCHA.MADE_UP"}')).toEqual({
      api: 'captchaCheck',
      result: 'other',
    });
  });

  it('ignores other routes', () => {
    expect(apiOutcome('/admin/v1/apps', 201, '{}')).toBeNull();
    expect(apiOutcome(undefined, 404, '{}')).toBeNull();
  });
});
