/**
 * Bounds concurrent HTTP requests in total and per receiving host. A request takes a slot
 * (waiting in FIFO order per host if its host or the total is at its limit) and gives it back
 * when the response (or error) is in. Pure bookkeeping, no I/O.
 */
export class RequestSlots {
  private busy = 0;
  private waiting = 0;
  private readonly busyByHost = new Map<string, number>();
  /** Per host, in arrival order. Only hosts with waiters have an entry. */
  private readonly waiters = new Map<string, Array<() => void>>();

  constructor(
    readonly total: number,
    readonly perHost: number,
  ) {}

  /** Requests running or waiting to run. */
  get inUse(): number {
    return this.busy + this.waiting;
  }

  /** Free slots overall (waiters count as taken). */
  get free(): number {
    return Math.max(0, this.total - this.inUse);
  }

  /** Requests running or waiting to run for `host`. */
  load(host: string): number {
    return (this.busyByHost.get(host) ?? 0) + (this.waiters.get(host)?.length ?? 0);
  }

  /** Every host with something running or waiting, and its free slots (≤ 0 = saturated). */
  hostBudget(): Map<string, number> {
    const budget = new Map<string, number>();
    for (const host of this.busyByHost.keys()) budget.set(host, this.perHost - this.load(host));
    for (const host of this.waiters.keys()) budget.set(host, this.perHost - this.load(host));
    return budget;
  }

  /** Takes a slot now if `host` and the total allow it (and nobody of the host is queued first). */
  tryAcquire(host: string): boolean {
    if (this.waiters.has(host) || !this.fits(host)) return false;
    this.take(host);
    return true;
  }

  /** Takes a slot, waiting if need be. Resolves false if `signal` aborts first (nothing is held then). */
  acquire(host: string, signal?: AbortSignal): Promise<boolean> {
    if (this.tryAcquire(host)) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      };
      const onAbort = () => {
        const queue = this.waiters.get(host);
        const i = queue ? queue.indexOf(grant) : -1;
        if (i < 0) return; // granted meanwhile
        queue!.splice(i, 1);
        this.waiting -= 1;
        if (queue!.length === 0) this.waiters.delete(host);
        resolve(false);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const queue = this.waiters.get(host);
      if (queue) queue.push(grant);
      else this.waiters.set(host, [grant]);
      this.waiting += 1;
    });
  }

  /**
   * Gives a slot back and hands freed capacity to waiters (the same host's first). Returns true
   * when capacity was left free (nobody could use it): a good moment to look for more work.
   */
  release(host: string): boolean {
    this.busy -= 1;
    const n = (this.busyByHost.get(host) ?? 1) - 1;
    if (n <= 0) this.busyByHost.delete(host);
    else this.busyByHost.set(host, n);
    if (this.waiting === 0) return true;
    let granted = this.grantHead(host);
    for (const other of this.waiters.keys()) {
      if (this.busy >= this.total) break;
      while (this.grantHead(other)) granted = true;
    }
    return !granted;
  }

  private grantHead(host: string): boolean {
    const queue = this.waiters.get(host);
    if (!queue || !this.fits(host)) return false;
    const grant = queue.shift()!;
    if (queue.length === 0) this.waiters.delete(host);
    this.waiting -= 1;
    this.take(host);
    grant();
    return true;
  }

  private fits(host: string): boolean {
    return this.busy < this.total && (this.busyByHost.get(host) ?? 0) < this.perHost;
  }

  private take(host: string): void {
    this.busy += 1;
    this.busyByHost.set(host, (this.busyByHost.get(host) ?? 0) + 1);
  }
}
