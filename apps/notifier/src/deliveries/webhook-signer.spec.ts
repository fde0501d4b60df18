import { describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { AppsRepository } from '#libs/persistence';
import {
  digestMatches,
  generateWebhookSecret,
  parseAksk,
  SecretBox,
  verifyPush,
  verifyStandardWebhook,
} from '#libs/auth';
import { SIGNING_KEYS_TTL_MS, UnknownAppError, UnreadableSecretError, WebhookSigner } from './webhook-signer.js';

const box = new SecretBox('unit-test-master-key');
const otherBox = new SecretBox('another-master-key!!');

/** A stand-in for the apps table: the rows the signer's one query would return, and a query count. */
function fakeDatabase(rows: Record<string, Record<string, unknown>>) {
  const db = {
    queries: 0,
    rows,
    query: async (_sql: string, [appKey]: [string]) => {
      db.queries++;
      return rows[appKey] ? [rows[appKey]] : [];
    },
  };
  return db;
}

const body = Buffer.from('{"eventType":"callout"}');
const delivery = { id: 'd-1', appKey: 'app-1' };

describe('WebhookSigner', () => {
  it('signs with the push authentication always and Standard Webhooks with current and unexpired previous secrets; reads the database once per TTL', async () => {
    const current = generateWebhookSecret();
    const previous = generateWebhookSecret();
    const now = new Date();
    const db = fakeDatabase({
      'app-1': {
        secret_sealed: box.seal('the-app-secret'),
        webhook_secret_sealed: box.seal(current),
        webhook_secret_previous_sealed: box.seal(previous),
        webhook_secret_previous_until: new Date(now.getTime() + 60_000),
      },
    });
    const signer = new WebhookSigner(new AppsRepository(db as unknown as DataSource), box);
    const h = await signer.headers(delivery, body, now);
    expect(verifyPush(h, body, { appKey: 'app-1', appSecret: 'the-app-secret' }, now.getTime())).toMatchObject({
      ok: true,
    });
    // Not an API credential: the gateway's parser refuses the realm, and the digest is not the API's.
    const parsed = parseAksk(h.authorization, h['x-aksk']);
    expect(parsed).toMatchObject({ ok: false, fault: { code: '1023009' } });
    const asApi = parseAksk(h.authorization!.replace('SDP-PUSH', 'SDP'), h['x-aksk']);
    expect(asApi.ok && digestMatches('the-app-secret', asApi.credentials)).toBe(false);
    const standard = { id: h['webhook-id']!, timestamp: h['webhook-timestamp']!, signature: h['webhook-signature']! };
    expect(standard.id).toBe('d-1');
    expect(verifyStandardWebhook(current, standard, body, now)).toBe(true);
    expect(verifyStandardWebhook(previous, standard, body, now)).toBe(true);

    await signer.headers(delivery, body, new Date(now.getTime() + 1000));
    expect(db.queries).toBe(1);
    // Past the previous secret's grace (read again after the TTL): the current one alone signs.
    const later = new Date(now.getTime() + 61_000);
    const h2 = await signer.headers(delivery, body, later);
    expect(db.queries).toBe(2);
    expect(h2['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(
      verifyStandardWebhook(
        previous,
        { id: 'd-1', timestamp: h2['webhook-timestamp']!, signature: h2['webhook-signature']! },
        body,
        later,
      ),
    ).toBe(false);
    expect(SIGNING_KEYS_TTL_MS).toBeLessThanOrEqual(10_000);
  });

  it('sends no Standard Webhooks headers for an app without a webhook secret', async () => {
    const db = fakeDatabase({
      'app-1': {
        secret_sealed: box.seal('s'),
        webhook_secret_sealed: null,
        webhook_secret_previous_sealed: null,
        webhook_secret_previous_until: null,
      },
    });
    expect(
      Object.keys(
        await new WebhookSigner(new AppsRepository(db as unknown as DataSource), box).headers(delivery, body),
      ).sort(),
    ).toEqual(['authorization', 'x-aksk']);
  });

  it('refuses to sign for an unknown app or with a secret sealed under another master key (never sends unsigned)', async () => {
    const db = fakeDatabase({
      'app-2': {
        secret_sealed: otherBox.seal('s'),
        webhook_secret_sealed: null,
        webhook_secret_previous_sealed: null,
        webhook_secret_previous_until: null,
      },
    });
    const signer = new WebhookSigner(new AppsRepository(db as unknown as DataSource), box);
    await expect(signer.headers(delivery, body)).rejects.toBeInstanceOf(UnknownAppError);
    await expect(signer.headers({ id: 'd-2', appKey: 'app-2' }, body)).rejects.toBeInstanceOf(UnreadableSecretError);
  });

  it('drops a previous secret it cannot open (sealed before a master-key change) and signs with the current one', async () => {
    const current = generateWebhookSecret();
    const db = fakeDatabase({
      'app-1': {
        secret_sealed: box.seal('s'),
        webhook_secret_sealed: box.seal(current),
        webhook_secret_previous_sealed: otherBox.seal(generateWebhookSecret()),
        webhook_secret_previous_until: new Date(Date.now() + 60_000),
      },
    });
    const h = await new WebhookSigner(new AppsRepository(db as unknown as DataSource), box).headers(delivery, body);
    expect(h['webhook-signature']!.split(' ')).toHaveLength(1);
  });
});
