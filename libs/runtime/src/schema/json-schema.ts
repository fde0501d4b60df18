import * as z from 'zod';

type Json = Record<string, unknown>;

/**
 * `anyOf: [X, {type: "null"}]` (zod's rendering of `.nullable()`) as X with `null` added to its
 * type (and enum): the form the OpenAPI document has always used, and the one the property
 * suites' oracle (test/e2e/support/openapi-oracle.ts) reads.
 */
function foldNull(node: Json): Json {
  const anyOf = node.anyOf as Json[] | undefined;
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return node;
  const nullIndex = anyOf.findIndex((s) => s.type === 'null' && Object.keys(s).length === 1);
  const other = anyOf[1 - nullIndex];
  if (nullIndex < 0 || !other || other.anyOf || other.$ref) return node;
  const { anyOf: _anyOf, ...rest } = node;
  const type = other.type === undefined ? undefined : [...[other.type].flat(), 'null'];
  const folded: Json = { ...other, ...rest, ...(type ? { type } : {}) };
  if (Array.isArray(other.enum)) folded.enum = [...(other.enum as unknown[]), null];
  return folded;
}

function simplify(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(simplify);
  if (!value || typeof value !== 'object') return value;
  const node: Json = {};
  for (const [key, child] of Object.entries(value)) node[key] = simplify(child);
  return foldNull(node);
}

/**
 * The JSON Schema 2020-12 (the dialect of OpenAPI 3.1) of what a schema ACCEPTS (zod's `io:
 * "input"`: transforms and defaults are the server's business), with each field's metadata (its
 * error-table row, its description) as zod's `.meta()` put it. Checks JSON Schema cannot say
 * (refinements: a CIDR that parses, a time zone that exists) are left out; the description says them.
 */
export function jsonSchemaOf(schema: z.ZodType): Json {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  delete json.$schema;
  return simplify(json) as Json;
}

/** The OpenAPI query parameters of an object schema: one per field, in its order. */
export function queryParametersOf(schema: z.ZodObject): Json[] {
  const json = jsonSchemaOf(schema);
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries((json.properties as Record<string, Json>) ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: 'query',
      required: required.has(name),
      schema: rest,
      ...(typeof description === 'string' && description ? { description } : {}),
    };
  });
}
