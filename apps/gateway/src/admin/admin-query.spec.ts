import { describe, expect, it } from '@jest/globals';
import { AdminError } from '../http/rest-error.js';
import { listFormat } from './admin-query.js';

describe('listFormat', () => {
  it('is json by default, json or csv when given, an error otherwise', () => {
    expect(listFormat(undefined)).toBe('json');
    expect(listFormat('json')).toBe('json');
    expect(listFormat('csv')).toBe('csv');
    expect(() => listFormat('xml')).toThrow(AdminError);
    expect(() => listFormat('')).toThrow('format must be json or csv');
  });
});
