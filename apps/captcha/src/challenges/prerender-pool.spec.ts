import { describe, expect, it } from '@jest/globals';
import { PrerenderPool } from './prerender-pool.js';

const settle = async (until: () => boolean, turns = 10_000) => {
  for (let i = 0; i < turns && !until(); i++) await new Promise((r) => setImmediate(r));
};

function pool(size: number, render?: (kind: string) => Promise<number>) {
  let next = 0;
  const renders: string[] = [];
  const p = new PrerenderPool<string, number>({
    size,
    pauseMs: 0,
    onError: () => undefined,
    render:
      render ??
      (async (kind) => {
        renders.push(kind);
        return next++;
      }),
  });
  return { p, renders };
}

describe('pre-render pool', () => {
  it('fills up to its size in the background and stops there', async () => {
    const { p, renders } = pool(5);
    p.start('blockPuzzle');
    await settle(() => p.levels().blockPuzzle === 5);
    await settle(() => false, 50);
    expect(p.levels()).toEqual({ blockPuzzle: 5 });
    expect(renders).toHaveLength(5);
  });

  it('never hands out a pre-render twice, and refills what was taken', async () => {
    const { p, renders } = pool(4);
    p.start('blockPuzzle');
    await settle(() => p.levels().blockPuzzle === 4);
    const taken = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const { item } = await p.take('blockPuzzle');
      expect(taken.has(item)).toBe(false);
      taken.add(item);
    }
    await settle(() => p.levels().blockPuzzle === 4);
    expect(p.levels().blockPuzzle).toBe(4);
    expect(renders.length).toBeLessThanOrEqual(40 + 4);
  });

  it('renders inline when the pool is empty (or disabled), and a new kind joins the refill', async () => {
    const { p, renders } = pool(0);
    p.start('blockPuzzle');
    expect(await p.take('blockPuzzle')).toEqual({ item: 0, fromPool: false });
    await settle(() => false, 50);
    expect(renders).toEqual(['blockPuzzle']);

    const second = pool(3);
    second.p.start('blockPuzzle');
    const first = await second.p.take('clickWord:en');
    expect(first.fromPool).toBe(false);
    await settle(() => second.p.levels()['clickWord:en'] === 3 && second.p.levels().blockPuzzle === 3);
    expect(second.p.levels()).toEqual({ blockPuzzle: 3, 'clickWord:en': 3 });
  });

  it('yields to other work between two renders', async () => {
    const { p } = pool(50);
    p.start('blockPuzzle');
    // A task queued like an incoming message runs long before the pool is full.
    let levelWhenRun = -1;
    setImmediate(() => {
      levelWhenRun = p.levels().blockPuzzle!;
    });
    await settle(() => p.levels().blockPuzzle === 50);
    expect(levelWhenRun).toBeGreaterThanOrEqual(0);
    expect(levelWhenRun).toBeLessThan(5);
  });

  it('goes on after a failed render and stops when told', async () => {
    const errors: Error[] = [];
    let calls = 0;
    const p = new PrerenderPool<string, number>({
      size: 3,
      pauseMs: 0,
      onError: (e) => errors.push(e),
      render: async () => {
        calls++;
        if (calls === 2) throw new Error('boom');
        return calls;
      },
    });
    p.start('blockPuzzle');
    await settle(() => p.levels().blockPuzzle === 3);
    expect(errors.map((e) => e.message)).toEqual(['boom']);
    p.stop();
    await p.take('blockPuzzle');
    await settle(() => false, 50);
    expect(p.levels().blockPuzzle).toBe(2);
  });
});
