import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import { sineWav } from '#libs/testing';
import { Platform, type TestApp } from './support/platform.js';

const MIB = 1024 * 1024;

/**
 * Sends a request's head declaring `declaredBytes` of body and only the first `sentBytes` of it,
 * then waits (at most 15 s) for the gateway's answer. An answer while most of the body is still
 * unsent proves the gateway answered without waiting for (and buffering) the body.
 */
function answerToPartialBody(
  baseUrl: string,
  path: string,
  headers: Record<string, string>,
  declaredBytes: number,
  sentBytes = 16 * 1024,
): Promise<{ status: number; text: string } | 'no answer'> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      const head = Object.entries({ ...headers, host: 'x', 'content-length': String(declaredBytes) })
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n`);
      socket.write(Buffer.alloc(sentBytes, 0x52));
    });
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('no answer');
    }, 15_000);
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(text);
      if (status && text.includes('\r\n\r\n')) {
        clearTimeout(timer);
        socket.destroy();
        resolve({ status: Number(status[1]), text });
      }
    });
    socket.on('error', reject);
  });
}

/**
 * Only the tone upload route reads a large body (up to 10 MiB), and only after the operator token
 * has been checked: a WAV / octet-stream body anywhere else, or without the token, is refused
 * without being read.
 */
describe('upload bodies are read only by the tone route, after authentication', () => {
  const platform = new Platform();
  let app: TestApp;

  beforeAll(async () => {
    await platform.start({}, { voice: false, notifier: false });
    app = await platform.createApp();
  });

  afterAll(() => platform.stop());

  it.each([
    ['audio/wav', '/admin/v1/apps/{appKey}/tones?name=big.wav', 401],
    ['application/octet-stream', '/admin/v1/apps/{appKey}/tones?name=big.wav', 401],
    ['audio/wav', '/admin/v1/apps', 401],
    ['application/octet-stream', '/rest/httpsessions/callVerify/v1.0', 400],
    ['audio/wav', '/api/v2/sdk/sms/send', 400],
    ['application/octet-stream', '/api/v2/sdk/captcha/check', 400],
  ])(
    'an unauthenticated 10 MiB %s POST to %s is answered (%i) before its body is sent',
    async (contentType, path, status) => {
      const answer = await answerToPartialBody(
        platform.baseUrl,
        path.replace('{appKey}', app.appKey),
        { 'content-type': contentType },
        10 * MIB,
      );
      expect(answer).not.toBe('no answer');
      expect((answer as { status: number }).status).toBe(status);
    },
  );

  it('an authenticated WAV body on any other route is refused as the wrong media type, unread', async () => {
    const admin = { authorization: `Bearer ${platform.config.adminToken}`, 'content-type': 'audio/wav' };
    const answer = await answerToPartialBody(platform.baseUrl, '/admin/v1/apps', admin, 2 * MIB);
    expect(answer).toMatchObject({ status: 415, text: expect.stringContaining('"UNSUPPORTED_MEDIA_TYPE"') });
    const sdk = { ...platform.sdkHeaders(app.appKey, 'upload-device'), 'content-type': 'application/octet-stream' };
    const sdkAnswer = await answerToPartialBody(platform.baseUrl, '/api/v2/sdk/sms/send', sdk, 2 * MIB);
    expect(sdkAnswer).toMatchObject({ status: 400, text: expect.stringContaining('"SMS.PARAMETER_INVALID"') });
  });

  it('the tone route refuses a declared body over 10 MiB at once (413 TONE_TOO_LARGE), and still takes a tone', async () => {
    const admin = { authorization: `Bearer ${platform.config.adminToken}`, 'content-type': 'audio/wav' };
    const answer = await answerToPartialBody(
      platform.baseUrl,
      `/admin/v1/apps/${app.appKey}/tones?name=big.wav`,
      admin,
      10 * MIB + 1,
    );
    expect(answer).toMatchObject({ status: 413, text: expect.stringContaining('"TONE_TOO_LARGE"') });
    const chunked = await fetch(`${platform.baseUrl}/admin/v1/apps/${app.appKey}/tones?name=chunked.wav`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platform.config.adminToken}`, 'content-type': 'application/octet-stream' },
      // No Content-Length: the handler counts as it reads.
      body: new Blob([new Uint8Array(sineWav())]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(201);
    expect(await chunked.json()).toMatchObject({ name: 'chunked.wav', status: 'pending' });
  });
});
