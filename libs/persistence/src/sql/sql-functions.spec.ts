import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { SQL_FUNCTIONS, sqlFunction } from './sql-functions.js';

describe('SQL function files', () => {
  it('lists every file of the functions folder once, and nothing else', () => {
    const files = readdirSync(new URL('./functions/', import.meta.url))
      .filter((name) => name.endsWith('.sql'))
      .map((name) => name.slice(0, -4));
    expect([...SQL_FUNCTIONS].sort()).toEqual(files.sort());
  });

  it('has each file create or replace the one function its name says, in one statement', () => {
    for (const file of SQL_FUNCTIONS) {
      const text = sqlFunction(file);
      const created = [...text.matchAll(/^CREATE OR REPLACE FUNCTION (\w+)\(/gm)].map((m) => m[1]);
      expect({ file, created }).toEqual({ file, created: [file.split('.')[0]] });
      expect(text).not.toMatch(/^CREATE FUNCTION/m);
    }
  });
});
