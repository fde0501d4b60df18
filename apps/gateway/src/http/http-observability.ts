import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ResultCodes, SDK_ERRORS } from '#libs/contracts';
import {
  boundedLabel,
  LATENCY_BUCKETS,
  runInRequestContext,
  secondsSince,
  type JsonLogger,
  type Metrics,
  type RequestContext,
} from '#libs/runtime';

/** The label of a request that matched no route (404s: scanners, typos): one value, never the raw URL. */
export const UNMATCHED_ROUTE = 'unmatched';
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** The `route` label: the route's template (`/admin/v1/apps/:appKey`), never the URL with its ids. */
export function routeLabel(template: string | undefined): string {
  return template && template.startsWith('/') ? template : UNMATCHED_ROUTE;
}

export function methodLabel(method: string): string {
  return boundedLabel(method.toUpperCase(), METHODS, 'OTHER');
}

/** The public APIs whose answers are counted by result (verigate_api_requests_total), by route template. */
const API_ROUTES: Record<string, string> = {
  '/rest/httpsessions/callVerify/v1.0': 'callVerify',
  '/api/v2/sdk/sms/send': 'smsSend',
  '/api/v2/sdk/sms/verify': 'smsVerify',
  '/api/v2/sdk/captcha': 'captchaGet',
  '/api/v2/sdk/captcha/check': 'captchaCheck',
  '/api/v2/sdk/captcha/verify': 'captchaVerify',
};
const VOICE_RESULT_CODES = new Set(Object.values(ResultCodes).map((row) => row.code));
const SDK_ERROR_CODES = new Set(Object.keys(SDK_ERRORS));

/**
 * Which API a response answered and its result, from the route template and the answer:
 * callVerify → its `resultcode` (a code of the result-code table, `0` = accepted); SDK APIs →
 * `ok` for 200, else the code of `error_code` (`SMS.RESEND_TOO_SOON` → `RESEND_TOO_SOON`).
 * Anything else → `other`, so the label stays within the two code tables. null: not an API route.
 */
export function apiOutcome(
  template: string | undefined,
  status: number,
  payload: unknown,
): { api: string; result: string } | null {
  const api = template ? API_ROUTES[template] : undefined;
  if (!api) return null;
  // A successful SDK answer is `ok` whatever it says: not parsed (a captcha `get` is ~50 kB).
  if (api !== 'callVerify' && status === 200) return { api, result: 'ok' };
  let body: Record<string, unknown> | undefined;
  if (typeof payload === 'string' && payload.length <= 65_536) {
    try {
      const parsed: unknown = JSON.parse(payload);
      if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
    } catch {
      /* not JSON: result 'other' */
    }
  }
  if (api === 'callVerify') return { api, result: boundedLabel(body?.resultcode, VOICE_RESULT_CODES) };
  const code = typeof body?.error_code === 'string' ? body.error_code.split('.').pop() : undefined;
  return { api, result: boundedLabel(code, SDK_ERROR_CODES) };
}

interface Observed {
  context: RequestContext;
  startedNs: bigint;
  outcome?: { api: string; result: string } | null;
}
const OBSERVED = Symbol('verigate.observed');
type ObservedRequest = FastifyRequest & { [OBSERVED]?: Observed };

/**
 * Per request: the request id (`request.id`, from a sane `X-Request-Id` or a new UUID, see
 * createGateway's genReqId) echoed in `X-Request-Id` on every answer, errors included; the
 * handler runs in its request context (log lines and RabbitMQ messages carry the id); then
 * metrics by method, route template and status, API results, and one access log line.
 * /health and /metrics are counted like any route but logged at debug (probes every few seconds).
 */
export function installHttpObservability(
  fastify: FastifyInstance,
  metrics: Metrics,
  logger: JsonLogger,
  accessLog: 'info' | 'debug' | 'off',
): void {
  const requests = metrics.counter('http_requests_total', 'HTTP requests answered by the gateway', [
    'method',
    'route',
    'status',
  ]);
  const duration = metrics.histogram(
    'http_request_duration_seconds',
    'Time from receiving an HTTP request to the end of its answer',
    ['method', 'route', 'status'],
    LATENCY_BUCKETS,
  );
  const apiRequests = metrics.counter(
    'api_requests_total',
    'Public API answers by API and result (callVerify: resultcode, 0 = accepted; SDK APIs: ok or the error code)',
    ['api', 'result'],
  );
  const access = logger.child({ component: 'access' });

  fastify.addHook('onRequest', (request, reply, done) => {
    const observed: Observed = { context: { requestId: String(request.id) }, startedNs: process.hrtime.bigint() };
    (request as ObservedRequest)[OBSERVED] = observed;
    reply.header('x-request-id', observed.context.requestId);
    runInRequestContext(observed.context, done);
  });
  // The body was read from the socket meanwhile (another async context): enter ours again.
  fastify.addHook('preValidation', (request, _reply, done) => {
    const observed = (request as ObservedRequest)[OBSERVED];
    if (observed) runInRequestContext(observed.context, done);
    else done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const observed = (request as ObservedRequest)[OBSERVED];
    if (observed) observed.outcome = apiOutcome(request.routeOptions.url, reply.statusCode, payload);
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const observed = (request as ObservedRequest)[OBSERVED];
    if (!observed) return done();
    const route = routeLabel(request.routeOptions.url);
    const labels = { method: methodLabel(request.method), route, status: String(reply.statusCode) };
    const seconds = secondsSince(observed.startedNs);
    requests.inc(labels);
    duration.observe(labels, seconds);
    if (observed.outcome) apiRequests.inc(observed.outcome);
    if (accessLog !== 'off') {
      const quiet = route === '/health' || route === '/health/live' || route === '/metrics';
      const { requestId, sessionId, messageId } = observed.context;
      access.write(quiet ? 'debug' : accessLog, 'http request', {
        requestId,
        method: labels.method,
        route,
        status: reply.statusCode,
        durationMs: Math.round(seconds * 1e4) / 10,
        ...(sessionId ? { sessionId } : {}),
        ...(messageId ? { messageId } : {}),
        ...(observed.outcome ? { api: observed.outcome.api, result: observed.outcome.result } : {}),
      });
    }
    done();
  });
}
