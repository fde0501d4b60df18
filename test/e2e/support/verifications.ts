import { signAksk } from '#libs/auth';
import { expectEventually, type TestSmsc } from '#libs/testing';
import { ok, type Platform, type TestApp } from './platform.js';

export type VerifyAnswer = { status: number; body: any };

/** The SMPP settings of a platform whose sms worker sends to a TestSmsc on loopback (no country code: `+` numbers go as digits). */
export function smppEnv(port: number): Record<string, string> {
  return {
    VERIGATE_SMS_PROVIDER: 'smpp',
    VERIGATE_SMPP_URL: `smpp://verigate:secret@127.0.0.1:${port}`,
    VERIGATE_SMPP_SOURCE_ADDR: 'Verigate',
    VERIGATE_SMPP_ENQUIRE_LINK_S: '5',
  };
}

/** An app with a display number and the `verify` permission whose verification events go to the receiver's `eventsPath`. */
export async function verifyingApp(platform: Platform, eventsPath: string): Promise<TestApp> {
  const app = await platform.createApp();
  await ok(
    await platform.admin('PATCH', `/apps/${app.appKey}`, {
      permissions: ['captcha', 'sms', 'voice', 'verify'],
      verificationStatusUrl: platform.receiver.url(eventsPath),
    }),
  );
  return app;
}

/** POST on /api/v3/verifications…, AKSK-signed as `app`, from a client behind the trusted proxy 127.0.0.1. */
export async function verifyApi(
  platform: Platform,
  app: TestApp,
  path: string,
  body: unknown,
  headers: Record<string, string> = signAksk(app.appKey, app.appSecret),
): Promise<VerifyAnswer> {
  const response = await fetch(`${platform.baseUrl}/api/v3/verifications${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json;charset=UTF-8', 'x-forwarded-for': '198.51.100.7', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** The code of the SMS the SMS centre got for `to` (digits of an E.164 number), once it arrived. */
export async function smsCodeFor(smsc: TestSmsc, to: string): Promise<string> {
  const destination = to.replace(/^\+/, '');
  return expectEventually(() => {
    const message = smsc.messages().find((m) => m.destination === destination && m.complete);
    if (!message) throw new Error(`no SMS to ${destination} yet`);
    return /(\d{4,10})\./.exec(message.text)![1]!;
  });
}
