import * as z from 'zod';

/**
 * One schema per edge (request body, query, message, configuration section): zod 4 objects whose
 * fields carry, in `.meta()`, the code their refusal answers. The code is the NAME of a row in
 * one of the error tables (libs/contracts: result-codes.ts, sdk-errors.ts, admin-errors.ts), so
 * those tables stay the one mapping of codes to statuses and messages; a schema only says which
 * row a bad field earns. The same metadata appears in the OpenAPI document (see json-schema.ts).
 */
export interface FieldMeta {
  /** The row a present but bad value answers. */
  'x-error-code'?: string;
  /** The row an absent value (undefined, null, and '' with `x-empty-is-absent`) answers, when it differs. */
  'x-error-code-absent'?: string;
  /** '' counts as absent (the seed treats an empty SDK field as a missing one). */
  'x-empty-is-absent'?: boolean;
}

/** `schema.meta(fieldMeta)` with the typing zod's registry wants. */
export function withCodes<S extends z.ZodType>(schema: S, meta: FieldMeta & Record<string, unknown>): S {
  return schema.meta(meta) as S;
}

/** The first refused field, in the schema's field order, as today's hand-written validators answered. */
export interface FieldRefusal {
  ok: false;
  /** The field's name ('' for a refusal of the whole input). */
  field: string;
  /** The row of the error table (`x-error-code` / `x-error-code-absent`, or a check's own `params.code`). */
  code: string | undefined;
  /** The check's message: the detail the answer carries. */
  message: string;
  /** The field was absent (undefined, null, or '' where that counts as absent). */
  absent: boolean;
}

export type Validated<T> = { ok: true; value: T } | FieldRefusal;

function metaOf(schema: z.ZodType): FieldMeta {
  return (schema.meta() ?? {}) as FieldMeta;
}

function isAbsent(value: unknown, meta: FieldMeta): boolean {
  return value === undefined || value === null || (value === '' && meta['x-empty-is-absent'] === true);
}

/**
 * Checks `input` field by field in the order of `schema`'s shape and stops at the first field a
 * check refuses: its code and its first issue's message (a check may name its own row in
 * `params.code`, e.g. a too-long captcha_token). The order of the shape is the precedence of the
 * answer, so it is the order of the seed's tables. Own properties only (`__proto__` is no field).
 */
export function validate<S extends z.ZodObject>(
  schema: S,
  input: Record<string, unknown>,
  keys?: readonly (keyof S['shape'] & string)[],
): Validated<z.output<S>> {
  const value: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    if (keys && !(keys as readonly string[]).includes(name)) continue;
    const given = Object.hasOwn(input, name) ? input[name] : undefined;
    const result = field.safeParse(given);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const meta = metaOf(field);
      const absent = isAbsent(given, meta);
      const own = (issue as { params?: { code?: string } }).params?.code;
      const code = own ?? (absent ? (meta['x-error-code-absent'] ?? meta['x-error-code']) : meta['x-error-code']);
      return { ok: false, field: name, code, message: issue.message, absent };
    }
    if (result.data !== undefined) value[name] = result.data;
  }
  return { ok: true, value: value as z.output<S> };
}

/** `schema` restricted to the fields up to and including `last` (a check that must run at that point of the order, e.g. a database lookup). */
export function fieldsThrough<S extends z.ZodObject>(
  schema: S,
  last: keyof S['shape'] & string,
): (keyof S['shape'] & string)[] {
  const names = Object.keys(schema.shape) as (keyof S['shape'] & string)[];
  return names.slice(0, names.indexOf(last) + 1);
}

/** A check whose refusal answers its own row rather than the field's (`params.code`). */
export function codedIssue(code: string, message: string): { message: string; params: { code: string } } {
  return { message, params: { code } };
}
