import { describe, expect, it } from '@jest/globals';
import { ADMIN_ERRORS, ResultCodes, SDK_ERRORS, type ResultCodeName } from '#libs/contracts';
import { jsonSchemaOf } from '#libs/runtime';
import { openApiDocument } from './openapi.js';
import { ROUTE_SCHEMAS } from './route-schemas.js';

/** The Huawei-style APIs (callVerify, the verification API) answer rows of the result-code table. */
const answersResultCodes = (path: string) => path.startsWith('/rest/') || path.startsWith('/api/v3/');

/**
 * The table rows (names) an operation of the document lists among its error answers: result-code
 * names for /rest/ and /api/v3/ (the document lists their numeric codes), `CODE` for the SDK APIs (listed as
 * `API.CODE`), the code itself for the management API.
 */
function documentedErrorCodes(method: string, path: string): string[] {
  const responses = openApiDocument().paths[path]?.[method.toLowerCase()]?.responses ?? {};
  const listed = Object.values(responses).flatMap((response) => {
    const properties = (
      response.content as { 'application/json'?: { schema?: { properties?: Record<string, { enum?: string[] }> } } }
    )?.['application/json']?.schema?.properties;
    return properties?.resultcode?.enum ?? properties?.error_code?.enum ?? [];
  });
  if (answersResultCodes(path))
    return (Object.keys(ResultCodes) as ResultCodeName[]).filter((name) => listed.includes(ResultCodes[name].code));
  return listed.map((code) => code.replace(/^(CAPTCHA|SMS)\./, ''));
}

/** Every `x-error-code` / `x-error-code-absent` anywhere in a generated JSON Schema. */
function fieldCodes(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((child) => fieldCodes(child, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'x-error-code' || key === 'x-error-code-absent') && typeof value === 'string') found.add(value);
      else fieldCodes(value, found);
    }
  }
  return found;
}

const tableOf = (path: string): Record<string, unknown> =>
  answersResultCodes(path) ? ResultCodes : path.startsWith('/api/v2/sdk/') ? SDK_ERRORS : ADMIN_ERRORS;

describe('route schemas', () => {
  const entries = Object.entries(ROUTE_SCHEMAS).map(([route, schemas]) => {
    const [method, path] = route.split(' ') as [string, string];
    return { route, method, path, schemas };
  });

  it('name, for each field, a row of the error table of its API', () => {
    for (const { route, path, schemas } of entries) {
      for (const schema of [schemas.body, schemas.query]) {
        if (!schema) continue;
        for (const code of fieldCodes(jsonSchemaOf(schema)))
          expect([route, code, Object.hasOwn(tableOf(path), code)]).toEqual([route, code, true]);
      }
    }
  });

  it('answer only codes the OpenAPI document lists for the route', () => {
    for (const { route, method, path, schemas } of entries) {
      const documented = documentedErrorCodes(method, path);
      for (const schema of [schemas.body, schemas.query]) {
        if (!schema) continue;
        for (const code of fieldCodes(jsonSchemaOf(schema)))
          expect([route, code, documented.includes(code)]).toEqual([route, code, true]);
      }
    }
  });

  it('generate a JSON object schema for every body', () => {
    for (const { route, schemas } of entries)
      if (schemas.body) expect([route, jsonSchemaOf(schemas.body).type]).toEqual([route, 'object']);
  });
});
