import { describe, expect, it } from '@jest/globals';
import { ToneCache, type ToneSource } from './tone-cache.js';
import { encodeWav } from '#libs/media';

class CountingSource implements ToneSource {
  reads = 0;
  files = new Map<string, { digest: string; content: Buffer }>();
  async digest(_app: string, name: string) {
    return this.files.get(name)?.digest ?? null;
  }
  async content(_app: string, name: string) {
    this.reads++;
    return this.files.get(name)?.content ?? null;
  }
}

describe('tone cache', () => {
  it('converts a tone once, again only when its digest changes, and forgets withdrawn tones', async () => {
    const source = new CountingSource();
    source.files.set('a.wav', { digest: 'd1', content: encodeWav(new Int16Array(1600).fill(100), 16000) });
    const cache = new ToneCache(source);
    const first = await cache.get('app', 'a.wav');
    expect(first).toHaveLength(800); // 16 kHz → 8 kHz
    await Promise.all([cache.get('app', 'a.wav'), cache.get('app', 'a.wav')]);
    expect(source.reads).toBe(1);
    source.files.set('a.wav', { digest: 'd2', content: encodeWav(new Int16Array(800).fill(200), 8000) });
    expect((await cache.get('app', 'a.wav'))![0]).toBe(200);
    expect(source.reads).toBe(2);
    source.files.delete('a.wav');
    expect(await cache.get('app', 'a.wav')).toBeNull();
  });

  it('stays within its sample budget, dropping the least recently used', async () => {
    const source = new CountingSource();
    for (const name of ['a', 'b', 'c'])
      source.files.set(name, { digest: name, content: encodeWav(new Int16Array(800), 8000) });
    const cache = new ToneCache(source, 1600);
    await cache.get('app', 'a');
    await cache.get('app', 'b');
    await cache.get('app', 'a');
    await cache.get('app', 'c'); // evicts b
    expect(cache.size).toBe(2);
    await cache.get('app', 'a');
    expect(source.reads).toBe(3);
    await cache.get('app', 'b');
    expect(source.reads).toBe(4);
  });
});
