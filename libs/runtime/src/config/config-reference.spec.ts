import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { captchaSection } from './captcha-section.js';
import { CONFIG_REFERENCE_TABLES, withConfigReference } from './config-reference.js';
import { PLATFORM_SECTIONS } from './load-config.js';
import { sipSection } from './sip-section.js';
import { smsSection } from './sms-section.js';

describe("the README's configuration tables", () => {
  it('are the ones the section schemas generate (npm run build && node scripts/config-reference.mjs)', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(withConfigReference(readme)).toBe(readme);
  });

  it('have a row for every variable of every section', () => {
    const tables = Object.values(CONFIG_REFERENCE_TABLES)
      .map((table) => table())
      .join('\n');
    for (const section of [...PLATFORM_SECTIONS, captchaSection, sipSection, smsSection])
      for (const name of Object.keys(section.shape)) expect([name, tables.includes(name)]).toEqual([name, true]);
  });
});
