import { toNarrowbandYielding } from './prompt.js';

/** Where approved tone files come from (PostgreSQL in the worker; a map in unit tests). */
export interface ToneSource {
  /** The tone's digest, or null when the app has no approved tone of that name. */
  digest(appKey: string, name: string): Promise<string | null>;
  content(appKey: string, name: string): Promise<Uint8Array | null>;
}

/**
 * Approved tones converted to 8 kHz mono PCM once and kept (LRU, bounded by total samples). A
 * re-uploaded tone has a new digest, so a stale conversion is never played; one cheap query per
 * call checks that the tone is still approved.
 */
export class ToneCache {
  private readonly entries = new Map<string, { digest: string; samples: Int16Array }>();
  private readonly pending = new Map<string, Promise<Int16Array>>();
  private totalSamples = 0;

  constructor(
    private readonly source: ToneSource,
    private readonly maxSamples = 8000 * 60 * 60,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The tone as 8 kHz PCM, or null when it is not (or no longer) approved. */
  async get(appKey: string, name: string): Promise<Int16Array | null> {
    const key = `${appKey}/${name}`;
    const digest = await this.source.digest(appKey, name);
    if (!digest) return null;
    const hit = this.entries.get(key);
    if (hit && hit.digest === digest) {
      this.entries.delete(key);
      this.entries.set(key, hit); // most recently used last
      return hit.samples;
    }
    const pendingKey = `${key}@${digest}`;
    let conversion = this.pending.get(pendingKey);
    if (!conversion) {
      conversion = (async () => {
        const content = await this.source.content(appKey, name);
        if (!content) throw new Error(`tone ${name} disappeared while being read`);
        const samples = await toNarrowbandYielding(content);
        this.store(key, digest, samples);
        return samples;
      })().finally(() => this.pending.delete(pendingKey));
      this.pending.set(pendingKey, conversion);
    }
    return conversion;
  }

  private store(key: string, digest: string, samples: Int16Array): void {
    const old = this.entries.get(key);
    if (old) {
      this.totalSamples -= old.samples.length;
      this.entries.delete(key);
    }
    this.entries.set(key, { digest, samples });
    this.totalSamples += samples.length;
    for (const [k, v] of this.entries) {
      if (this.totalSamples <= this.maxSamples || k === key) break;
      this.entries.delete(k);
      this.totalSamples -= v.samples.length;
    }
  }
}
