import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig, parseDurationList } from './config.js';

describe('configuration', () => {
  it('has working development defaults (SPEC §5)', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/verigate',
      rabbitmqUrl: 'amqp://guest:guest@127.0.0.1:5672',
      port: 3000,
      adminTokenIsDefault: true,
      voice: { carrier: 'sim', ports: 30 },
      webhooks: { allowPrivate: false },
    });
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', VERIGATE_WEBHOOK_ALLOW_PRIVATE: 'maybe', DATABASE_URL: 'mysql://x', VERIGATE_VOICE_CARRIER: 'pigeon' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['PORT', 'VERIGATE_WEBHOOK_ALLOW_PRIVATE', 'DATABASE_URL', 'VERIGATE_VOICE_CARRIER']) expect(message).toContain(name);
  });

  it('requires the operator token and master key in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/VERIGATE_ADMIN_TOKEN is required[\s\S]*VERIGATE_MASTER_KEY is required/);
  });

  it('parses retry schedules', () => {
    expect(parseDurationList('200ms, 1s,5m,1h')).toEqual([200, 1000, 300_000, 3_600_000]);
    expect(parseDurationList('soon')).toBeNull();
  });
});
