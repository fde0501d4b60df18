import { describe, expect, it } from '@jest/globals';
import { RpcTimeoutError } from '#libs/messaging';
import type { JsonLogger, PlatformConfig } from '#libs/runtime';
import { CaptchaRpcClient } from './captcha-rpc.client.js';

const logger = { child: () => logger, warn: () => undefined } as unknown as JsonLogger;
const config = { captcha: { rpcTimeoutMs: 1000 } } as unknown as PlatformConfig;
const getRequest = {
  op: 'get',
  caller: { appKey: 'a', fingerprint: 'f', clientIp: '127.0.0.1', addressBucket: '127.0.0.1' },
  captchaType: 'blockPuzzle',
  lang: 'zh',
} as const;

/** A client whose RabbitMQ answer is `answer` (bytes) or `error`. */
function clientAnswering(answer: Buffer | Error): CaptchaRpcClient {
  const client = new CaptchaRpcClient({} as never, config, logger);
  (client as unknown as { rpc: { callRaw: () => Promise<Buffer> } }).rpc.callRaw = () =>
    answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  return client;
}

describe('CaptchaRpcClient.askGet', () => {
  it('cuts the SDK body out of a successful answer without parsing it: the same bytes the worker wrote', async () => {
    const body = {
      token: 'ab'.repeat(16),
      originalImageBase64: 'iVBORw0KGgo=',
      wordList: null,
      pow: { algorithm: 'SHA-256', maxnumber: 1e5 },
    };
    const written = Buffer.from(JSON.stringify({ ok: true, body }));
    const answer = await clientAnswering(written).askGet(getRequest);
    expect(answer.ok).toBe(true);
    const json = (answer as { json: Buffer }).json;
    expect(json.toString('utf8')).toBe(JSON.stringify(body));
    expect(json.buffer).toBe(written.buffer); // a view on the answer, not a copy
  });

  it('parses an error answer, and a worker that does not answer is SERVICE_UNAVAILABLE', async () => {
    expect(await clientAnswering(Buffer.from('{"ok":false,"code":"RATE_LIMITED"}')).askGet(getRequest)).toEqual({
      ok: false,
      code: 'RATE_LIMITED',
    });
    expect(await clientAnswering(new RpcTimeoutError('captcha', 1000)).askGet(getRequest)).toEqual({
      ok: false,
      code: 'SERVICE_UNAVAILABLE',
    });
  });

  it('an answer with its fields in another order is still sent as JSON of the body', async () => {
    const answer = await clientAnswering(Buffer.from('{"body":{"token":"x"},"ok":true}')).askGet(getRequest);
    expect(answer).toEqual({ ok: true, json: Buffer.from('{"token":"x"}') });
  });
});
