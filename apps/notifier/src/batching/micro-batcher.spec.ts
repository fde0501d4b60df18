import { MicroBatcher } from './micro-batcher.js';

describe('MicroBatcher', () => {
  it('flushes items added in the same tick together', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        batches.push(items);
        return items.map((i) => i * 10);
      },
      { maxBatch: 100, maxConcurrent: 1 },
    );
    const results = await Promise.all([batcher.add(1), batcher.add(2), batcher.add(3)]);
    expect(results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('accumulates while flushes are running and respects maxBatch', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await gate;
        return items;
      },
      { maxBatch: 2, maxConcurrent: 1 },
    );
    const first = batcher.add(0);
    await new Promise((r) => setImmediate(r));
    const rest = [1, 2, 3].map((i) => batcher.add(i));
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[0]]);
    release();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[0], [1, 2], [3]]);
  });

  it('isolates a failing item by retrying a failed batch one by one', async () => {
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        if (items.includes(2)) throw new Error('bad item');
        return items;
      },
      { maxBatch: 10, maxConcurrent: 1 },
    );
    const results = await Promise.allSettled([batcher.add(1), batcher.add(2), batcher.add(3)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
