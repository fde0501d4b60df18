import { describe, expect, it } from '@jest/globals';
import { tokenStore } from './session.js';

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

describe('operator token store', () => {
  it('keeps the token in session storage until sign-out', () => {
    const storage = memoryStorage();
    const store = tokenStore(storage);
    store.set('tok');
    expect(tokenStore(storage).get()).toBe('tok'); // a reload of the same tab
    store.clear();
    expect(storage.items.size).toBe(0);
    expect(store.get()).toBeNull();
  });

  it('falls back to memory when storage refuses', () => {
    const refusing = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    const store = tokenStore(refusing);
    expect(store.get()).toBeNull();
    store.set('tok');
    expect(store.get()).toBe('tok');
    store.clear();
    expect(store.get()).toBeNull();
  });
});
