import { describe, expect, it } from '@jest/globals';
import { AdminApi, ApiError, describeError, errorOf, queryString } from './api.js';

describe('console API client', () => {
  it('reads the management API error body into a code and words', () => {
    const error = errorOf(400, '{"error_code":"INVALID_FIELD","error_msg":"permissions must be an array"}');
    expect(error).toBeInstanceOf(ApiError);
    expect(describeError(error)).toBe('INVALID_FIELD (HTTP 400): permissions must be an array');
  });

  it('names an answer without an error body by its HTTP status', () => {
    expect(describeError(errorOf(502, '<html>Bad gateway</html>'))).toBe(
      'HTTP_502 (HTTP 502): <html>Bad gateway</html>',
    );
    expect(describeError(errorOf(500, ''))).toBe('HTTP_500 (HTTP 500): no explanation given');
  });

  it('says the gateway could not be reached when fetch itself fails', () => {
    expect(describeError(new TypeError('Failed to fetch'))).toBe(
      'NETWORK_ERROR: the gateway could not be reached (Failed to fetch)',
    );
  });

  it('sends only the filled-in filters', () => {
    expect(queryString({ appKey: 'k1', number: '', sessionId: undefined, limit: 50, to: null })).toBe(
      '?appKey=k1&limit=50',
    );
    expect(queryString({ number: '+8613800000001' })).toBe('?number=%2B8613800000001');
    expect(queryString({})).toBe('');
  });

  it('sends the token as a bearer header, never in the URL, and JSON bodies as JSON', async () => {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const api = new AdminApi('s3cret-token', async (url, init) => {
      calls.push({ url: url as string, init: init! }); // AdminApi passes a path string
      return new Response('{"appKey":"k"}', { status: 201 });
    });
    expect(await api.json('/apps', { method: 'POST', body: { name: 'shop' } })).toEqual({ appKey: 'k' });
    expect(calls[0]!.url).toBe('/admin/v1/apps');
    expect(calls[0]!.url).not.toContain('s3cret');
    expect(calls[0]!.init.headers).toEqual({
      authorization: 'Bearer s3cret-token',
      'content-type': 'application/json',
    });
    expect(calls[0]!.init.body).toBe('{"name":"shop"}');
  });

  it('throws the API error of a refused call', async () => {
    const api = new AdminApi(
      't',
      async () =>
        new Response('{"error_code":"ADMIN_UNAUTHORIZED","error_msg":"the operator token is not valid"}', {
          status: 401,
        }),
    );
    await expect(api.json('/apps')).rejects.toMatchObject({ status: 401, code: 'ADMIN_UNAUTHORIZED' });
  });

  it('sends a file as it is, with its media type', async () => {
    let seen: RequestInit | undefined;
    const api = new AdminApi('t', async (_url, init) => {
      seen = init;
      return new Response('', { status: 201 });
    });
    const file = new Blob([new Uint8Array([82, 73, 70, 70])]);
    await api.json('/apps/k/tones?name=a.wav', { method: 'POST', body: file, contentType: 'audio/wav' });
    expect(seen!.body).toBe(file);
    expect((seen!.headers as Record<string, string>)['content-type']).toBe('audio/wav');
  });
});
