import { describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import {
  generateWebhookSecret,
  signStandardWebhook,
  standardWebhookSignature,
  verifyStandardWebhook,
} from './standard-webhooks.js';

describe('Standard Webhooks signatures', () => {
  it('matches the reference vector of the Standard Webhooks / Svix libraries', () => {
    const signature = standardWebhookSignature(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('is accepted by the independent standardwebhooks library, with one or two secrets', () => {
    const current = generateWebhookSecret();
    const previous = generateWebhookSecret();
    expect(current).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = JSON.stringify({ eventType: 'fee', feeLst: [{ userData: 'ü 中' }] });
    const headers = signStandardWebhook([current, previous], 'a2f0c1d4-0000-4000-8000-000000000001', body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(current).verify(body.replace('fee', 'fie'), headers)).toThrow();
  });

  it('verifies on the receiving side: right secret, exact body, fresh timestamp', () => {
    const secret = generateWebhookSecret();
    const now = new Date('2026-01-01T00:00:00Z');
    const h = signStandardWebhook([secret], 'id-1', '{"a":1}', now);
    const headers = { id: h['webhook-id'], timestamp: h['webhook-timestamp'], signature: h['webhook-signature'] };
    expect(headers.timestamp).toBe('1767225600');
    expect(verifyStandardWebhook(secret, headers, '{"a":1}', now)).toBe(true);
    expect(verifyStandardWebhook(secret, headers, '{"a":2}', now)).toBe(false);
    expect(verifyStandardWebhook(secret, { ...headers, id: 'id-2' }, '{"a":1}', now)).toBe(false);
    expect(verifyStandardWebhook(generateWebhookSecret(), headers, '{"a":1}', now)).toBe(false);
    expect(verifyStandardWebhook(secret, headers, '{"a":1}', new Date(now.getTime() + 301_000))).toBe(false);
  });
});
