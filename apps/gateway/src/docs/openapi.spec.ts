import { describe, expect, it } from '@jest/globals';
import { ADMIN_ERRORS, ResultCodes, SDK_ERRORS } from '#libs/contracts';
import { ERROR_CODE_FIELD, openApiDocument, type Operation } from './openapi.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const doc = openApiDocument();
const operations: Array<[string, string, Operation]> = Object.entries(doc.paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]): [string, string, Operation] => [path, method, op]),
);

/** Every `$ref` anywhere in `value`. */
function refs(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refs(v, found));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref') found.push(v as string);
      else refs(v, found);
    }
  }
  return found;
}

function resolve(pointer: string): unknown {
  expect(pointer.startsWith('#/')).toBe(true);
  return pointer
    .slice(2)
    .split('/')
    .reduce<unknown>(
      (node, part) => (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')],
      doc,
    );
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with info, paths and components', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(operations.length).toBeGreaterThan(40);
  });

  it('every $ref resolves', () => {
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(10);
    for (const pointer of all) expect([pointer, resolve(pointer)]).toEqual([pointer, expect.anything()]);
  });

  it('every operation has a known method, a unique operationId, tags, responses and its path parameters', () => {
    const ids = new Set<string>();
    const tagNames = doc.tags.map((t) => t.name);
    for (const [path, method, op] of operations) {
      expect(METHODS).toContain(method);
      expect(ids.has(op.operationId)).toBe(false);
      ids.add(op.operationId);
      for (const tag of op.tags) expect(tagNames).toContain(tag);
      expect(Object.keys(op.responses).length).toBeGreaterThan(0);
      for (const [status, response] of Object.entries(op.responses)) {
        expect([path, method, status]).toEqual([path, method, expect.stringMatching(/^[1-5]\d\d$/)]);
        expect(typeof response.description).toBe('string');
      }
      const declared = (op.parameters ?? [])
        .filter((p) => p.in === 'path')
        .map((p) => p.name)
        .sort();
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect([path, declared]).toEqual([path, inPath]);
      for (const name of Object.keys(op.security?.[0] ?? {}))
        expect(Object.keys(doc.components.securitySchemes as object)).toContain(name);
    }
  });

  it('error codes and statuses come from the tables of libs/contracts', () => {
    for (const [path, , op] of operations) {
      const field = path.startsWith('/rest/')
        ? ERROR_CODE_FIELD.rest
        : path.startsWith('/api/v2/sdk/')
          ? ERROR_CODE_FIELD.sdk
          : ERROR_CODE_FIELD.admin;
      for (const [status, response] of Object.entries(op.responses)) {
        const schema = (
          response.content as
            Record<string, { schema: { properties?: Record<string, { enum?: string[] }> } }> | undefined
        )?.['application/json']?.schema;
        const codes = schema?.properties?.[field]?.enum;
        if (!codes || status.startsWith('2')) continue;
        for (const code of codes) {
          if (field === 'resultcode')
            expect(
              Object.values(ResultCodes).some((row) => row.code === code && String(row.httpStatus) === status),
            ).toBe(true);
          else if (path.startsWith('/api/v2/sdk/'))
            expect(String(SDK_ERRORS[code.replace(/^(CAPTCHA|SMS)\./, '') as keyof typeof SDK_ERRORS].httpStatus)).toBe(
              status,
            );
          else expect(String(ADMIN_ERRORS[code as keyof typeof ADMIN_ERRORS].httpStatus)).toBe(status);
        }
      }
    }
  });

  it('lists every callVerify code of the seed table that the gateway produces', () => {
    const responses = doc.paths['/rest/httpsessions/callVerify/v1.0']!.post!.responses;
    const listed = Object.values(responses).flatMap(
      (r) => ((r.content as any)?.['application/json']?.schema?.properties?.resultcode?.enum ?? []) as string[],
    );
    for (const code of ['1023006', '1010010', '1010002', '1020001', '1020176', '1023002'])
      expect(listed).toContain(code);
    expect(listed).not.toContain('1012012');
  });
});
