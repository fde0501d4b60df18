import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Platform, type TestApp } from './support/platform.js';
import { document, reportAnswersSeen, violation } from './support/openapi-oracle.js';
import {
  hostileBody,
  hostileString,
  NUM_RUNS,
  oddHeaderValue,
  percentEncoded,
  sendRequest,
} from './support/hostile-inputs.js';

type Schema = { type?: string | string[]; enum?: unknown[]; properties?: Record<string, Schema>; $ref?: string };

/** A plausible value of a schema (the start of "valid-ish, mutated one field at a time"). */
function plausible(schema: Schema | undefined): unknown {
  if (!schema) return {};
  if (schema.$ref)
    return plausible((document.components.schemas as Record<string, Schema>)[schema.$ref.split('/').pop()!]);
  if (schema.enum) return schema.enum[0];
  const type = [schema.type].flat()[0];
  if (type === 'object' || schema.properties)
    return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, plausible(v)]));
  if (type === 'array') return [];
  if (type === 'integer') return 1;
  if (type === 'boolean') return true;
  return 'x';
}

/** Every management operation of the document, with a valid-ish body from its schema. */
const operations = Object.entries(document.paths)
  .filter(([path]) => path.startsWith('/admin/'))
  .flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      path,
      method: method.toUpperCase(),
      operationId: op.operationId,
      valid: plausible(
        (op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)?.content?.['application/json']
          ?.schema,
      ) as Record<string, unknown>,
    })),
  );

/**
 * Property: whatever an operator's client sends to the management API, the answer is one the
 * OpenAPI document lists for that endpoint (status, `{error_code, error_msg}` and code), never a
 * fault; afterwards the gateway is healthy and the API still works.
 */
describe('management API under hostile input (property-based)', () => {
  const platform = new Platform();
  let app: TestApp;

  beforeAll(async () => {
    await platform.start({}, { voice: false, notifier: false });
    app = await platform.createApp();
  });

  afterAll(async () => {
    reportAnswersSeen();
    await platform.stop();
  });

  it('covers every management operation of the document', () => {
    expect(operations.length).toBeGreaterThanOrEqual(30);
  });

  it('every /admin/v1 operation: path parameters, query strings, bodies, content types, tokens', async () => {
    const request = fc.constantFrom(...operations).chain((op) =>
      fc.record({
        op: fc.constant(op),
        // A path parameter: the real app (or its tone and number), or anything.
        params: fc.array(
          fc.oneof(
            fc.constantFrom(
              app.appKey,
              'welcome.wav',
              encodeURIComponent(app.displayNbr),
              '00000000-0000-0000-0000-000000000000',
              '127.0.0.1',
            ),
            hostileString.map((s) => percentEncoded(s.slice(0, 300)) || 'x'),
          ),
          { minLength: 3, maxLength: 3 },
        ),
        query: fc.dictionary(
          fc.constantFrom(
            'limit',
            'before',
            'from',
            'to',
            'format',
            'appKey',
            'list',
            'number',
            'sessionId',
            'mobile',
            'status',
            'name',
            'action',
          ),
          hostileString.map((s) => percentEncoded(s.slice(0, 500))),
          { maxKeys: 3 },
        ),
        body: fc.option(hostileBody(op.valid), { nil: undefined, freq: 4 }),
        token: fc.oneof(
          { weight: 6, arbitrary: fc.constant(`Bearer ${platform.config.adminToken}`) },
          { weight: 1, arbitrary: oddHeaderValue },
          { weight: 1, arbitrary: fc.constant(`Bearer ${platform.config.adminToken}x`) },
        ),
      }),
    );
    await fc.assert(
      fc.asyncProperty(request, async ({ op, params, query, body, token }) => {
        let i = 0;
        const path = op.path.replace(/\{\w+\}/g, () => params[i++]!);
        const search = Object.entries(query)
          .map(([k, v]) => `${k}=${v}`)
          .join('&');
        const answer = await sendRequest(
          platform.baseUrl,
          op.method,
          `${path}${search ? `?${search}` : ''}`,
          [['authorization', token]],
          op.method === 'GET' ? undefined : body,
        );
        expect(
          violation(
            op.method,
            op.path,
            answer.status,
            answer.text,
            op.method === 'GET' || !body || !/json/i.test(body.contentType) ? undefined : body.body,
          ),
        ).toBeNull();
      }),
      { numRuns: NUM_RUNS * 4 },
    );
  });

  it('afterwards: healthy, and the management API still works', async () => {
    expect((await fetch(`${platform.baseUrl}/health`)).status).toBe(200);
    expect((await platform.admin('GET', `/apps/${app.appKey}`)).status).toBe(200);
    expect((await platform.admin('POST', '/apps', { name: 'after the storm' })).status).toBe(201);
  });
});
