import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import { TestInfrastructure } from '#libs/testing';
import { createGateway } from '../../apps/gateway/src/main.js';
import { DOCS_CSP } from '../../apps/gateway/src/docs/docs.controller.js';
import { document } from './support/openapi-oracle.js';
import { ROUTE_SCHEMAS } from '../../apps/gateway/src/docs/route-schemas.js';

const OPENAPI_METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE']);

/** A Fastify route path in OpenAPI's notation: `:name` → `{name}`, a trailing `*` → `{path}`. */
function openApiPath(url: string): string {
  return (
    url
      .replace(/:(\w+)/g, '{$1}')
      .replace(/\/\*$/, '/{path}')
      .replace(/\/$/, '') || '/'
  );
}

describe('OpenAPI document at /docs', () => {
  const infra = new TestInfrastructure();
  let gateway: NestFastifyApplication;
  let baseUrl: string;
  const routes: Array<{ method: string; path: string }> = [];

  beforeAll(async () => {
    gateway = await createGateway(infra.config(), infra.logger('gateway'));
    // Every route the router gets, as Fastify registers it (HEAD twins of GET routes included).
    gateway
      .getHttpAdapter()
      .getInstance()
      .addHook('onRoute', (route) => {
        for (const method of [route.method].flat())
          routes.push({ method: String(method), path: openApiPath(route.url ?? route.path) });
      });
    await gateway.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(gateway.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await gateway?.close();
    await infra.dispose();
  });

  it('documents every route of the gateway with its method and path', () => {
    expect(routes.length).toBeGreaterThan(40);
    const undocumented = routes
      // HEAD is Fastify's automatic twin of a GET; methods OpenAPI cannot name (PROPFIND…) come from the /rest/ catch-all.
      .filter((r) => r.method !== 'HEAD' && OPENAPI_METHODS.has(r.method))
      .filter((r) => !document.paths[r.path]?.[r.method.toLowerCase()])
      .map((r) => `${r.method} ${r.path}`);
    // A failure here names the route: add it to apps/gateway/src/docs/openapi.ts.
    expect({ undocumentedRoutes: [...new Set(undocumented)] }).toEqual({ undocumentedRoutes: [] });
  });

  it('has a schema entry (body, query, or none) for every route, and none for a route that does not exist', () => {
    const registered = [
      ...new Set(
        routes.filter((r) => r.method !== 'HEAD' && OPENAPI_METHODS.has(r.method)).map((r) => `${r.method} ${r.path}`),
      ),
    ];
    // A failure here names the route: add it to apps/gateway/src/docs/route-schemas.ts with the schemas it validates with.
    expect({ routesWithoutSchema: registered.filter((r) => !Object.hasOwn(ROUTE_SCHEMAS, r)) }).toEqual({
      routesWithoutSchema: [],
    });
    expect({ schemasWithoutRoute: Object.keys(ROUTE_SCHEMAS).filter((r) => !registered.includes(r)) }).toEqual({
      schemasWithoutRoute: [],
    });
  });

  it('documents no route the gateway does not have', () => {
    const registered = new Set(routes.map((r) => `${r.method} ${r.path}`));
    const missing = Object.entries(document.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .filter((r) => !registered.has(r));
    expect({ documentedButNotRouted: missing }).toEqual({ documentedButNotRouted: [] });
  });

  it('serves the document as JSON and the UI as HTML with a restrictive CSP, without authentication', async () => {
    const json = await fetch(`${baseUrl}/docs/openapi.json`);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await json.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toEqual(Object.keys(document.paths));

    const page = await fetch(`${baseUrl}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(DOCS_CSP);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    expect(html).not.toMatch(/<script>(?!<\/script>)/); // no inline script: the CSP forbids it
    for (const src of [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)) {
      const asset = await fetch(`${baseUrl}${src}`);
      expect([src, asset.status]).toEqual([src, 200]);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(10);
    }
    const traversal = await fetch(`${baseUrl}/docs/assets/..%2Fpackage.json`);
    expect(traversal.status).toBe(404);
    expect(await traversal.json()).toMatchObject({ error_code: 'NOT_FOUND' });
  });
});
