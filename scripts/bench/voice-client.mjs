/** The voice benchmark's HTTP client for the gateway on `port`: health, app setup, signed callVerify requests. */
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
// Built output is imported at run time (as the other bench scripts do), so linting works on an unbuilt clone.
const { encodeWav } = await import(new URL('../../dist/libs/media/src/wav.js', import.meta.url).href);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function createVoiceClient(PORT) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  function request(method, path, headers, body) {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: PORT, method, path, headers, agent }, (res) => {
        let data = '';
        res.on('data', (c) => (data += c));
        res.on('end', () => resolve({ status: res.statusCode, body: data }));
      });
      req.on('error', reject);
      if (body) req.write(body);
      req.end();
    });
  }
  const adminHeaders = { authorization: 'Bearer dev-admin-token', 'content-type': 'application/json' };

  async function waitHealthy() {
    for (let i = 0; i < 120; i++) {
      try {
        const r = await request('GET', '/health', {});
        if (r.status === 200) return;
      } catch {
        /* not up yet */
      }
      await sleep(500);
    }
    throw new Error('gateway did not become healthy');
  }

  // Half a second of silence at 8 kHz, written by the platform's own WAV writer (libs/media).
  function wav() {
    return encodeWav(new Int16Array(4000), 8000);
  }

  async function createApp() {
    const app = JSON.parse(
      (await request('POST', '/admin/v1/apps', adminHeaders, JSON.stringify({ name: 'bench' }))).body,
    );
    await request(
      'POST',
      `/admin/v1/apps/${app.appKey}/numbers`,
      adminHeaders,
      JSON.stringify({ number: '+8675528000088' }),
    );
    await request(
      'POST',
      `/admin/v1/apps/${app.appKey}/tones?name=welcome.wav`,
      { ...adminHeaders, 'content-type': 'audio/wav' },
      wav(),
    );
    await request('POST', `/admin/v1/apps/${app.appKey}/tones/welcome.wav/approve`, adminHeaders);
    return app;
  }

  let seq = 0;
  function callVerify(app, statusUrl) {
    const nonce = randomBytes(12).toString('hex');
    const created = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const digest = createHmac('sha256', app.appSecret)
      .update(nonce + created)
      .digest('base64');
    const body = JSON.stringify({
      displayNbr: '+8675528000088',
      calleeNbr: `+86138${String(seq++ % 100000000).padStart(8, '0')}`.replace(/(486|480|404|408|603)$/, '000'),
      languageType: 2,
      preTone: 'welcome.wav',
      verifyCode: '123456',
      times: 1,
      ...(statusUrl ? { statusUrl } : {}),
    });
    const started = performance.now();
    return request(
      'POST',
      '/rest/httpsessions/callVerify/v1.0',
      {
        'content-type': 'application/json;charset=UTF-8',
        authorization: 'AKSK realm="SDP",profile="UsernameToken",type="Appkey"',
        'x-aksk': `UsernameToken Username="${app.appKey}",PasswordDigest="${digest}",Nonce="${nonce}",Created="${created}"`,
      },
      body,
    ).then((r) => ({ ...r, ms: performance.now() - started }));
  }

  return { request, waitHealthy, createApp, callVerify };
}
