/** Option values of the CLI turned into request fields (the gateway validates them). */

export class UsageError extends Error {}

/** `a, b,c` → `['a', 'b', 'c']`; undefined stays undefined. */
export function listOption(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `apiPerMinute=60,calleeCallsPerHour=none` → `{apiPerMinute: 60, calleeCallsPerHour: null}`. */
export function limitsOption(value: string | undefined): Record<string, number | null> | undefined {
  if (value === undefined) return undefined;
  return Object.fromEntries(
    (listOption(value) ?? []).map((pair) => {
      const [name, raw] = pair.split('=');
      if (!name || raw === undefined) throw new UsageError(`--limits: "${pair}" is not name=value`);
      if (raw !== 'none' && !/^\d+$/.test(raw)) throw new UsageError(`--limits: ${name} must be a number or none`);
      return [name, raw === 'none' ? null : Number(raw)];
    }),
  );
}

/** `+86,+852:callout,callin` → home prefixes and what is allowed; `none` → null (the platform default). */
export function internationalOption(
  value: string | undefined,
): { homePrefixes: string[]; allowCallout: boolean; allowCallin: boolean } | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return null;
  const [prefixes = '', allowed = ''] = value.split(':');
  const allow = listOption(allowed) ?? [];
  return {
    homePrefixes: listOption(prefixes) ?? [],
    allowCallout: allow.includes('callout'),
    allowCallin: allow.includes('callin'),
  };
}

/** A value that may be cleared with `none`: undefined (leave), null (clear) or the value. */
export function noneOption(value: string | undefined): string | null | undefined {
  return value === 'none' ? null : value;
}

/** A whole number option. */
export function integerOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number`);
  return Number(value);
}

/** One of the allowed words. */
export function oneOf<T extends string>(what: string, value: string | undefined, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new UsageError(`${what} must be one of ${allowed.join(', ')}`);
  return value as T;
}
