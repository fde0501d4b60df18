import { Inject, Injectable } from '@nestjs/common';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { classifyAddress, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { AddressRefusedError, checkWebhookUrl, type WebhookTarget } from './address-policy.js';
import { errorText, isPermanentFailure } from './delivery-policy.js';

/** The outcome of one POST (one delivery attempt). */
export interface PostResult {
  /** HTTP 200: the only answer that acknowledges a notification. */
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  /** Retrying cannot help (refused address, malformed URL, not http/https): see `isPermanentFailure`. */
  permanent: boolean;
  /** Cut off by shutdown: not a verdict on the receiver, so not recorded. */
  aborted: boolean;
}

/** A receiver's response body is read and discarded; past this size the connection is dropped. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const USER_AGENT = 'Verigate-Notifier/1.0';

class ShutdownAbort extends Error {
  constructor() {
    super('aborted by shutdown');
    this.name = 'ShutdownAbort';
  }
}

/**
 * A DNS lookup that refuses non-public addresses. Passed as the request's `lookup`, so it runs
 * when the socket connects: the address checked is the address used (no DNS-rebinding window).
 * If any of a name's addresses is non-public the name is refused.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '');
    const refused = addresses.find((a) => classifyAddress(a.address) !== 'public');
    if (refused)
      return callback(new AddressRefusedError(hostname, refused.address, classifyAddress(refused.address)), '');
    const first = addresses[0];
    if (!first) {
      const notFound: NodeJS.ErrnoException = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
        code: 'ENOTFOUND',
      });
      return callback(notFound, '');
    }
    if (options.all) return callback(null, addresses);
    return callback(null, first.address, first.family);
  });
};

type SendOutcome = { status: number } | { error: Error; staleSocket: boolean };

/**
 * HTTP(S) POST of webhook bodies over keep-alive agents. Redirects are never followed (a 3xx is
 * a failed attempt); each call is bounded by `webhooks.timeoutMs` from start to response headers
 * (and the response body is dropped if it is still streaming at that deadline).
 */
@Injectable()
export class WebhookClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly live = new Set<http.ClientRequest>();
  private closed = false;
  private readonly allowPrivate: boolean;
  private readonly timeoutMs: number;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    this.allowPrivate = config.webhooks.allowPrivate;
    this.timeoutMs = config.webhooks.timeoutMs;
    // maxSockets stays unlimited: the dispatcher bounds concurrency itself, and a request queued
    // inside the agent would spend its timeout waiting for a socket.
    const agentOptions = {
      keepAlive: true,
      keepAliveMsecs: 1000,
      maxFreeSockets: config.webhooks.perHostConcurrency,
      scheduling: 'lifo' as const,
    };
    this.httpAgent = new http.Agent(agentOptions);
    this.httpsAgent = new https.Agent(agentOptions);
  }

  /** POSTs `body` (a string is sent as UTF-8; signed bodies are passed as the exact bytes). */
  async post(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<PostResult> {
    const started = performance.now();
    const result = (partial: Partial<PostResult>): PostResult => ({
      ok: false,
      httpStatus: null,
      error: null,
      permanent: false,
      aborted: false,
      ...partial,
      durationMs: Math.round(performance.now() - started),
    });
    if (this.closed) return result({ error: 'aborted by shutdown', aborted: true });

    // A literal IP never goes through `lookup`, so it is checked here (names at connect time).
    const target = checkWebhookUrl(url, this.allowPrivate);
    if ('error' in target) return result({ error: target.error.message, permanent: true });

    const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const deadline = started + this.timeoutMs;
    // A keep-alive socket the receiver closed while idle fails at once: try once more on a fresh one.
    for (let tries = 0; ; tries++) {
      const outcome = await this.send(target, payload, headers, Math.max(1, deadline - performance.now()));
      if ('status' in outcome) {
        if (outcome.status === 200) return result({ ok: true, httpStatus: 200 });
        const redirect = outcome.status >= 300 && outcome.status < 400 ? 'redirect not followed' : null;
        return result({ httpStatus: outcome.status, error: redirect });
      }
      if (outcome.error instanceof ShutdownAbort) return result({ error: outcome.error.message, aborted: true });
      if (outcome.staleSocket && tries === 0 && deadline - performance.now() > 1) continue;
      return result({ error: errorText(outcome.error), permanent: isPermanentFailure(outcome.error) });
    }
  }

  private send(
    target: WebhookTarget,
    payload: Buffer,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<SendOutcome> {
    const { url, secure, hostname, auth } = target;
    return new Promise<SendOutcome>((resolve) => {
      let settled = false;
      const settle = (outcome: SendOutcome) => {
        if (settled) return;
        settled = true;
        resolve(outcome);
      };
      const options: https.RequestOptions = {
        method: 'POST',
        hostname,
        port: url.port ? Number(url.port) : undefined,
        path: `${url.pathname}${url.search}`,
        agent: secure ? this.httpsAgent : this.httpAgent,
        headers: {
          ...headers,
          'Content-Type': 'application/json;charset=UTF-8',
          'Content-Length': String(payload.length),
          'User-Agent': USER_AGENT,
        },
        ...(auth !== undefined ? { auth } : {}),
        ...(this.allowPrivate ? {} : { lookup: publicOnlyLookup }),
      };
      let req: http.ClientRequest;
      try {
        req = secure ? https.request(options) : http.request(options);
      } catch (error) {
        settle({ error: error as Error, staleSocket: false });
        return;
      }
      this.live.add(req);
      const timer = setTimeout(() => req.destroy(new Error(`timeout after ${this.timeoutMs} ms`)), timeoutMs);
      timer.unref();
      const cleanup = () => {
        clearTimeout(timer);
        this.live.delete(req);
      };
      req.on('response', (res) => {
        settle({ status: res.statusCode ?? 0 });
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) req.destroy();
        });
        res.on('error', () => undefined);
        res.on('end', cleanup);
        res.on('close', cleanup);
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        cleanup();
        const staleSocket = req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
        settle({ error, staleSocket });
      });
      req.on('close', cleanup);
      req.end(payload);
    });
  }

  /** Shutdown: aborts whatever is still in flight and closes pooled connections. */
  close(): void {
    this.closed = true;
    for (const req of this.live) req.destroy(new ShutdownAbort());
    this.live.clear();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
