import { Inject, Injectable } from '@nestjs/common';
import { Metrics, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';

/** Beyond this many tracked address buckets, full (idle) buckets are forgotten. */
const MAX_TRACKED = 100_000;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Flood protection before the captcha RPC queue (VERIGATE_CAPTCHA_FLOOD_*): a token bucket per
 * client address bucket (IPv4 address, IPv6 /64), in this gateway's memory. A `get` beyond it is
 * refused at once (429 CAPTCHA.RATE_LIMITED) and never published, so one client cannot fill the
 * shared queue and make everyone's captcha time out. Per gateway instance: N gateways admit up
 * to N times the budget; the captcha worker's limits (in PostgreSQL) are the platform-wide ones.
 */
@Injectable()
export class CaptchaFloodGuard {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;
  private readonly perMs: number;
  private readonly refused;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig, metrics: Metrics) {
    this.burst = config.captcha.flood.burst;
    this.perMs = config.captcha.flood.perMinute / 60_000;
    this.refused = metrics.counter('captcha_flood_refusals_total', 'Captcha gets refused by the gateway\'s per-address budget before reaching the captcha queue');
  }

  /** Takes one token of `addressBucket`'s budget; false when it has none left. */
  admit(addressBucket: string, now = Date.now()): boolean {
    const bucket = this.buckets.get(addressBucket);
    const tokens = bucket ? Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.perMs) : this.burst;
    if (tokens < 1) {
      if (bucket) Object.assign(bucket, { tokens, at: now });
      this.refused.inc();
      return false;
    }
    if (!bucket && this.buckets.size >= MAX_TRACKED) this.forgetFull(now);
    this.buckets.set(addressBucket, { tokens: tokens - 1, at: now });
    return true;
  }

  /** Drops the buckets that have refilled (an absent bucket is a full one). */
  private forgetFull(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.perMs >= this.burst) this.buckets.delete(key);
    }
  }
}
