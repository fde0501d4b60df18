import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { join } from 'node:path';
import { generateWebhookSecret, signAksk, signPush, signStandardWebhook } from '#libs/auth';
import { expectEventually } from '#libs/testing';
import { freePort } from './support/app-process.js';

/** Sends raw bytes (header values the fetch API would refuse) and resolves with the status line, or 'closed'. */
function rawPost(port: number, headerBytes: Buffer, body: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end(
        Buffer.concat([
          Buffer.from(
            `POST /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`,
            'latin1',
          ),
          headerBytes,
          Buffer.from(`\r\n\r\n${body}`, 'latin1'),
        ]),
      );
    });
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(text ? text.split('\r\n')[0]! : 'closed'));
  });
}

/**
 * examples/webhook-receiver.mjs is what the README and docs/operations.md give integrators: it
 * must accept what the notifier signs (libs/auth's signers) and refuse anything else without
 * falling over.
 */
describe('examples/webhook-receiver.mjs', () => {
  const appKey = 'example-app';
  const appSecret = 'example-secret-0123456789';
  const webhookSecret = generateWebhookSecret();
  let child: ChildProcess;
  let port: number;
  const output: string[] = [];

  beforeAll(async () => {
    port = await freePort();
    child = spawn(process.execPath, [join(process.cwd(), 'examples/webhook-receiver.mjs'), String(port)], {
      env: { PATH: process.env.PATH ?? '', APP_KEY: appKey, APP_SECRET: appSecret, WEBHOOK_SECRET: webhookSecret },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    await expectEventually(() => expect(output.join('')).toContain('webhook receiver on'));
  });

  afterAll(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  const post = (headers: Record<string, string>, body: string) =>
    fetch(`http://127.0.0.1:${port}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('accepts a notification signed as the notifier signs it (push X-AKSK and Standard Webhooks)', async () => {
    const body = JSON.stringify({ eventType: 'callout', statusInfo: { sessionId: 's-1' } });
    const response = await post(
      { ...signPush(appKey, appSecret, body), ...signStandardWebhook([webhookSecret], randomUUID(), body) },
      body,
    );
    expect(response.status).toBe(200);
    await expectEventually(() => expect(output.join('')).toContain('[signed ok]'));
  });

  it('refuses a changed body and a wrong app secret with 401', async () => {
    const body = JSON.stringify({ eventType: 'callout' });
    const signed = {
      ...signPush(appKey, appSecret, body),
      ...signStandardWebhook([webhookSecret], randomUUID(), body),
    };
    expect((await post(signed, body.replace('callout', 'answer'))).status).toBe(401);
    expect((await post({ ...signed, ...signPush(appKey, 'another-secret-0123456789', body) }, body)).status).toBe(401);
  });

  it('refuses a replayed push (its Nonce was seen) and API-style AKSK headers with 401', async () => {
    const body = JSON.stringify({ eventType: 'answer' });
    const signed = {
      ...signPush(appKey, appSecret, body),
      ...signStandardWebhook([webhookSecret], randomUUID(), body),
    };
    expect((await post(signed, body)).status).toBe(200);
    expect((await post(signed, body)).status).toBe(401);
    await expectEventually(() => expect(output.join('')).toContain('Nonce already seen'));
    // The API's own signature (realm SDP, keyed by the app secret itself) is not a push.
    expect(
      (
        await post(
          { ...signAksk(appKey, appSecret), ...signStandardWebhook([webhookSecret], randomUUID(), body) },
          body,
        )
      ).status,
    ).toBe(401);
  });

  it('answers 401 to digests and signatures of non-ASCII bytes, and keeps running', async () => {
    // 44 latin-1 bytes: as long as a real base64 digest in characters, longer in UTF-8 bytes.
    const digest = Buffer.alloc(44, 0xe9);
    const aksk = Buffer.concat([
      Buffer.from('X-AKSK: UsernameToken Username="example-app",PasswordDigest="', 'latin1'),
      digest,
      Buffer.from(`",Nonce="n",Created="${new Date().toISOString()}"`, 'latin1'),
    ]);
    expect(await rawPost(port, aksk, '{}')).toBe('HTTP/1.1 401 Unauthorized');
    const signature = Buffer.concat([
      Buffer.from('webhook-id: x\r\nwebhook-timestamp: 1\r\nwebhook-signature: v1,', 'latin1'),
      Buffer.alloc(44, 0xe9),
    ]);
    expect(await rawPost(port, signature, '{}')).toBe('HTTP/1.1 401 Unauthorized');
    expect(child.exitCode).toBeNull();
  });
});
