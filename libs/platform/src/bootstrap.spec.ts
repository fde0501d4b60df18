import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { JsonLogger, redirectLogs } from '#libs/runtime';
import { exitOnShutdownSignals } from './bootstrap.js';

describe('exitOnShutdownSignals', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    jest.restoreAllMocks();
  });

  /** Registers the handlers, then calls the SIGTERM one as a signal would (the test process gets no real signal). */
  function stopWith(app: Pick<INestApplicationContext, 'close'>, timeoutMs: number): void {
    const before = new Set(process.listeners('SIGTERM'));
    const beforeInt = new Set(process.listeners('SIGINT'));
    cleanups.push(redirectLogs(() => undefined));
    exitOnShutdownSignals(app as INestApplicationContext, new JsonLogger('test'), { timeoutMs });
    const added = process.listeners('SIGTERM').filter((l) => !before.has(l));
    cleanups.push(() => {
      for (const l of added) process.removeListener('SIGTERM', l);
      for (const l of process.listeners('SIGINT').filter((l) => !beforeInt.has(l))) process.removeListener('SIGINT', l);
    });
    expect(added).toHaveLength(1);
    (added[0] as (signal: NodeJS.Signals) => void)('SIGTERM');
  }

  it('keeps the process alive until the deadline while app.close() hangs, so a hang exits 1 instead of 0', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const timers: NodeJS.Timeout[] = [];
    const realSetTimeout = globalThis.setTimeout;
    jest.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      const timer = realSetTimeout(fn, ms);
      timers.push(timer);
      return timer;
    }) as typeof setTimeout);
    cleanups.push(() => {
      for (const t of timers) clearTimeout(t);
    });

    // A close that never settles and holds nothing open: without a referenced deadline timer the
    // event loop would empty and Node would exit 0, as if the stop had succeeded.
    stopWith({ close: () => new Promise<void>(() => undefined) }, 30_000);

    const deadline = timers.find((t) => t.hasRef());
    expect(deadline).toBeDefined();
    expect(exit).not.toHaveBeenCalled();
  });
});
