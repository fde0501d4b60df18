import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig, parseDurationList, parseSmppUrl } from './index.js';

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
      loadConfig({
        PORT: 'eighty',
        VERIGATE_WEBHOOK_ALLOW_PRIVATE: 'maybe',
        DATABASE_URL: 'mysql://x',
        VERIGATE_VOICE_CARRIER: 'pigeon',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['PORT', 'VERIGATE_WEBHOOK_ALLOW_PRIVATE', 'DATABASE_URL', 'VERIGATE_VOICE_CARRIER'])
      expect(message).toContain(name);
  });

  it('names every bad variable at once, the observability ones included, without echoing the metrics token', () => {
    let message = '';
    try {
      loadConfig({
        VERIGATE_METRICS_TOKEN: 'short secret',
        VERIGATE_ACCESS_LOG: 'loud',
        LOG_LEVEL: 'chatty',
        VERIGATE_VOICE_PORTS: '0',
        RABBITMQ_URL: 'http://x',
      });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    for (const name of [
      'VERIGATE_METRICS_TOKEN',
      'VERIGATE_ACCESS_LOG',
      'LOG_LEVEL',
      'VERIGATE_VOICE_PORTS',
      'RABBITMQ_URL',
    ])
      expect(message).toContain(name);
    expect(message).not.toContain('short secret');
  });

  it('reads the metrics token and the access log level', () => {
    expect(loadConfig({})).toMatchObject({ metricsToken: null, accessLog: 'info' });
    expect(loadConfig({ VERIGATE_METRICS_TOKEN: 'a-long-enough-token', VERIGATE_ACCESS_LOG: 'off' })).toMatchObject({
      metricsToken: 'a-long-enough-token',
      accessLog: 'off',
    });
  });

  it('requires the operator token and master key in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /VERIGATE_ADMIN_TOKEN is required[\s\S]*VERIGATE_MASTER_KEY is required/,
    );
  });

  it('refuses to start in production with a published development secret, naming the variable but not the value', () => {
    const secrets = {
      VERIGATE_ADMIN_TOKEN: 'x'.repeat(12),
      VERIGATE_MASTER_KEY: 'y'.repeat(16),
      VERIGATE_SMS_PROVIDER: 'http',
      VERIGATE_SMS_HTTP_URL: 'https://sms.example.com/send',
      VERIGATE_SMS_HTTP_SECRET: 'z'.repeat(16),
    };
    expect(() => loadConfig({ NODE_ENV: 'production', ...secrets })).not.toThrow();
    expect(() => loadConfig({ NODE_ENV: 'production', ...secrets, VERIGATE_ADMIN_TOKEN: 'dev-admin-token' })).toThrow(
      /VERIGATE_ADMIN_TOKEN is the published development token/,
    );
    expect(() =>
      loadConfig({ NODE_ENV: 'production', ...secrets, VERIGATE_MASTER_KEY: 'dev-master-key-change-me' }),
    ).toThrow(/VERIGATE_MASTER_KEY is the published development key/);
    try {
      loadConfig({ NODE_ENV: 'production', ...secrets, VERIGATE_MASTER_KEY: 'dev-master-key-change-me' });
    } catch (e) {
      expect((e as Error).message).not.toContain('dev-master-key-change-me');
    }
    // Outside production the development secrets are the defaults, and allowed when set explicitly.
    expect(
      loadConfig({ VERIGATE_ADMIN_TOKEN: 'dev-admin-token', VERIGATE_MASTER_KEY: 'dev-master-key-change-me' }),
    ).toMatchObject({ adminTokenIsDefault: true, masterKeyIsDefault: true });
  });

  it('listens on 127.0.0.1 outside production and on every interface in production, unless HOST says otherwise', () => {
    const production = {
      NODE_ENV: 'production',
      VERIGATE_ADMIN_TOKEN: 'x'.repeat(12),
      VERIGATE_MASTER_KEY: 'y'.repeat(16),
    };
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '::' }).host).toBe('::');
    expect(loadConfig({ HOST: 'localhost' }).host).toBe('localhost');
    expect(
      loadConfig({
        ...production,
        VERIGATE_SMS_PROVIDER: 'http',
        VERIGATE_SMS_HTTP_URL: 'https://sms.example.com/send',
        VERIGATE_SMS_HTTP_SECRET: 'z'.repeat(16),
      }).host,
    ).toBe('0.0.0.0');
    expect(loadConfig({ ...production, HOST: '10.0.0.5' }, { app: 'gateway' }).host).toBe('10.0.0.5');
    expect(() => loadConfig({ HOST: 'every interface' })).toThrow(/HOST="every interface" must be an IP address/);
  });

  it('demands an SMS provider in production from the sms worker only, and refuses the log provider there', () => {
    const production = {
      NODE_ENV: 'production',
      VERIGATE_ADMIN_TOKEN: 'x'.repeat(12),
      VERIGATE_MASTER_KEY: 'y'.repeat(16),
    };
    for (const app of ['gateway', 'captcha', 'voice', 'notifier'] as const)
      expect(loadConfig(production, { app }).sms.provider).toBe('log');
    expect(() => loadConfig(production, { app: 'sms' })).toThrow(
      /VERIGATE_SMS_PROVIDER must be set when NODE_ENV=production/,
    );
    expect(() => loadConfig({ ...production, VERIGATE_SMS_PROVIDER: 'log' }, { app: 'sms' })).toThrow(
      /VERIGATE_SMS_PROVIDER=log is refused when NODE_ENV=production/,
    );
    expect(
      loadConfig(
        { ...production, VERIGATE_SMS_PROVIDER: 'smpp', VERIGATE_SMPP_URL: 'smpp://id:pw@smsc.example.com' },
        { app: 'sms' },
      ).sms.provider,
    ).toBe('smpp');
    // Outside production the log provider is the default for every app.
    expect(loadConfig({}, { app: 'sms' }).sms.provider).toBe('log');
  });

  it('gives exports their own statement timeout', () => {
    expect(loadConfig({}).controls).toMatchObject({ statementTimeoutMs: 5000, exportTimeoutSeconds: 3600 });
    expect(loadConfig({ VERIGATE_EXPORT_TIMEOUT_S: '0' }).controls.exportTimeoutSeconds).toBe(0);
    expect(() => loadConfig({ VERIGATE_EXPORT_TIMEOUT_S: '-1' })).toThrow(/VERIGATE_EXPORT_TIMEOUT_S/);
  });

  it('has HTTP limits against slow clients, and refuses a headers timeout beyond the request timeout', () => {
    expect(loadConfig({}).http).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 60_000,
      idleTimeoutMs: 30_000,
      keepAliveTimeoutMs: 72_000,
    });
    expect(
      loadConfig({ VERIGATE_HTTP_HEADERS_TIMEOUT_MS: '500', VERIGATE_HTTP_REQUEST_TIMEOUT_MS: '900' }).http,
    ).toMatchObject({ headersTimeoutMs: 500, requestTimeoutMs: 900 });
    expect(() =>
      loadConfig({ VERIGATE_HTTP_HEADERS_TIMEOUT_MS: '5000', VERIGATE_HTTP_REQUEST_TIMEOUT_MS: '1000' }),
    ).toThrow(/VERIGATE_HTTP_HEADERS_TIMEOUT_MS=5000 must not exceed VERIGATE_HTTP_REQUEST_TIMEOUT_MS=1000/);
    expect(() => loadConfig({ VERIGATE_HTTP_IDLE_TIMEOUT_MS: 'forever' })).toThrow(/VERIGATE_HTTP_IDLE_TIMEOUT_MS/);
  });

  it('reads the shutdown and webhook-signing settings, the stop deadline after the voice grace period', () => {
    expect(loadConfig({})).toMatchObject({
      shutdownTimeoutSeconds: 30,
      shutdownDrainMs: 2000,
      webhooks: { secretGraceSeconds: 86_400 },
    });
    expect(loadConfig({ VERIGATE_SHUTDOWN_GRACE_S: '60' }).shutdownTimeoutSeconds).toBe(80);
    expect(
      loadConfig({
        VERIGATE_SHUTDOWN_TIMEOUT_S: '12',
        VERIGATE_SHUTDOWN_DRAIN_MS: '0',
        VERIGATE_WEBHOOK_SECRET_GRACE_S: '0',
      }),
    ).toMatchObject({ shutdownTimeoutSeconds: 12, shutdownDrainMs: 0, webhooks: { secretGraceSeconds: 0 } });
    expect(() => loadConfig({ VERIGATE_SHUTDOWN_TIMEOUT_S: '10' })).toThrow(
      'VERIGATE_SHUTDOWN_TIMEOUT_S=10 must be greater than VERIGATE_SHUTDOWN_GRACE_S=10',
    );
    expect(() => loadConfig({ VERIGATE_SHUTDOWN_DRAIN_MS: '-1' })).toThrow(/VERIGATE_SHUTDOWN_DRAIN_MS/);
    expect(() => loadConfig({ VERIGATE_WEBHOOK_SECRET_GRACE_S: 'a day' })).toThrow(/VERIGATE_WEBHOOK_SECRET_GRACE_S/);
  });

  it('parses retry schedules', () => {
    expect(parseDurationList('200ms, 1s,5m,1h')).toEqual([200, 1000, 300_000, 3_600_000]);
    expect(parseDurationList('soon')).toBeNull();
  });

  describe('sip section', () => {
    const sip = { VERIGATE_VOICE_CARRIER: 'sip', VERIGATE_SIP_TRUNK: 'sip:10.0.0.5:5080' };

    it('accepts the sip carrier with a trunk, and has defaults for the rest', () => {
      const config = loadConfig(sip);
      expect(config.voice.carrier).toBe('sip');
      expect(config.sip).toEqual({
        trunk: { uri: 'sip:10.0.0.5:5080', host: '10.0.0.5', port: 5080 },
        username: null,
        password: null,
        localPort: 5060,
        bindAddress: '0.0.0.0',
        publicAddress: null,
        rtpPortMin: 10000,
        rtpPortMax: 20000,
        codecs: ['PCMU', 'PCMA'],
        fromDomain: null,
        stripPlus: false,
        allowPrivateMedia: false,
      });
      expect(loadConfig({ ...sip, VERIGATE_RTP_ALLOW_PRIVATE: 'true' }).sip.allowPrivateMedia).toBe(true);
      expect(() => loadConfig({ ...sip, VERIGATE_RTP_ALLOW_PRIVATE: 'maybe' })).toThrow(/VERIGATE_RTP_ALLOW_PRIVATE/);
      expect(loadConfig({ ...sip, VERIGATE_SIP_TRUNK: 'sip:pbx.example.com' }).sip.trunk).toEqual({
        uri: 'sip:pbx.example.com',
        host: 'pbx.example.com',
        port: 5060,
      });
      expect(
        loadConfig({
          ...sip,
          VERIGATE_SIP_CODECS: 'pcma, PCMU',
          VERIGATE_SIP_USERNAME: 'u',
          VERIGATE_SIP_PASSWORD: 'p',
        }).sip,
      ).toMatchObject({ codecs: ['PCMA', 'PCMU'], username: 'u', password: 'p' });
    });

    it('requires a trunk for the sip carrier', () => {
      expect(() => loadConfig({ VERIGATE_VOICE_CARRIER: 'sip' })).toThrow(/VERIGATE_SIP_TRUNK is required/);
    });

    it.each([
      [{ VERIGATE_SIP_TRUNK: 'http://pbx' }, /VERIGATE_SIP_TRUNK="http:\/\/pbx" must look like sip:host/],
      [{ VERIGATE_SIP_TRUNK: 'sip:pbx:99999' }, /VERIGATE_SIP_TRUNK="sip:pbx:99999" has an invalid port/],
      [{ VERIGATE_SIP_TRUNK: 'sip:pbx;transport=tcp' }, /only transport=udp/],
      [{ VERIGATE_SIP_PASSWORD: 'secret' }, /VERIGATE_SIP_PASSWORD is set but VERIGATE_SIP_USERNAME is not/],
      [
        { VERIGATE_RTP_PORT_MIN: '20000', VERIGATE_RTP_PORT_MAX: '10000' },
        /VERIGATE_RTP_PORT_MIN \(20000\) must be below VERIGATE_RTP_PORT_MAX/,
      ],
      [{ VERIGATE_RTP_PORT_MIN: '80' }, /VERIGATE_RTP_PORT_MIN="80" must be an integer between 1024/],
      [
        { VERIGATE_RTP_PORT_MIN: '30000', VERIGATE_RTP_PORT_MAX: '30010', VERIGATE_VOICE_PORTS: '30' },
        /hold 6 RTP ports .* fewer than VERIGATE_VOICE_PORTS=30/,
      ],
      [
        { VERIGATE_RTP_PORT_MIN: '30001', VERIGATE_RTP_PORT_MAX: '30004', VERIGATE_VOICE_PORTS: '3' },
        /hold 2 RTP ports .* fewer than VERIGATE_VOICE_PORTS=3/,
      ],
      [
        { VERIGATE_VOICE_PORTS: '99999' },
        /^(?![\s\S]*RTP ports)[\s\S]*VERIGATE_VOICE_PORTS="99999" must be an integer/,
      ],
      [{ VERIGATE_SIP_CODECS: 'G729' }, /VERIGATE_SIP_CODECS="G729" must list PCMU and\/or PCMA/],
      [{ VERIGATE_SIP_BIND_ADDRESS: '300.1.1.1' }, /VERIGATE_SIP_BIND_ADDRESS="300.1.1.1" must be an IPv4 address/],
      [{ VERIGATE_SIP_LOCAL_PORT: 'x' }, /VERIGATE_SIP_LOCAL_PORT="x"/],
    ])('names the bad variable: %j', (env, message) => {
      expect(() => loadConfig({ ...sip, ...env })).toThrow(message);
    });
  });
});

describe('parseSmppUrl', () => {
  it('reads system_id, password, host and port (2775 by default, 3550 for ssmpp)', () => {
    expect(parseSmppUrl('smpp://verigate:s%40cret@smsc.example.com')).toEqual({
      host: 'smsc.example.com',
      port: 2775,
      tls: false,
      systemId: 'verigate',
      password: 's@cret',
    });
    expect(parseSmppUrl('ssmpp://id:pw@10.0.0.5')).toMatchObject({ port: 3550, tls: true });
    expect(parseSmppUrl('smpp://id:pw@10.0.0.5:9000')).toMatchObject({ port: 9000 });
  });

  it('says what is wrong without echoing the password', () => {
    expect(parseSmppUrl('http://id:pw@host')).toContain('must use smpp:');
    expect(parseSmppUrl('smpp://host:2775')).toContain('system_id');
    expect(parseSmppUrl('smpp://sixteen-characters:pw@host')).toContain('system_id');
    expect(parseSmppUrl('smpp://id:ninechars@host')).toContain('8 characters');
    expect(parseSmppUrl('smpp://id:%zz@host')).toContain('%-escape');
    expect(parseSmppUrl('smpp://id:hunter2@host:99999')).not.toContain('hunter2');
  });

  it('is required with the smpp provider, and the configuration names the variable', () => {
    expect(() => loadConfig({ VERIGATE_SMS_PROVIDER: 'smpp' })).toThrow(/VERIGATE_SMPP_URL is required/);
    expect(() => loadConfig({ VERIGATE_SMS_PROVIDER: 'http' })).toThrow(/VERIGATE_SMS_HTTP_URL is required/);
    expect(() => loadConfig({ VERIGATE_SMS_MOBILE_PATTERN: '[0-9]+' })).toThrow(
      /VERIGATE_SMS_MOBILE_PATTERN.*anchored/,
    );
    expect(() =>
      loadConfig({ NODE_ENV: 'production', VERIGATE_ADMIN_TOKEN: 'x'.repeat(12), VERIGATE_MASTER_KEY: 'y'.repeat(16) }),
    ).toThrow(/VERIGATE_SMS_PROVIDER must be set/);
    expect(
      loadConfig({
        VERIGATE_SMS_PROVIDER: 'smpp',
        VERIGATE_SMPP_URL: 'smpp://id:pw@127.0.0.1:2775',
        VERIGATE_SMPP_DEST_PREFIX: '86',
      }).sms.smpp,
    ).toMatchObject({ destPrefix: '86', window: 10 });
  });
});

describe('SMS pumping configuration', () => {
  it('has the documented defaults', () => {
    const sms = loadConfig({}).sms;
    expect({
      blockedPrefixes: sms.blockedPrefixes,
      velocity: sms.velocity,
      dailyBudget: sms.defaults.dailyBudget,
    }).toEqual({ blockedPrefixes: [], velocity: { multiple: 10, floor: 100, prefixDigits: 7 }, dailyBudget: 10_000 });
  });

  it('reads every variable and names bad ones', () => {
    const sms = loadConfig({
      VERIGATE_SMS_BLOCKED_PREFIXES: '+86170, 171',
      VERIGATE_SMS_DAILY_BUDGET: '5',
      VERIGATE_SMS_VELOCITY_MULTIPLE: '0',
      VERIGATE_SMS_VELOCITY_FLOOR: '7',
      VERIGATE_SMS_VELOCITY_PREFIX_DIGITS: '4',
    }).sms;
    expect({
      blockedPrefixes: sms.blockedPrefixes,
      velocity: sms.velocity,
      dailyBudget: sms.defaults.dailyBudget,
    }).toEqual({
      blockedPrefixes: ['+86170', '171'],
      velocity: { multiple: 0, floor: 7, prefixDigits: 4 },
      dailyBudget: 5,
    });
    expect(() => loadConfig({ VERIGATE_SMS_BLOCKED_PREFIXES: '86-170' })).toThrow(
      /VERIGATE_SMS_BLOCKED_PREFIXES has invalid entries \(86-170\)/,
    );
    expect(() => loadConfig({ VERIGATE_SMS_VELOCITY_PREFIX_DIGITS: '0' })).toThrow(
      /VERIGATE_SMS_VELOCITY_PREFIX_DIGITS/,
    );
  });

  it('reads the country code (VERIGATE_SMPP_DEST_PREFIX) without VERIGATE_SMPP_URL, as the gateway has it', () => {
    expect(loadConfig({}).sms.countryCode).toBe('');
    expect(loadConfig({ VERIGATE_SMPP_DEST_PREFIX: '86' }).sms).toMatchObject({ countryCode: '86', smpp: null });
    expect(() => loadConfig({ VERIGATE_SMPP_DEST_PREFIX: '+86' })).toThrow(
      /VERIGATE_SMPP_DEST_PREFIX="\+86" must be up to 6 digits/,
    );
  });
});
