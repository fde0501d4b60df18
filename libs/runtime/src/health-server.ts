import { createServer, type Server } from 'node:http';
import { metricsAuthorized, type Metrics } from './metrics.js';

export type HealthCheck = () => Promise<void>;

/** `GET /metrics` of a worker: its registry, behind VERIGATE_METRICS_TOKEN when that is set. */
export interface MetricsEndpoint {
  metrics: Metrics;
  token: string | null;
}

/**
 * Workers have no HTTP API of their own; this tiny server answers `GET /health` for
 * orchestrators (docker compose healthchecks): 200 when every check passes, 503 otherwise; and
 * `GET /metrics` for Prometheus when given a registry.
 */
export async function startHealthServer(
  port: number,
  checks: Record<string, HealthCheck>,
  metrics?: MetricsEndpoint,
  host = '127.0.0.1',
): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/metrics' && metrics) {
      if (!metricsAuthorized(req.headers.authorization, metrics.token)) {
        res
          .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' })
          .end('metrics need Authorization: Bearer <VERIGATE_METRICS_TOKEN>\n');
        return;
      }
      metrics.metrics.text().then(
        (text) => res.writeHead(200, { 'content-type': metrics.metrics.contentType }).end(text),
        (error: Error) =>
          res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${error.message}\n`),
      );
      return;
    }
    if (req.method !== 'GET' || (req.url !== '/health' && req.url !== '/health/live')) {
      res.writeHead(404).end();
      return;
    }
    if (req.url === '/health/live') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    void runChecks(checks).then((report) => {
      res
        .writeHead(report.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify(report));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

export async function runChecks(
  checks: Record<string, HealthCheck>,
): Promise<{ status: 'ok' | 'error'; checks: Record<string, string> }> {
  const results: Record<string, string> = {};
  let ok = true;
  await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(check(), 2000);
        results[name] = 'up';
      } catch (error) {
        ok = false;
        results[name] = `down: ${error instanceof Error ? error.message : String(error)}`;
      }
    }),
  );
  return { status: ok ? 'ok' : 'error', checks: results };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      // Handed on unchanged: the health checks reject with Error objects.
      (e: Error) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
