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

  static scriptUrl(): URL {
    return new URL('./render-thread.js', import.meta.url);
  }

  static available(): boolean {
    const url = RenderThreads.scriptUrl();
    return url.protocol === 'file:' && existsSync(fileURLToPath(url));
  }

  constructor(count: number, options: { backgroundsDir: string; decoys: number }, private readonly onExit: (error: Error) => void, script = RenderThreads.scriptUrl()) {
    for (let i = 0; i < count; i++) {
      const worker = new Worker(script, { workerData: options });
      let markReady!: () => void;
      const thread = { worker, busy: 0, ready: new Promise<void>((r) => (markReady = r)) };
      worker.on('message', (message: { ready?: true; id?: number; rendered?: RenderedCaptcha; error?: string }) => {
        if (message.ready) return markReady();
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
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
    for (const t of this.threads) void t.worker.terminate();
  }

  async render(kind: CaptchaKind): Promise<RenderedCaptcha> {
    if (this.failed) throw this.failed;
    const thread = this.threads.reduce((a, b) => (b.busy < a.busy ? b : a));
    await thread.ready;
    const id = this.nextId++;
    thread.busy++;
    return new Promise<RenderedCaptcha>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ id, kind });
    });
  }

  async close(): Promise<void> {
    this.failed ??= new Error('render threads closed');
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
    for (const waiting of this.pending.values()) waiting.reject(new Error('render threads closed'));
    this.pending.clear();
  }
}
