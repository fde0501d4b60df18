import { Injectable } from '@nestjs/common';
import { AppsRepository } from '#libs/persistence';
import { SecretBox, signPush, signStandardWebhook } from '#libs/auth';

/**
 * How long an app's unsealed signing secrets are reused. Secrets change in the gateway (another
 * process), so a rotation reaches the notifier within this time; short, so a rotated or disabled
 * secret is not used for long, and so plain secrets do not sit in memory for long.
 */
export const SIGNING_KEYS_TTL_MS = 5000;

/** An app's secrets as the notifier signs with them (plain: never logged, never stored). */
interface SigningKeys {
  appSecret: string;
  /** Standard Webhooks secrets, current first; empty = that scheme is off for the app. */
  webhookSecrets: string[];
  /** When the previous Standard Webhooks secret stops being used (null: there is none). */
  previousUntil: Date | null;
}

interface CacheEntry {
  loadedAt: number;
  keys: Promise<SigningKeys | null>;
}

/** The app of a delivery no longer exists: it can never be signed (a permanent failure). */
export class UnknownAppError extends Error {
  constructor(appKey: string) {
    super(`app ${appKey} not found: cannot sign the notification`);
    this.name = 'UnknownAppError';
  }
}

/** A secret that cannot be unsealed (sealed under another VERIGATE_MASTER_KEY): retried on the schedule. */
export class UnreadableSecretError extends Error {
  constructor(appKey: string, what: string) {
    super(
      `the ${what} of app ${appKey} cannot be opened (sealed under another VERIGATE_MASTER_KEY?): notification not signed`,
    );
    this.name = 'UnreadableSecretError';
  }
}

/**
 * Signs every notification (docs/contract.md#notifications as extended by issue 7):
 * - always the Huawei-style push authentication (`Authorization` + `X-AKSK`, fresh Nonce and Created
 *   per attempt): the API's header shape, but realm `SDP-PUSH`, a push key derived from the app
 *   secret and a digest over the body (libs/auth push-signature), so a captured push can never
 *   authenticate a callVerify (issue 14);
 * - when the app has a Standard Webhooks secret, `webhook-id` (the delivery id, the same on every
 *   retry), `webhook-timestamp` and `webhook-signature` (two signatures during a rotation's grace).
 * The body signed must be the exact bytes sent, so the caller passes those bytes.
 */
@Injectable()
export class WebhookSigner {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly apps: AppsRepository,
    private readonly secretBox: SecretBox,
  ) {}

  /** Headers for one attempt. Throws UnknownAppError, or a database error (try later). */
  async headers(
    delivery: { id: string; appKey: string },
    body: Buffer,
    now = new Date(),
  ): Promise<Record<string, string>> {
    const keys = await this.keys(delivery.appKey, now.getTime());
    if (!keys) throw new UnknownAppError(delivery.appKey);
    const headers = signPush(delivery.appKey, keys.appSecret, body, now);
    const webhookSecrets =
      keys.previousUntil && keys.previousUntil <= now ? keys.webhookSecrets.slice(0, 1) : keys.webhookSecrets;
    if (webhookSecrets.length === 0) return headers;
    return { ...headers, ...signStandardWebhook(webhookSecrets, delivery.id, body, now) };
  }

  private keys(appKey: string, nowMs: number): Promise<SigningKeys | null> {
    const cached = this.cache.get(appKey);
    if (cached && nowMs - cached.loadedAt < SIGNING_KEYS_TTL_MS) return cached.keys;
    const entry: CacheEntry = { loadedAt: nowMs, keys: this.load(appKey) };
    this.cache.set(appKey, entry);
    // A failed load is not cached: the next attempt asks the database again.
    entry.keys.catch(() => {
      if (this.cache.get(appKey) === entry) this.cache.delete(appKey);
    });
    this.evictExpired(nowMs);
    return entry.keys;
  }

  private async load(appKey: string): Promise<SigningKeys | null> {
    const row = await this.apps.signingSecrets(appKey);
    if (!row) return null;
    const open = (sealed: string, what: string) => {
      try {
        return this.secretBox.open(sealed);
      } catch {
        throw new UnreadableSecretError(appKey, what);
      }
    };
    const appSecret = open(row.secret_sealed, 'app secret');
    const webhookSecrets: string[] = [];
    if (row.webhook_secret_sealed) webhookSecrets.push(open(row.webhook_secret_sealed, 'webhook secret'));
    let previousUntil: Date | null = null;
    if (
      webhookSecrets.length > 0 &&
      row.webhook_secret_previous_sealed &&
      row.webhook_secret_previous_until &&
      row.webhook_secret_previous_until.getTime() > Date.now()
    ) {
      try {
        webhookSecrets.push(this.secretBox.open(row.webhook_secret_previous_sealed));
        previousUntil = row.webhook_secret_previous_until;
      } catch {
        // Sealed under a master key since replaced: the current secret alone signs.
      }
    }
    return { appSecret, webhookSecrets, previousUntil };
  }

  /** Keeps the cache to live entries (plain secrets of apps no longer sending are dropped). */
  private evictExpired(nowMs: number): void {
    if (this.cache.size < 64) return;
    for (const [appKey, entry] of this.cache) {
      if (nowMs - entry.loadedAt >= SIGNING_KEYS_TTL_MS) this.cache.delete(appKey);
    }
  }
}
