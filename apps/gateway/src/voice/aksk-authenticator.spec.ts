import { describe, expect, it } from '@jest/globals';
import { signAksk, signPush } from '#libs/auth';
import { JsonLogger, type PlatformConfig } from '#libs/runtime';
import type { AppDirectory } from '../directory/app-directory.service.js';
import { RestError } from '../http/rest-error.js';
import { AkskAuthenticator } from './aksk-authenticator.service.js';
import type { IpGuard } from '../policy/ip-guard.service.js';
import type { AuthNoncesRepository } from './auth-nonces.repository.js';

const APP = { appKey: 'app-1', appSecret: 'the-app-secret' };

/** An authenticator over one known app, recording which addresses were charged with a failure. */
function authenticator() {
  const charged: string[] = [];
  const apps = {
    find: async (appKey: string) => (appKey === APP.appKey ? { ...APP } : null),
  } as unknown as AppDirectory;
  const ipGuard = {
    recordAuthFailure: async (ip: string) => {
      charged.push(ip);
    },
  } as unknown as IpGuard;
  const config = { auth: { skewSeconds: 900 } } as unknown as PlatformConfig;
  const auth = new AkskAuthenticator(
    apps,
    ipGuard,
    {} as AuthNoncesRepository,
    config,
    new JsonLogger('test', 'error'),
  );
  return { auth, charged };
}

async function refusal(run: Promise<unknown>): Promise<{ code: string; detail?: string }> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RestError);
  return { code: (error as RestError).row.code, detail: (error as RestError).detail };
}

describe('AkskAuthenticator', () => {
  it("accepts the app's own signature, charging nothing", async () => {
    const { auth, charged } = authenticator();
    const h = signAksk(APP.appKey, APP.appSecret);
    await expect(auth.authenticate(h.authorization, h['x-aksk'], '198.51.100.7')).resolves.toMatchObject({
      app: { appKey: 'app-1' },
    });
    expect(charged).toEqual([]);
  });

  it('refuses the headers of a webhook push (realm SDP-PUSH) with 1023009, and with the realm rewritten to SDP with 1010010', async () => {
    const { auth, charged } = authenticator();
    const push = signPush(APP.appKey, APP.appSecret, '{"eventType":"callout"}');
    expect(await refusal(auth.authenticate(push.authorization, push['x-aksk'], '198.51.100.7'))).toMatchObject({
      code: '1023009',
    });
    const rewritten = push.authorization!.replace('SDP-PUSH', 'SDP');
    expect(await refusal(auth.authenticate(rewritten, push['x-aksk'], '198.51.100.7'))).toMatchObject({
      code: '1010010',
    });
    expect(charged).toEqual(['198.51.100.7', '198.51.100.7']);
  });

  it("counts malformed and oversized headers as authentication failures, keeping each fault's code", async () => {
    const { auth, charged } = authenticator();
    const h = signAksk(APP.appKey, APP.appSecret);
    expect(await refusal(auth.authenticate(undefined, h['x-aksk'], '203.0.113.1'))).toMatchObject({ code: '1023006' });
    expect(await refusal(auth.authenticate('AKSK realm="SDP"', h['x-aksk'], '203.0.113.2'))).toMatchObject({
      code: '1023008',
    });
    expect(await refusal(auth.authenticate('AKSK ' + 'w'.repeat(16_000), h['x-aksk'], '203.0.113.3'))).toEqual({
      code: '1023006',
      detail: 'Authorization is longer than 1024 characters',
    });
    expect(
      await refusal(auth.authenticate(h.authorization, 'UsernameToken ' + 'w'.repeat(16_000), '203.0.113.4')),
    ).toEqual({ code: '1023033', detail: 'X-AKSK is longer than 1024 characters' });
    expect(charged).toEqual(['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4']);
  });
});
