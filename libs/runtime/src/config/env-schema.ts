import * as z from 'zod';
import type { Env } from './env-reader.js';

/**
 * A configuration section is one zod object keyed by environment variable: each variable's
 * schema turns the raw text (undefined when unset) into its value, refusing a bad one with a
 * message that names it (`{name}` stands for the variable), and carries in `.meta()` what the
 * README's reference table says of it. readSection checks every variable of a section (not only up
 * to the first bad one), so loadConfig reports every bad variable at once; a bad variable takes
 * its default meanwhile, so the checks across variables still run.
 */

/** One row of the README's configuration table. `variable` when the row names several variables (the others point here with `x-readme-row`). */
export interface ReadmeRow {
  variable?: string;
  default: string;
  meaning: string;
}

const NAME = '{name}';
const text = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((raw) => (raw === undefined || raw === '' ? fallback : raw));

/** `{name}` in a message: readSection puts the variable's name there. */
export const VARIABLE = NAME;

/** A string, `fallback` when unset or empty. */
export function envString(fallback = '') {
  return text(fallback);
}

/** A secret string, `fallback` when unset or empty: a refusal names the variable, never the value. */
export function envSecret(fallback = '') {
  return text(fallback).meta({ 'x-secret': true });
}

/** An integer in [min, max]. */
export function envInt(fallback: number, min: number, max: number) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return fallback;
      const n = Number(raw);
      if (Number.isInteger(n) && n >= min && n <= max) return n;
      ctx.issues.push({
        code: 'custom',
        input: raw,
        message: `${NAME}="${raw}" must be an integer between ${min} and ${max}`,
      });
      return z.NEVER;
    });
}

/** An integer in [min, max], null when unset (the loader picks a default that depends on other variables). */
export function envOptionalInt(min: number, max: number) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return null;
      const n = Number(raw);
      if (Number.isInteger(n) && n >= min && n <= max) return n;
      ctx.issues.push({
        code: 'custom',
        input: raw,
        message: `${NAME}="${raw}" must be an integer between ${min} and ${max}`,
      });
      return z.NEVER;
    });
}

/** A limit where 0 (the default) means none: null. */
export function envLimit() {
  return envInt(0, 0, 1_000_000_000).transform((n) => (n === 0 ? null : n));
}

/** true/1 or false/0. */
export function envBool(fallback: boolean) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return fallback;
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      ctx.issues.push({ code: 'custom', input: raw, message: `${NAME}="${raw}" must be true or false` });
      return z.NEVER;
    });
}

/** A URL with one of `protocols` (never echoed: it may carry a password). */
export function envUrl(fallback: string, protocols: readonly string[]) {
  return text(fallback).check((ctx) => {
    const refusal = urlRefusal(ctx.value, protocols);
    if (refusal) ctx.issues.push({ code: 'custom', input: ctx.value, message: refusal });
  });
}

/** A URL with one of `protocols`, or null when unset (never echoed: it may carry a password). */
export function envOptionalUrl(protocols: readonly string[]) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return null;
      const refusal = urlRefusal(raw, protocols);
      if (!refusal) return raw;
      ctx.issues.push({ code: 'custom', input: raw, message: refusal });
      return z.NEVER;
    });
}

/** Why `value` is not a URL with one of `protocols` (naming the variable, never the value), or null. */
export function urlRefusal(value: string, protocols: readonly string[], name = NAME): string | null {
  let protocol: string;
  try {
    protocol = new URL(value).protocol;
  } catch {
    return `${name} is not a valid URL`;
  }
  return protocols.includes(protocol) ? null : `${name} must use ${protocols.join(' or ')} (got ${protocol})`;
}

/** One of `allowed`. */
export function envOneOf<const T extends readonly [string, ...string[]]>(fallback: T[number], allowed: T, hint = '') {
  return text(fallback).transform((value, ctx): T[number] => {
    if ((allowed as readonly string[]).includes(value)) return value;
    ctx.issues.push({
      code: 'custom',
      input: value,
      message: `${NAME}="${value}" must be one of ${allowed.join(', ')}${hint}`,
    });
    return z.NEVER;
  });
}

/** A comma-separated list; the bad entries are named. */
export function envList(fallback: string, check: (item: string) => boolean, what: string) {
  return text(fallback).transform((value, ctx) => {
    const items = value
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const bad = items.filter((item) => !check(item));
    if (!bad.length) return items;
    ctx.issues.push({
      code: 'custom',
      input: value,
      message: `${NAME} has invalid entries (${bad.join(', ')}): each must be ${what}`,
    });
    return z.NEVER;
  });
}

/** `schema` with its README row (see ReadmeRow). */
export function documented<S extends z.ZodType>(schema: S, row: ReadmeRow): S {
  return schema.meta({ 'x-readme': row }) as S;
}

/** `schema` documented in the README row of `lead` (a row naming several variables). */
export function inRowOf<S extends z.ZodType>(schema: S, lead: string): S {
  return schema.meta({ 'x-readme-row': lead }) as S;
}

type Section = z.ZodObject<Record<string, z.ZodType>>;

/**
 * Every variable of `section` read from `env`: its value, or (refused) its default, with the
 * refusal's message appended to `problems` naming the variable.
 */
export function readSection<S extends Section>(section: S, env: Env, problems: string[]): z.output<S> {
  const values: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(section.shape)) {
    const raw = Object.hasOwn(env, name) ? env[name] : undefined;
    const result = schema.safeParse(raw);
    if (result.success) {
      values[name] = result.data;
      continue;
    }
    for (const issue of result.error.issues) problems.push(issue.message.replaceAll(NAME, name));
    values[name] = schema.parse(undefined);
  }
  return values as z.output<S>;
}

/** The README rows of some sections, in their order (`seeAlso`: rows of variables another section reads, before or after them): `| variable | default | meaning |` lines. */
export function readmeTable(
  sections: readonly Section[],
  seeAlso: { before?: readonly ReadmeRow[]; after?: readonly ReadmeRow[] } = {},
): string {
  const row = (r: ReadmeRow) => `| ${r.variable} | ${r.default} | ${r.meaning} |`;
  const lines = ['| variable | default | meaning |', '|---|---|---|', ...(seeAlso.before ?? []).map(row)];
  for (const section of sections) {
    for (const [name, schema] of Object.entries(section.shape)) {
      const meta = (schema.meta() ?? {}) as { 'x-readme'?: ReadmeRow; 'x-readme-row'?: string };
      if (meta['x-readme-row']) continue;
      const row = meta['x-readme'];
      if (!row) throw new Error(`${name} has no README row (documented() or inRowOf())`);
      lines.push(`| ${row.variable ?? `\`${name}\``} | ${row.default} | ${row.meaning} |`);
    }
  }
  lines.push(...(seeAlso.after ?? []).map(row));
  return lines.join('\n');
}
