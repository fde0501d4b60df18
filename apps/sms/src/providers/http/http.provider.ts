import { createHmac } from 'node:crypto';
import type { JsonLogger } from '#libs/runtime';
import { SmsSubmitError, type OutgoingSms, type SmsProvider, type SubmitResult } from '../sms-provider.js';

/** How long one request to the HTTP gateway may take before it counts as a transient failure. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * `X-Verigate-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the secret>`:
 * the receiver recomputes it and refuses stale timestamps, so a captured request cannot be replayed
 * later nor forged.
 */
export function signHttpSms(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`;
}

/** Transient: the gateway may take the same message later (timeouts, throttling, its own faults). */
export function httpStatusIsTransient(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/**
 * Generic HTTP SMS gateway (VERIGATE_SMS_PROVIDER=http): `POST VERIGATE_SMS_HTTP_URL` with
 * `{"messageId","to","text"}` and a signature header; a 2xx answer may name the gateway's id as
 * `{"id": "…"}` (logged). Redirects are not followed. No delivery receipts: messages stay
 * `submitted`.
 */
export class HttpSmsProvider implements SmsProvider {
  readonly name = 'http' as const;
  private stopped = true;

  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly logger: JsonLogger,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    this.logger.info('SMS provider "http"', { url: new URL(this.url).origin });
  }

  async submit(sms: OutgoingSms): Promise<SubmitResult> {
    if (this.stopped) throw new SmsSubmitError('the provider is stopping', true);
    const body = JSON.stringify({ messageId: sms.messageId, to: sms.to, text: sms.text });
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        headers: {
          'content-type': 'application/json',
          'x-verigate-signature': signHttpSms(this.secret, body, Math.floor(Date.now() / 1000)),
        },
        body,
      });
    } catch (error) {
      throw new SmsSubmitError(`request failed: ${(error as Error).message}`, true);
    }
    const answer = await response.text().catch(() => '');
    if (!response.ok) {
      throw new SmsSubmitError(
        `the HTTP gateway answered ${response.status}`,
        httpStatusIsTransient(response.status),
        `HTTP ${response.status}`,
      );
    }
    // The gateway's own id (`{"id": …}`) is logged, not used as the segment's key: nothing says
    // an HTTP gateway's ids are unique, and this provider gets no receipts to match anyway.
    let gatewayId: unknown;
    try {
      gatewayId = (JSON.parse(answer) as { id?: unknown }).id;
    } catch {
      gatewayId = undefined;
    }
    if (typeof gatewayId === 'string' && gatewayId.length <= 128)
      this.logger.info('sms taken by the HTTP gateway', { messageId: sms.messageId, gatewayId });
    return { providerIds: [sms.messageId] };
  }

  isReady(): boolean {
    return !this.stopped;
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}
