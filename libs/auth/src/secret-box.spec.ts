import { describe, expect, it } from '@jest/globals';
import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  it('round-trips and never stores the clear text', () => {
    const box = new SecretBox('a master key of some length');
    const sealed = box.seal('LxbZFbH0bggatMsPM1K0V5AzPoNZVfd6');
    expect(sealed).not.toContain('LxbZFbH0');
    expect(box.open(sealed)).toBe('LxbZFbH0bggatMsPM1K0V5AzPoNZVfd6');
    expect(box.seal('x')).not.toBe(box.seal('x'));
  });

  it('refuses a tampered value or another key', () => {
    const box = new SecretBox('a master key of some length');
    const sealed = box.seal('secret');
    expect(() => new SecretBox('another master key!!').open(sealed)).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64');
    expect(() => box.open(parts.join('.'))).toThrow();
  });

  it('openOrNull gives null where open would throw', () => {
    const box = new SecretBox('a master key of some length');
    const sealed = box.seal('secret');
    expect(box.openOrNull(sealed)).toBe('secret');
    expect(new SecretBox('another master key!!').openOrNull(sealed)).toBeNull();
    expect(box.openOrNull('unused')).toBeNull();
  });
});
