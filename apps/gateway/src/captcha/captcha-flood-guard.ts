import { Inject, Injectable, Optional } from '@nestjs/common';
import { Metrics, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';

/** At most this many address buckets are tracked per budget; beyond it the oldest is forgotten. */
export const MAX_TRACKED = 100_000;
/** Injection token of a smaller cap (unit tests); unset in the app: MAX_TRACKED. */
export const CAPTCHA_FLOOD_MAX_TRACKED = Symbol('CAPTCHA_FLOOD_MAX_TRACKED');

/** Which budget a captcha RPC draws on: `get`, or `answer` (check, managed and verify together). */
export type FloodRoute = 'get' | 'answer';

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets keyed by address bucket, capped at `maxTracked` entries (oldest use evicted first). */
class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly burst: number,
    perMinute: number,
    private readonly maxTracked: number,
  ) {
    this.perMs = perMinute / 60_000;
  }

  get size(): number {
    return this.buckets.size;
  }

  take(key: string, now: number): boolean {
    const bucket = this.buckets.get(key);
    const tokens = bucket ? Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.perMs) : this.burst;
    // Delete then set: the Map's insertion order is then the order of last use, oldest first.
    if (bucket) this.buckets.delete(key);
    else if (this.buckets.size >= this.maxTracked) this.buckets.delete(this.buckets.keys().next().value!);
    const admitted = tokens >= 1;
    this.buckets.set(key, { tokens: admitted ? tokens - 1 : tokens, at: now });
    return admitted;
  }
}

/**
 * Flood protection before the captcha RPC queue (VERIGATE_CAPTCHA_FLOOD_*): token buckets per
 * client address bucket (IPv4 address, IPv6 /64), in this gateway's memory, one budget for `get`
 * and one for the answers (`check`, `managed`, `verify`). A request beyond its budget is refused
 * at once (429 CAPTCHA.RATE_LIMITED) and never published, so one client cannot fill the shared
 * queue and make everyone's captcha time out. Per gateway instance: N gateways admit up to N
 * times the budget; the captcha worker's limits (in PostgreSQL) are the platform-wide ones.
 * Memory is bounded: at MAX_TRACKED addresses per budget the least recently seen is forgotten
 * (a forgotten address starts again with a full burst, which a flood from many addresses gets anyway).
 */
@Injectable()
export class CaptchaFloodGuard {
  private readonly budgets: Record<FloodRoute, TokenBuckets>;
  private readonly refused;

  constructor(
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    metrics: Metrics,
    @Optional() @Inject(CAPTCHA_FLOOD_MAX_TRACKED) maxTracked: number = MAX_TRACKED,
  ) {
    const { flood } = config.captcha;
    this.budgets = {
      get: new TokenBuckets(flood.burst, flood.perMinute, maxTracked),
      answer: new TokenBuckets(flood.answerBurst, flood.answerPerMinute, maxTracked),
    };
    this.refused = metrics.counter(
      'captcha_flood_refusals_total',
      "Captcha requests refused by the gateway's per-address budget before reaching the captcha queue, by budget (get, answer)",
      ['route'],
    );
  }

  /** Takes one token of `addressBucket`'s budget for `route`; false when it has none left. */
  admit(addressBucket: string, now = Date.now(), route: FloodRoute = 'get'): boolean {
    if (this.budgets[route].take(addressBucket, now)) return true;
    this.refused.inc({ route });
    return false;
  }

  /** Address buckets tracked for `route` (bounded by MAX_TRACKED). */
  tracked(route: FloodRoute = 'get'): number {
    return this.budgets[route].size;
  }
}
