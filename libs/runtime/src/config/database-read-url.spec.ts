import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './index.js';

describe('DATABASE_READ_URL', () => {
  it('reads DATABASE_READ_URL: unset = none, else validated like DATABASE_URL without echoing it', () => {
    expect(loadConfig({}).databaseReadUrl).toBeNull();
    expect(loadConfig({ DATABASE_READ_URL: 'postgres://reader:pw@replica:5432/verigate' }).databaseReadUrl).toBe(
      'postgres://reader:pw@replica:5432/verigate',
    );
    let message = '';
    try {
      loadConfig({ DATABASE_READ_URL: 'mysql://reader:s3cret@replica/verigate' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/DATABASE_READ_URL must use postgres: or postgresql:/);
    expect(message).not.toContain('s3cret');
    expect(() => loadConfig({ DATABASE_READ_URL: 'not a url' })).toThrow(/DATABASE_READ_URL is not a valid URL/);
  });
});
