import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CaptchaKind, RenderedCaptcha } from './render.js';

type Pending = { resolve: (r: RenderedCaptcha) => void; reject: (e: Error) => void };

/**
 * Render threads (worker_threads) inside the captcha worker process, so that drawing never holds
 * up the event loop that answers RPC messages. Requests go to the least busy thread. Available
 * only from the built JavaScript (dist/): `available()` is false when running from TypeScript
 * sources (the e2e tests), and callers then render on the event loop.
 */
export class RenderThreads {
  private readonly threads: Array<{ worker: Worker; busy: number; ready: Promise<void> }> = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failed: Error | null = null;
  /** Rejects each thread's `ready`: a thread that dies while loading must not leave render() waiting forever. */
  private readonly readyRejecters: Array<(error: Error) => void> = [];

  static scriptUrl(): URL {
    return new URL('./render-thread.js', import.meta.url);
  }

  static available(): boolean {
    const url = RenderThreads.scriptUrl();
    return url.protocol === 'file:' && existsSync(fileURLToPath(url));
  }

  constructor(
    count: number,
    options: { backgroundsDir: string; decoys: number },
    private readonly onExit: (error: Error) => void,
    script = RenderThreads.scriptUrl(),
  ) {
    for (let i = 0; i < count; i++) {
      const worker = new Worker(script, { workerData: options });
      let markReady!: () => void;
      let isReady = false;
      const ready = new Promise<void>((resolve, reject) => {
        markReady = resolve;
        this.readyRejecters.push(reject);
      });
      // fail() may reject `ready` before anyone awaits it: that must not be an unhandled rejection.
      ready.catch(() => undefined);
      const thread = { worker, busy: 0, ready };
      worker.on('message', (message: { ready?: true; id?: number; rendered?: RenderedCaptcha; error?: string }) => {
        if (message.ready) {
          isReady = true;
          return markReady();
        }
        const waiting = this.pending.get(message.id!);
        if (!waiting) return;
        this.pending.delete(message.id!);
        thread.busy--;
        if (message.rendered) waiting.resolve(message.rendered);
        else waiting.reject(new Error(message.error ?? 'render failed'));
      });
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`render thread exited with code ${code}`));
        else if (!isReady) this.fail(new Error('render thread exited before it was ready'));
      });
      worker.unref();
      this.threads.push(thread);
    }
  }

  /** A thread failed: every waiting and later request is refused (the caller renders on its own). */
  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = error;
    this.onExit(error);
    for (const reject of this.readyRejecters) reject(error);
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
    for (const t of this.threads) void t.worker.terminate();
  }

  private throwIfFailed(): void {
    if (this.failed) throw this.failed;
  }

  async render(kind: CaptchaKind): Promise<RenderedCaptcha> {
    this.throwIfFailed();
    const thread = this.threads.reduce((a, b) => (b.busy < a.busy ? b : a));
    await thread.ready;
    // Another thread may have failed while this one was loading: nothing would answer now.
    this.throwIfFailed();
    const id = this.nextId++;
    thread.busy++;
    return new Promise<RenderedCaptcha>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ id, kind });
    });
  }

  async close(): Promise<void> {
    this.failed ??= new Error('render threads closed');
    for (const reject of this.readyRejecters) reject(this.failed);
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
    for (const waiting of this.pending.values()) waiting.reject(new Error('render threads closed'));
    this.pending.clear();
  }
}
