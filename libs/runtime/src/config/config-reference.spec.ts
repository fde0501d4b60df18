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

  it('have a row for every variable of every section (its own, or the row of the variable it is listed with)', () => {
    for (const section of [...PLATFORM_SECTIONS, captchaSection, sipSection, smsSection]) {
      const metaOf = (name: string) =>
        ((section.shape as Record<string, { meta(): unknown }>)[name]?.meta() ?? {}) as {
          'x-readme'?: unknown;
          'x-readme-row'?: string;
        };
      for (const name of Object.keys(section.shape)) {
        const meta = metaOf(name);
        const row = meta['x-readme'] ?? (meta['x-readme-row'] && metaOf(meta['x-readme-row'])['x-readme']);
        expect([name, row]).toEqual([name, expect.objectContaining({ meaning: expect.any(String) })]);
      }
    }
    expect(Object.keys(CONFIG_REFERENCE_TABLES).sort()).toEqual(['captcha', 'platform', 'sip', 'sms']);
  });
});
