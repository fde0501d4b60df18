/**
 * Bounds concurrent HTTP requests in total and per receiving host. A request takes a slot
 * (waiting in FIFO order if its host or the total is at its limit) and gives it back when the
 * response (or error) is in. Pure bookkeeping, no I/O.
 */
interface Waiter {
  host: string;
  grant: () => void;
}

export class RequestSlots {
  private busy = 0;
  private readonly busyByHost = new Map<string, number>();
  private readonly waiters: Waiter[] = [];

  constructor(
    readonly total: number,
    readonly perHost: number,
  ) {}

  /** Requests running or waiting to run. */
  get inUse(): number {
    return this.busy + this.waiters.length;
  }

  /** Requests running or waiting to run for `host`. */
  load(host: string): number {
    let n = this.busyByHost.get(host) ?? 0;
    for (const w of this.waiters) if (w.host === host) n += 1;
    return n;
  }

  /** Free slots overall (waiters count as taken). */
  get free(): number {
    return Math.max(0, this.total - this.inUse);
  }

  /** Every host with something running or waiting, and its free slots (≤ 0 = saturated). */
  hostBudget(): Map<string, number> {
    const load = new Map(this.busyByHost);
    for (const w of this.waiters) load.set(w.host, (load.get(w.host) ?? 0) + 1);
    const budget = new Map<string, number>();
    for (const [host, n] of load) budget.set(host, this.perHost - n);
    return budget;
  }

  /** Takes a slot now if `host` and the total allow it. */
  tryAcquire(host: string): boolean {
    if (this.waiters.length > 0 && this.waiters.some((w) => w.host === host)) return false; // FIFO per host
    if (this.busy >= this.total || (this.busyByHost.get(host) ?? 0) >= this.perHost) return false;
    this.take(host);
    return true;
  }

  /**
   * Takes a slot, waiting if need be. Resolves false if `signal` aborts first (the caller then
   * holds nothing).
   */
  acquire(host: string, signal?: AbortSignal): Promise<boolean> {
    if (this.tryAcquire(host)) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        host,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(true);
        },
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(false);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /**
   * Gives a slot back and hands freed capacity to waiters (oldest first). Returns true when the
   * slot was left free (nobody was waiting for it): a good moment to look for more work.
   */
  release(host: string): boolean {
    this.busy -= 1;
    const n = (this.busyByHost.get(host) ?? 1) - 1;
    if (n <= 0) this.busyByHost.delete(host);
    else this.busyByHost.set(host, n);
    let granted = false;
    for (let i = 0; i < this.waiters.length && this.busy < this.total; ) {
      const w = this.waiters[i]!;
      if ((this.busyByHost.get(w.host) ?? 0) < this.perHost) {
        this.waiters.splice(i, 1);
        this.take(w.host);
        w.grant();
        granted = true;
      } else {
        i += 1;
      }
    }
    return !granted;
  }

  private take(host: string): void {
    this.busy += 1;
    this.busyByHost.set(host, (this.busyByHost.get(host) ?? 0) + 1);
  }
}
