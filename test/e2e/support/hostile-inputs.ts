import fc from 'fast-check';

/**
 * fast-check generators of what a hostile or broken client sends, shared by the property suites
 * (test/e2e/property-*.e2e.test.ts). A request is described, then sent by `sendRequest`.
 */

/** Strings that trip naive code: lone surrogates, NUL, RTL override, zero-width, NFC/NFD twins, full-width digits, emoji, BOM, SQL/JSON-ish text. */
export const unicodeTrick = fc.constantFrom(
  '\uD800',
  'a\uDC00b',
  '\u0000',
  'a\u0000b',
  '\u202Eexe.txt',
  '\u200B',
  '1\u200D3800138000',
  'é',
  'e\u0301',
  'Å',
  'A\u030A',
  '１３８００１３８０００',
  '１２３４５６',
  '😀',
  '👨‍👩‍👧',
  '\uFEFF13800138000',
  '\u0085',
  '\u2028',
  "'; DROP TABLE apps; --",
  '{"$ne":null}',
  '%00',
  '../../etc/passwd',
  '\r\nX-Injected: 1',
  'NaN',
  '-0',
  '1e309',
  '0x10',
  ' ',
  '',
);

/** Any string, often a trick, sometimes huge (over the 64 KiB JSON limit). */
export const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: unicodeTrick },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  {
    weight: 2,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      maxLength: 20,
    }),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 80_000 }).map((n) => 'x'.repeat(n)) },
);

/** A value of any JSON type (wrong types for a field). */
export const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.constant(Number.MAX_SAFE_INTEGER + 2),
  fc.constant(-1),
);

export const hostileValue = fc.oneof(hostileString, wrongType);

/** Bytes that are not JSON, or almost JSON. */
export const malformedJson = fc.oneof(
  fc.constantFrom(
    '{',
    '{"a":',
    '[1,2',
    'nul',
    '{"a":1}}',
    "{'a':1}",
    '{"a":01}',
    '{"a":"\\x"}',
    '\u0000',
    '{"a":"\uD800"}',
    '"\\uD800"',
    'true',
    '42',
    '[]',
    '"text"',
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"x":1}}}',
  ),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ maxLength: 30 }).map((s) => `{${s}`),
);

export const contentType = fc.constantFrom(
  'application/json',
  'application/json;charset=UTF-8',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/jsonx',
  'application/xml',
  'audio/wav',
  'application/octet-stream',
  '*/*',
  ';;;',
  'application/json, text/plain',
);

/** Header values fetch can send (latin-1 only, no CR/LF: those are the raw-socket test's). */
export const oddHeaderValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
  fc.string({ unit: fc.integer({ min: 0xa0, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
  fc.constantFrom('', ' ', '\t', 'a'.repeat(2000), 'x, y', 'en', 'zh'),
);

/** An object with one field of `valid` changed to a hostile value, removed, or with extra fields. */
export function mutatedObject(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  const extraFields = fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), {
    minKeys: 1,
    maxKeys: 5,
  });
  if (keys.length === 0) return extraFields;
  return fc.oneof(
    fc
      .record({ key: fc.constantFrom(...keys), value: hostileValue })
      .map(({ key, value }) => ({ ...valid, [key]: value })),
    fc.constantFrom(...keys).map((key) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key))),
    fc
      .dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 5 })
      .map((extra) => ({ ...extra, ...valid })),
    fc
      .dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 5 })
      .map((extra) => ({ ...valid, ...extra })),
  );
}

export interface HostileRequest {
  headers: Array<[string, string]>;
  /** Raw bytes/text; undefined = no body. */
  body?: string | Buffer;
}

/** A JSON body: valid-ish objects mutated one field at a time, arbitrary JSON, malformed bytes; with a content type, usually JSON. */
export function hostileBody(
  valid: Record<string, unknown>,
): fc.Arbitrary<{ body: string | Buffer; contentType: string }> {
  const text = fc.oneof(
    { weight: 5, arbitrary: mutatedObject(valid).map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 2, arbitrary: malformedJson },
  );
  const type = fc.oneof(
    { weight: 5, arbitrary: fc.constant('application/json;charset=UTF-8') },
    { weight: 1, arbitrary: contentType },
  );
  return fc.record({ body: text, contentType: type });
}

/** Headers: the good ones, one of them replaced by an odd value or dropped, or duplicated, or extra ones added. */
export function hostileHeaders(good: Record<string, string>): fc.Arbitrary<Array<[string, string]>> {
  const entries = Object.entries(good);
  const names = Object.keys(good);
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(entries) },
    {
      weight: 2,
      arbitrary: fc
        .record({ name: fc.constantFrom(...names), value: oddHeaderValue })
        .map(({ name, value }) => entries.map(([n, v]): [string, string] => [n, n === name ? value : v])),
    },
    { weight: 1, arbitrary: fc.constantFrom(...names).map((name) => entries.filter(([n]) => n !== name)) },
    {
      weight: 1,
      arbitrary: fc
        .record({ name: fc.constantFrom(...names), value: oddHeaderValue })
        .map(({ name, value }): Array<[string, string]> => [...entries, [name, value]]),
    },
    {
      weight: 1,
      arbitrary: fc
        .array(
          fc.tuple(
            fc.constantFrom(
              'x-l',
              'x-forwarded-for',
              'x-device-ip',
              'x-tenant-id',
              'x-request-id',
              'transfer-encoding-x',
              'x-http-method-override',
              'origin',
            ),
            oddHeaderValue,
          ),
          { maxLength: 3 },
        )
        .map((extra) => [...entries, ...extra]),
    },
  );
}

/** Sends a request; a body goes with its content type. Returns status and body text. */
export async function sendRequest(
  baseUrl: string,
  method: string,
  path: string,
  headers: Array<[string, string]>,
  body?: { body: string | Buffer; contentType: string },
): Promise<{ status: number; text: string }> {
  const all: Array<[string, string]> = [...headers];
  if (body) all.push(['content-type', body.contentType]);
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: all,
    body: body ? (typeof body.body === 'string' ? body.body : new Uint8Array(body.body)) : undefined,
  });
  return { status: response.status, text: await response.text() };
}

/** Moderate runs: the whole property tier stays well under a minute or two. Override with FC_NUM_RUNS. */
export const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 60);

/** Every UTF-8 byte of `text` percent-encoded (a lone surrogate becomes U+FFFD, as a browser would send it). */
export function percentEncoded(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}
