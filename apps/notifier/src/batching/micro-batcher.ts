import { outsideRequestContext } from '#libs/runtime';
/**
 * Groups concurrent calls into one batch call (one SQL statement, one commit). Items wait at most
 * until the next turn of the event loop while a flush slot is free; when `maxConcurrent` flushes
 * are already running, items accumulate and go out together as soon as one finishes. So at low
 * load each item is flushed alone and at once, and under load batches grow by themselves.
 *
 * If a batch fails, its items are retried one by one, so a single bad item fails alone.
 */
export interface MicroBatcherOptions {
  maxBatch: number;
  maxConcurrent: number;
}

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class MicroBatcher<T, R> {
  private queue: Waiting<T, R>[] = [];
  private running = 0;
  private scheduled = false;

  /** `flush` must return one result per item, in order. */
  constructor(
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly options: MicroBatcherOptions,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting or being flushed. */
  get pending(): number {
    return this.queue.length + this.running;
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.options.maxConcurrent || this.queue.length === 0) return;
    this.scheduled = true;
    // A batch serves many requests: it runs in none of their contexts (log lines would name one).
    outsideRequestContext(() =>
      setImmediate(() => {
        this.scheduled = false;
        this.drain();
      }),
    );
  }

  private drain(): void {
    while (this.running < this.options.maxConcurrent && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.running += 1;
      void this.run(batch).finally(() => {
        this.running -= 1;
        this.schedule();
      });
    }
  }

  private async run(batch: Waiting<T, R>[]): Promise<void> {
    try {
      const results = await this.flush(batch.map((w) => w.item));
      if (results.length !== batch.length)
        throw new Error(`batch flush returned ${results.length} results for ${batch.length} items`);
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      for (const w of batch) {
        try {
          const [result] = await this.flush([w.item]);
          w.resolve(result!);
        } catch (single) {
          w.reject(single);
        }
      }
    }
  }
}
