import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Verification of Verigate's webhook pushes (statusUrl, feeUrl, smsStatusUrl), as a receiver
 * does it over the raw bytes received, before parsing them (docs/operations.md, "What a webhook
 * receiver must verify"). Two signatures, each checked with a replay window:
 *
 * - The push authentication, on every push, keyed by the app secret:
 *     Authorization: AKSK realm="SDP-PUSH",profile="UsernameToken",type="Appkey"
 *     X-AKSK: UsernameToken Username="<appKey>",PasswordDigest="<d>",Nonce="<n>",Created="<t>"
 *     pushKey = HMAC-SHA256(appSecret, "verigate push v1");  d = Base64(HMAC-SHA256(pushKey, n + t + hex(SHA-256(body))))
 *   Fresh when `Created` is within the tolerance; a nonce seen before is a replay.
 * - Standard Webhooks, when the app has a webhook secret (`whsec_…`):
 *     webhook-signature: "v1,<Base64(HMAC-SHA256(key, id + "." + timestamp + "." + body))>" (several, space-separated, during a rotation)
 *   Fresh when `webhook-timestamp` is within the tolerance; the same id and timestamp again is a replay
 *   (a retry of the same message carries the same id with a new timestamp).
 */
export type HeaderBag = Headers | Record<string, string | string[] | undefined>;
export type RawBody = string | Uint8Array;
export type WebhookVerification = { ok: true } | { ok: false; reason: string };

/** Five minutes either way, the Standard Webhooks default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;
/** Longest header value read: real ones are under 300 characters. */
const MAX_HEADER_LENGTH = 1024;
const PUSH_REALM = 'SDP-PUSH';
const PUSH_KEY_LABEL = 'verigate push v1';

/** One header's value (first of repeated ones), whatever form the headers come in. */
export function headerOf(headers: HeaderBag, name: string): string {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? '';
  const bag = headers as Record<string, string | string[] | undefined>;
  const value = bag[name] ?? Object.entries(bag).find(([k]) => k.toLowerCase() === name)?.[1];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/**
 * Keys seen within a window, to refuse a signed push a second time. Entries expire after
 * `windowMs`, which must cover the tolerance on both sides (a push is fresh from −tolerance to
 * +tolerance), so the default is twice the default tolerance. One per process; several
 * receivers behind a balancer need a shared store instead (same keys, same expiry).
 */
export class ReplayWindow {
  private readonly seen = new Map<string, number>();

  constructor(readonly windowMs = 2 * DEFAULT_TOLERANCE_SECONDS * 1000) {}

  /** True the first time `key` is offered within the window; false for a replay. */
  firstSeen(key: string, now = Date.now()): boolean {
    for (const [seenKey, expires] of this.seen) {
      if (expires > now) break; // insertion order is expiry order
      this.seen.delete(seenKey);
    }
    if (this.seen.has(key)) return false;
    this.seen.set(key, now + this.windowMs);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}

// Compare bytes, not characters: header values of non-ASCII bytes can match in length as strings
// and not as UTF-8, and timingSafeEqual throws on unequal lengths.
function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `key="value"` pairs (keys lower-cased, the first of a repeated key wins). */
function fieldsOf(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const [, key, value] of text.matchAll(/([A-Za-z][A-Za-z0-9_-]*)\s*=\s*"([^"]*)"/g))
    if (!fields.has(key!.toLowerCase())) fields.set(key!.toLowerCase(), value!);
  return fields;
}

/** `yyyy-MM-ddTHH:mm:ssZ` → epoch ms, or NaN. */
function parseCreated(created: string): number {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(created) ? Date.parse(created) : NaN;
}

export function pushDigest(appSecret: string, nonce: string, created: string, rawBody: RawBody): string {
  const pushKey = createHmac('sha256', appSecret).update(PUSH_KEY_LABEL).digest();
  const bodyHash = createHash('sha256').update(rawBody).digest('hex');
  return createHmac('sha256', pushKey)
    .update(nonce + created + bodyHash)
    .digest('base64');
}

export interface PushVerifyOptions {
  appKey: string;
  appSecret: string;
  toleranceSeconds?: number;
  /** Nonces seen: a push whose nonce is in it is refused (without one, replays are not detected). */
  replay?: ReplayWindow;
  /** Epoch ms (tests). */
  now?: number;
}

/** The push authentication (`Authorization` + `X-AKSK`, realm SDP-PUSH) over the raw body. */
export function verifyPushSignature(
  headers: HeaderBag,
  rawBody: RawBody,
  options: PushVerifyOptions,
): WebhookVerification {
  const authorization = headerOf(headers, 'authorization');
  const xAksk = headerOf(headers, 'x-aksk');
  if (authorization.length > MAX_HEADER_LENGTH || xAksk.length > MAX_HEADER_LENGTH)
    return { ok: false, reason: 'X-AKSK: header too long' };
  if (fieldsOf(authorization).get('realm') !== PUSH_REALM)
    return { ok: false, reason: `Authorization: realm is not ${PUSH_REALM}` };
  if (!xAksk.trim().startsWith('UsernameToken')) return { ok: false, reason: 'X-AKSK: not a UsernameToken' };
  const fields = fieldsOf(xAksk);
  const [username, digest, nonce, created] = ['username', 'passworddigest', 'nonce', 'created'].map(
    (k) => fields.get(k) ?? '',
  ) as [string, string, string, string];
  if (username !== options.appKey) return { ok: false, reason: 'X-AKSK: wrong or missing Username' };
  if (!nonce || !created) return { ok: false, reason: 'X-AKSK: Nonce or Created missing' };
  if (!sameText(pushDigest(options.appSecret, nonce, created, rawBody), digest))
    return { ok: false, reason: 'X-AKSK: bad PasswordDigest' };
  const now = options.now ?? Date.now();
  const createdMs = parseCreated(created);
  const tolerance = (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS) * 1000;
  if (!(Math.abs(now - createdMs) <= tolerance)) return { ok: false, reason: 'X-AKSK: Created outside the tolerance' };
  if (options.replay && !options.replay.firstSeen(`push:${username}:${nonce}`, now))
    return { ok: false, reason: 'X-AKSK: Nonce already seen (a replay)' };
  return { ok: true };
}

export interface StandardWebhookVerifyOptions {
  /** `whsec_<Base64 key>` (a bare Base64 key is accepted too). */
  secret: string;
  toleranceSeconds?: number;
  /** (webhook-id, webhook-timestamp) pairs seen: a repeat is refused. */
  replay?: ReplayWindow;
  now?: number;
}

export function standardWebhookSignature(secret: string, id: string, timestamp: string, rawBody: RawBody): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest('base64')}`;
}

/** The Standard Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`) over the raw body. */
export function verifyStandardWebhook(
  headers: HeaderBag,
  rawBody: RawBody,
  options: StandardWebhookVerifyOptions,
): WebhookVerification {
  const id = headerOf(headers, 'webhook-id');
  const timestamp = headerOf(headers, 'webhook-timestamp');
  const signatures = headerOf(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) return { ok: false, reason: 'webhook-id, -timestamp or -signature missing' };
  if (signatures.length > 4 * MAX_HEADER_LENGTH) return { ok: false, reason: 'webhook-signature: too long' };
  const expected = standardWebhookSignature(options.secret, id, timestamp, rawBody);
  if (!signatures.split(' ').some((candidate) => sameText(candidate, expected)))
    return { ok: false, reason: 'webhook-signature: no match' };
  const now = options.now ?? Date.now();
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > tolerance)
    return { ok: false, reason: 'webhook-timestamp outside the tolerance' };
  if (options.replay && !options.replay.firstSeen(`swh:${id}:${timestamp}`, now))
    return { ok: false, reason: 'webhook-id already seen with this timestamp (a replay)' };
  return { ok: true };
}

export interface WebhookVerifierOptions {
  appKey: string;
  appSecret: string;
  /** The app's Standard Webhooks secret; when given, those headers are required too. */
  webhookSecret?: string;
  toleranceSeconds?: number;
}

/**
 * What a receiver runs on every push: the push authentication and, with a webhook secret, the
 * Standard Webhooks signature, each with its own replay window. Answer 401 when it is not ok
 * (the notifier retries, then gives up), 200 otherwise.
 */
export class WebhookVerifier {
  private readonly pushNonces: ReplayWindow;
  private readonly webhookIds: ReplayWindow;

  constructor(private readonly options: WebhookVerifierOptions) {
    const windowMs = 2 * (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS) * 1000;
    this.pushNonces = new ReplayWindow(windowMs);
    this.webhookIds = new ReplayWindow(windowMs);
  }

  verify(headers: HeaderBag, rawBody: RawBody, now = Date.now()): { ok: true } | { ok: false; reasons: string[] } {
    const { appKey, appSecret, webhookSecret, toleranceSeconds } = this.options;
    const checks = [
      verifyPushSignature(headers, rawBody, { appKey, appSecret, toleranceSeconds, replay: this.pushNonces, now }),
      ...(webhookSecret
        ? [
            verifyStandardWebhook(headers, rawBody, {
              secret: webhookSecret,
              toleranceSeconds,
              replay: this.webhookIds,
              now,
            }),
          ]
        : []),
    ];
    const reasons = checks.flatMap((c) => (c.ok ? [] : [c.reason]));
    return reasons.length ? { ok: false, reasons } : { ok: true };
  }
}
