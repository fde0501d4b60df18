import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { configReferenceTable, replaceConfigReference } from './config-reference.js';
import { PLATFORM_SECTIONS } from './load-config.js';

describe("the README's configuration table", () => {
  it('is the one the section schemas generate (node scripts/config-reference.mjs)', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(replaceConfigReference(readme, configReferenceTable())).toBe(readme);
  });

  it('has a row for every variable of every section', () => {
    const table = configReferenceTable();
    for (const section of PLATFORM_SECTIONS)
      for (const name of Object.keys(section.shape)) expect([name, table.includes(name)]).toEqual([name, true]);
  });
});
