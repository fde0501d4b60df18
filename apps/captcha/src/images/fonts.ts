import { GlobalFonts } from '@napi-rs/canvas';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The family name the captcha draws with (registered from the bundled file, never a system font). */
export const CAPTCHA_FONT = 'VerigateCaptchaSans';

/**
 * Noto Sans Hans (SIL Open Font License 1.1; licence in apps/captcha/assets/FONT-LICENSE.txt),
 * shipped by the npm package @embedpdf/fonts-sc. Its `exports` map hides the file from
 * require.resolve, so it is found by walking up to node_modules.
 */
const FONT_DIR = join('node_modules', '@embedpdf', 'fonts-sc', 'fonts');
const FONT_FILES = { bold: 'NotoSansHans-Bold.otf', 500: 'NotoSansHans-Medium.otf' } as const;
const FONT_FILE = join(FONT_DIR, FONT_FILES.bold);

/** The weights registered under CAPTCHA_FONT (clickWord varies them: one more thing OCR must learn). */
export const CAPTCHA_WEIGHTS = ['bold', '500'] as const;

let registered = false;

export function registerCaptchaFont(): void {
  if (registered) return;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, FONT_FILE);
    if (existsSync(candidate)) {
      for (const file of Object.values(FONT_FILES)) {
        const path = join(dir, FONT_DIR, file);
        if (!GlobalFonts.registerFromPath(path, CAPTCHA_FONT))
          throw new Error(`could not load the captcha font ${path}`);
      }
      registered = true;
      return;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`the captcha font ${FONT_FILE} is missing (npm ci installs it)`);
    dir = parent;
  }
}
