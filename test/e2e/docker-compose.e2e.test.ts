import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { safeLoad } from 'js-yaml';
import { loadConfig, type AppName } from '#libs/runtime';

/**
 * docker-compose.yml cannot be started here (no Docker), so each service's environment is built
 * the way compose builds it — the image's ENV, then the service's `environment` with `${…}`
 * interpolated from the operator's .env — and run through the configuration loader of the app
 * its `command` starts.
 */
const root = join(import.meta.dirname, '..', '..');
const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const dockerfileText = readFileSync(join(root, 'Dockerfile'), 'utf8');

type Vars = Record<string, string | undefined>;

class InterpolationError extends Error {}

/** Compose's interpolation: `$$`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`. */
function interpolate(text: string, vars: Vars): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g,
    (whole, name: string | undefined, colon: string, op: string, arg: string) => {
      if (whole === '$$') return '$';
      const value = vars[name!];
      const missing = value === undefined || (colon === ':' && value === '');
      if (op === '-') return missing ? interpolate(arg, vars) : value!;
      if (op === '?') {
        if (missing) throw new InterpolationError(`required variable ${name} is missing a value: ${arg}`);
        return value!;
      }
      return value ?? '';
    },
  );
}

function interpolateAll(node: unknown, vars: Vars): unknown {
  if (typeof node === 'string') return interpolate(node, vars);
  if (Array.isArray(node)) return node.map((item) => interpolateAll(item, vars));
  if (node && typeof node === 'object')
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateAll(v, vars)]));
  return node;
}

interface ComposeService {
  command?: string[];
  environment?: Record<string, string | number | boolean>;
}

/** `docker compose config` in short: the file parsed, merged and interpolated (throws like compose on a `:?` variable). */
function composeConfig(dotEnv: Vars): Record<string, ComposeService> {
  const parsed = safeLoad(composeText) as { services: Record<string, ComposeService> };
  return (interpolateAll(parsed, dotEnv) as typeof parsed).services;
}

/** The final stage's `ENV` lines of the Dockerfile (NODE_ENV=production). */
function imageEnv(): Vars {
  const finalStage = dockerfileText.split(/^FROM /m).pop()!;
  return Object.fromEntries([...finalStage.matchAll(/^ENV ([A-Za-z_][A-Za-z0-9_]*)=(\S+)/gm)].map((m) => [m[1], m[2]]));
}

function appOf(service: ComposeService): AppName {
  const main = (service.command ?? []).find((arg) => /dist\/apps\/\w+\/src\/main\.js$/.test(arg));
  return /dist\/apps\/(\w+)\//.exec(main ?? '')![1] as AppName;
}

/** What an operator puts in .env: the two secrets and a real SMS centre. */
const realisticDotEnv: Vars = {
  VERIGATE_ADMIN_TOKEN: 'a3f1c09e5b7d4e2f8a6c1b0d9e7f5a3c',
  VERIGATE_MASTER_KEY: '5e8d2c7b1a9f4e6d3c0b8a7f6e5d4c3b2a190817',
  VERIGATE_SMS_PROVIDER: 'smpp',
  VERIGATE_SMPP_URL: 'smpp://verigate:s3cret@smsc.example.com:2775',
};

describe('docker-compose.yml', () => {
  it("starts every app: each service's environment passes its app's configuration loader", () => {
    const services = composeConfig(realisticDotEnv);
    const apps = Object.entries(services).filter(([, service]) =>
      service.command?.some((arg) => arg.includes('dist/apps/')),
    );
    expect(apps.map(([name]) => name).sort()).toEqual(['captcha', 'gateway', 'notifier', 'sms', 'voice']);
    for (const [name, service] of apps) {
      const env = {
        ...imageEnv(),
        ...Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v)])),
      };
      expect(env.NODE_ENV).toBe('production');
      let config;
      try {
        config = loadConfig(env, { app: appOf(service) });
      } catch (error) {
        throw new Error(`service ${name}: ${(error as Error).message}`, { cause: error });
      }
      // Containers must listen on every interface: published ports and health checks reach them from outside.
      expect(config.host).toBe('0.0.0.0');
      if (name === 'sms') expect(config.sms.provider).toBe('smpp');
    }
  });

  it('gives the gateway the SMS country code (VERIGATE_SMPP_DEST_PREFIX) it forms velocity prefixes with', () => {
    const gateway = composeConfig({ ...realisticDotEnv, VERIGATE_SMPP_DEST_PREFIX: '86' }).gateway!;
    const env = {
      ...imageEnv(),
      ...Object.fromEntries(Object.entries(gateway.environment ?? {}).map(([k, v]) => [k, String(v)])),
    };
    expect(loadConfig(env, { app: 'gateway' }).sms.countryCode).toBe('86');
  });

  it('fails loudly, naming the variable, when no real SMS provider is configured', () => {
    const { VERIGATE_SMS_PROVIDER: _provider, ...withoutProvider } = realisticDotEnv;
    expect(() => composeConfig(withoutProvider)).toThrow(/VERIGATE_SMS_PROVIDER.*smpp or http/);
    expect(() => composeConfig({ ...withoutProvider, VERIGATE_SMS_PROVIDER: '' })).toThrow(/VERIGATE_SMS_PROVIDER/);
    // Choosing the development provider by hand gets past compose, but the sms worker refuses it.
    const sms = composeConfig({ ...realisticDotEnv, VERIGATE_SMS_PROVIDER: 'log' }).sms!;
    const env = { ...imageEnv(), ...(sms.environment as Vars) };
    expect(() => loadConfig(env, { app: 'sms' })).toThrow(/VERIGATE_SMS_PROVIDER=log is refused/);
  });

  it('fails loudly without the operator token or the master key', () => {
    const { VERIGATE_ADMIN_TOKEN: _token, ...withoutToken } = realisticDotEnv;
    expect(() => composeConfig(withoutToken)).toThrow(/VERIGATE_ADMIN_TOKEN/);
    const { VERIGATE_MASTER_KEY: _key, ...withoutKey } = realisticDotEnv;
    expect(() => composeConfig(withoutKey)).toThrow(/VERIGATE_MASTER_KEY/);
  });
});
