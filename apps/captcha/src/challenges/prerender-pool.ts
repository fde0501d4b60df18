/**
 * Captchas rendered ahead, so that a `get` costs a row and an RPC, not a render
 * (docs/architecture.md, "Pre-render pool").
 *
 * - Bounded: at most `size` ready captchas per kind, held in this process's memory only (their
 *   answers never leave it until `get` stores them in the session row).
 * - Refilled in the background, one render per turn of the event loop (or per `pauseMs`), so
 *   RPC messages and database replies are handled between two renders.
 * - `take` removes what it returns: a pre-render is served once. An empty pool renders inline.
 * - A kind is filled once it has been asked for (blockPuzzle from the start).
 */
export interface PoolOptions<K extends string, T> {
  size: number;
  pauseMs: number;
  render: (kind: K) => Promise<T>;
  /** Called with a render's error (the refill goes on with the next one). */
  onError: (error: Error) => void;
}

export class PrerenderPool<K extends string, T> {
  private readonly ready = new Map<K, T[]>();
  private refilling = false;
  private stopped = true;
  private readonly hits = { pool: 0, inline: 0 };

  constructor(private readonly options: PoolOptions<K, T>) {}

  /** Starts filling `kinds` (more kinds join when first taken). */
  start(...kinds: K[]): void {
    this.stopped = false;
    for (const kind of kinds) if (!this.ready.has(kind)) this.ready.set(kind, []);
    this.refill();
  }

  stop(): void {
    this.stopped = true;
  }

  /** A captcha of this kind: a pre-render (removed from the pool) or, when none is ready, one rendered now. */
  async take(kind: K): Promise<{ item: T; fromPool: boolean }> {
    let queue = this.ready.get(kind);
    if (!queue) this.ready.set(kind, (queue = []));
    const item = queue.shift();
    this.refill();
    if (item !== undefined) {
      this.hits.pool++;
      return { item, fromPool: true };
    }
    this.hits.inline++;
    return { item: await this.options.render(kind), fromPool: false };
  }

  /** Ready captchas per kind. */
  levels(): Record<string, number> {
    return Object.fromEntries([...this.ready].map(([kind, queue]) => [kind, queue.length]));
  }

  get served(): { pool: number; inline: number } {
    return { ...this.hits };
  }

  /** The emptiest kind below the size, if any. */
  private neediest(): K | undefined {
    let best: K | undefined;
    let level = this.options.size;
    for (const [kind, queue] of this.ready) {
      if (queue.length < level) {
        best = kind;
        level = queue.length;
      }
    }
    return best;
  }

  private refill(): void {
    if (this.refilling || this.stopped || this.options.size === 0) return;
    this.refilling = true;
    const step = async (): Promise<void> => {
      const kind = this.stopped ? undefined : this.neediest();
      if (kind === undefined) {
        this.refilling = false;
        return;
      }
      try {
        const item = await this.options.render(kind);
        const queue = this.ready.get(kind)!;
        if (queue.length < this.options.size) queue.push(item);
      } catch (error) {
        this.options.onError(error as Error);
      }
      // Yield to I/O (RPC messages, database replies) before the next render.
      if (this.options.pauseMs > 0) setTimeout(() => void step(), this.options.pauseMs).unref();
      else setImmediate(() => void step());
    };
    setImmediate(() => void step());
  }
}
