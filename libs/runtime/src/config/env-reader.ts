import { parseCidr } from '../cidr.js';

export type Env = Record<string, string | undefined>;

/**
 * Reads variables from the environment with a fallback each. A bad value is recorded in
 * `problems` (named, with the value echoed only where it is no secret) and the fallback returned,
 * so every bad variable is reported at once; loadConfig throws them all together.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(readonly env: Env) {}

  str(name: string, fallback: string): string {
    const v = this.env[name];
    return v === undefined || v === '' ? fallback : v;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name}="${raw}" must be an integer between ${min} and ${max}`);
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    this.problems.push(`${name}="${raw}" must be true or false`);
    return fallback;
  }

  url(name: string, fallback: string, protocols: string[]): string {
    const v = this.str(name, fallback);
    try {
      const u = new URL(v);
      if (!protocols.includes(u.protocol))
        this.problems.push(`${name} must use ${protocols.join(' or ')} (got ${u.protocol})`);
    } catch {
      this.problems.push(`${name} is not a valid URL`);
    }
    return v;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[], hint = ''): T {
    const v = this.str(name, fallback);
    if (!allowed.includes(v as T)) this.problems.push(`${name}="${v}" must be one of ${allowed.join(', ')}${hint}`);
    return (allowed.includes(v as T) ? v : fallback) as T;
  }

  /** A comma-separated list; bad entries are named and left out. */
  list(name: string, fallback: string, check: (item: string) => boolean, what: string): string[] {
    const items = this.str(name, fallback)
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const bad = items.filter((item) => !check(item));
    if (bad.length) this.problems.push(`${name} has invalid entries (${bad.join(', ')}): each must be ${what}`);
    return items.filter(check);
  }

  /** A limit where 0 (the default) means none: null. */
  optionalLimit(name: string): number | null {
    const n = this.int(name, 0, 0, 1_000_000_000);
    return n === 0 ? null : n;
  }
}

export const isCidr = (item: string): boolean => parseCidr(item) !== null;
export const isPrefix = (item: string): boolean => /^\+?\d{1,15}$/.test(item);
