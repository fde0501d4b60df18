import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expectEventually } from '#libs/testing';
import { Platform } from './support/platform.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// .ci/run installs Debian's chromium; elsewhere the test says why it did not run.
const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM))
  process.stdout.write(`captcha widget browser test skipped: no ${CHROMIUM} (apt-get install -y chromium)\n`);

/** The widget in a real browser on /demo/captcha: drag the slider, see onSuccess (or a failure and a new captcha). */
describeWithBrowser('captcha widget in headless Chromium', () => {
  const platform = new Platform();
  let browser: Browser;
  let appKey: string;

  beforeAll(async () => {
    // Proof of work on (a new app's default) at a tenth of the production difficulty, to keep the
    // file quick on a busy machine (scripts/bench-captcha-cost.mjs measures the default).
    await platform.start({ VERIGATE_CAPTCHA_POW_MAXNUMBER: '160000' }, { voice: false, notifier: false });
    await platform.startCaptcha();
    const created = await platform.admin('POST', '/apps', { name: 'widget shop', permissions: ['captcha'] });
    appKey = ((await created.json()) as { appKey: string }).appKey;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await platform.stop();
  });

  async function latestSession(): Promise<{ token: string; answer: { x: number; y: number } }> {
    const [row] = await platform.infra.query<{ token: string; answer: { x: number; y: number } }>(
      `SELECT token, answer FROM captcha_sessions WHERE app_key = $1 ORDER BY created_at DESC LIMIT 1`,
      [appKey],
    );
    return row!;
  }

  /** Drags the handle like a person (uneven steps, a little vertical wobble) so the piece's left edge lands at `x`. */
  async function dragPieceTo(page: Page, x: number): Promise<void> {
    const handle = page.locator('.verigate-handle');
    await handle.waitFor();
    await page.waitForFunction(
      () => (document.querySelector('.verigate-piece') as HTMLImageElement | null)?.complete === true,
    );
    const geometry = await page.evaluate(() => {
      const piece = document.querySelector('.verigate-piece') as HTMLImageElement;
      const handle = document.querySelector('.verigate-handle') as HTMLElement;
      const bar = handle.parentElement!;
      return { pieceWidth: piece.naturalWidth, track: bar.clientWidth - handle.offsetWidth };
    });
    const box = (await handle.boundingBox())!;
    const distance = (x / (310 - geometry.pieceWidth)) * geometry.track;
    const startX = box.x + box.width / 2;
    const startY = box.y + box.height / 2;
    await page.mouse.move(startX, startY);
    await page.mouse.down();
    const steps = 18;
    for (let i = 1; i <= steps; i++) {
      const eased = 1 - (1 - i / steps) ** 2;
      await page.mouse.move(startX + distance * eased, startY + Math.sin(i) * 2);
      await page.waitForTimeout(12 + (i % 3) * 7);
    }
    await page.mouse.up();
  }

  it('solves a blockPuzzle through the widget and gets onSuccess with a verifiable captchaVerification', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
    await page.goto(`${platform.baseUrl}/demo/captcha?clientId=${appKey}&type=blockPuzzle&lang=en`);
    await page.locator('.verigate-handle').waitFor();
    const session = await latestSession();
    await dragPieceTo(page, session.answer.x);
    await expectEventually(async () =>
      expect(await page.evaluate(() => (window as any).captchaEvents.map((e: any) => e.kind))).toEqual(['success']),
    );
    expect(await page.locator('.verigate-captcha').getAttribute('data-pow')).toBe('done');
    expect(await page.locator('.verigate-pow').textContent()).toMatch(/^✓ Proof of work done \(\d+\.\d\d s\)$/);
    const verification = await page.locator('#verification').textContent();
    expect(verification).not.toContain(session.token); // AES-encrypted, like AJ-Captcha clients
    await page.click('#verify');
    await expectEventually(async () =>
      expect(await page.locator('#verified').textContent()).toMatch(/^200 .*"result":true/),
    );
    const [row] = await platform.infra.query<{ state: string }>('SELECT state FROM captcha_sessions WHERE token = $1', [
      session.token,
    ]);
    expect(row!.state).toBe('verified');
    await page.close();
  });

  it('a wrong drag reports the failure through onError and shows a fresh captcha', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
    await page.goto(`${platform.baseUrl}/demo/captcha?clientId=${appKey}&type=blockPuzzle&lang=en`);
    await page.locator('.verigate-handle').waitFor();
    const first = await latestSession();
    await dragPieceTo(page, first.answer.x > 150 ? first.answer.x - 60 : first.answer.x + 60);
    await expectEventually(async () =>
      expect(await page.evaluate(() => (window as any).captchaEvents)).toEqual([
        { kind: 'error', detail: 'CAPTCHA.CAPTCHA_WRONG' },
      ]),
    );
    await expectEventually(async () => expect((await latestSession()).token).not.toBe(first.token));
    await page.locator('.verigate-handle').waitFor();
    await page.close();
  });

  it('solves a clickWord in English by clicking the characters in order', async () => {
    const page = await browser.newPage({ viewport: { width: 700, height: 800 } });
    await page.goto(`${platform.baseUrl}/demo/captcha?clientId=${appKey}&type=clickWord&lang=en`);
    const image = page.locator('.verigate-background');
    await image.waitFor();
    const session = (await latestSession()) as unknown as { answer: Array<{ x: number; y: number }> };
    expect(await page.locator('[role=status]').textContent()).toMatch(/^Click in order: [A-Z]( [A-Z]){2,3}$/);
    const box = (await image.boundingBox())!;
    const scale = box.width / 310;
    for (const point of session.answer) {
      await page.mouse.click(box.x + (point.x + 2) * scale, box.y + (point.y - 2) * scale);
      await page.waitForTimeout(80);
    }
    await expectEventually(async () =>
      expect(await page.evaluate(() => (window as any).captchaEvents.map((e: any) => e.kind))).toEqual(['success']),
    );
    await page.close();
  });

  // The drawing is hardened against OCR (crossing strokes, cuts, rotation): a person who reads the
  // characters clicks near their centres, a few pixels off as people do, and passes every time.
  it('solves clickWords in Chinese (the default) by clicking the characters in order, three in a row', async () => {
    for (let round = 0; round < 3; round++) {
      const page = await browser.newPage({ viewport: { width: 700, height: 800 } });
      await page.goto(`${platform.baseUrl}/demo/captcha?clientId=${appKey}&type=clickWord`);
      const image = page.locator('.verigate-background');
      await image.waitFor();
      await page.waitForFunction(
        () => (document.querySelector('.verigate-background') as HTMLImageElement | null)?.complete === true,
      );
      const session = (await latestSession()) as unknown as { answer: Array<{ x: number; y: number }> };
      expect(await page.locator('[role=status]').textContent()).toMatch(
        /^请依次点击: \p{Script=Han}( \p{Script=Han}){2,3}$/u,
      );
      const box = (await image.boundingBox())!;
      const scale = box.width / 310;
      for (const [i, point] of session.answer.entries()) {
        const off = [
          [3, -2],
          [-4, 3],
          [2, 5],
          [-3, -4],
        ][i]!;
        await page.mouse.click(box.x + (point.x + off[0]!) * scale, box.y + (point.y + off[1]!) * scale);
        await page.waitForTimeout(90 + i * 40);
      }
      await expectEventually(async () =>
        expect(await page.evaluate(() => (window as any).captchaEvents.map((e: any) => e.kind))).toEqual(['success']),
      );
      await page.close();
    }
  });

  it('can be solved with the keyboard alone (slider: arrow keys, Enter)', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
    await page.goto(`${platform.baseUrl}/demo/captcha?clientId=${appKey}&type=blockPuzzle&lang=en`);
    const handle = page.locator('.verigate-handle');
    await handle.waitFor();
    await page.waitForFunction(
      () => (document.querySelector('.verigate-piece') as HTMLImageElement | null)?.complete === true,
    );
    const session = await latestSession();
    expect(await handle.getAttribute('role')).toBe('slider');
    await handle.focus();
    for (let i = 0; i < Math.floor(session.answer.x / 10); i++) await page.keyboard.press('Shift+ArrowRight');
    for (let i = 0; i < session.answer.x % 10; i++) await page.keyboard.press('ArrowRight');
    expect(Number(await handle.getAttribute('aria-valuenow'))).toBe(session.answer.x);
    await page.keyboard.press('Enter');
    await expectEventually(async () =>
      expect(await page.evaluate(() => (window as any).captchaEvents.map((e: any) => e.kind))).toEqual(['success']),
    );
    await page.close();
  });

  const sdkHeaders = (device: string) => ({
    'X-operating-sys-version': 'web',
    'X-device-fingerprint': device,
    'X-agent': 'script',
    'X-client-id': appKey,
    'Content-Type': 'application/json',
  });

  it('a scripted client that knows the answer but sends no proof of work is refused (POW_REQUIRED)', async () => {
    const page = await browser.newPage();
    await page.goto(`${platform.baseUrl}/demo/captcha`);
    const got = await page.evaluate(
      async (headers) => (await fetch('/api/v2/sdk/captcha', { headers })).json(),
      sdkHeaders('script-1'),
    );
    expect(got.pow.maxnumber).toBe(160000);
    const answer = (await latestSession()).answer;
    const refused = await page.evaluate(
      async ({ headers, token, x }) => {
        const response = await fetch('/api/v2/sdk/captcha/check', {
          method: 'POST',
          headers,
          body: JSON.stringify({ token, pointJson: JSON.stringify({ x, y: 5 }) }),
        });
        return { status: response.status, body: await response.json() };
      },
      { headers: sdkHeaders('script-1'), token: got.token, x: answer.x },
    );
    expect(refused).toMatchObject({ status: 400, body: { error_code: 'CAPTCHA.POW_REQUIRED' } });
    await page.close();
  });

  it("a replayed check (the widget's own proof of work) is refused: same captcha TOKEN_INVALID, another captcha POW_INVALID", async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/v2/sdk/captcha/check')) sent.push(request.postData() ?? '');
    });
    await page.goto(`${platform.baseUrl}/demo/captcha?clientId=${appKey}&type=blockPuzzle&lang=en`);
    await page.locator('.verigate-handle').waitFor();
    await dragPieceTo(page, (await latestSession()).answer.x);
    await expectEventually(async () =>
      expect(await page.evaluate(() => (window as any).captchaEvents.map((e: any) => e.kind))).toEqual(['success']),
    );
    const original = JSON.parse(sent[0]!);
    expect(typeof original.powSolution).toBe('string');
    const replay = (body: unknown) =>
      page.evaluate(
        async ({ headers, body }) => {
          const response = await fetch('/api/v2/sdk/captcha/check', {
            method: 'POST',
            headers,
            body: JSON.stringify(body),
          });
          return (await response.json()).error_code;
        },
        { headers: sdkHeaders('replayer'), body },
      );
    expect(await replay(original)).toBe('CAPTCHA.TOKEN_INVALID');
    const fresh = await page.evaluate(
      async (headers) => (await fetch('/api/v2/sdk/captcha', { headers })).json(),
      sdkHeaders('replayer'),
    );
    const answer = (await latestSession()).answer;
    expect(
      await replay({
        token: fresh.token,
        pointJson: JSON.stringify({ x: answer.x, y: 5 }),
        powSolution: original.powSolution,
      }),
    ).toBe('CAPTCHA.POW_INVALID');
    await page.close();
  });

  it('managed mode passes a low-risk visitor without showing a puzzle', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
    await page.goto(`${platform.baseUrl}/demo/captcha?clientId=${appKey}&type=blockPuzzle&lang=en&mode=managed`);
    await page.mouse.move(100, 100);
    await page.mouse.move(180, 140, { steps: 5 });
    await expectEventually(async () =>
      expect(await page.evaluate(() => (window as any).captchaEvents.map((e: any) => e.kind))).toEqual(['success']),
    );
    expect(await page.locator('.verigate-captcha').getAttribute('data-puzzle')).toBe('hidden');
    expect(await page.locator('.verigate-handle').isVisible()).toBe(false);
    await page.click('#verify');
    await expectEventually(async () =>
      expect(await page.locator('#verified').textContent()).toMatch(/^200 .*"result":true/),
    );
    await page.close();
  });

  it('managed mode shows the puzzle to a high-velocity device, which then solves it', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
    await page.goto(`${platform.baseUrl}/demo/captcha`);
    const device = `hot-${Date.now()}`;
    await page.evaluate((id) => localStorage.setItem('verigate-fp', id), device);
    for (let i = 0; i < 6; i++)
      expect((await platform.sdk('GET', '/captcha', platform.sdkHeaders(appKey, device))).status).toBe(200);
    await page.goto(`${platform.baseUrl}/demo/captcha?clientId=${appKey}&type=blockPuzzle&lang=en&mode=managed`);
    await expectEventually(
      async () => expect(await page.locator('.verigate-captcha').getAttribute('data-escalated')).toBe('velocity'),
      { timeoutMs: 30_000 },
    );
    expect(await page.locator('.verigate-captcha').getAttribute('data-puzzle')).toBe('shown');
    await dragPieceTo(page, (await latestSession()).answer.x);
    await expectEventually(async () =>
      expect(await page.evaluate(() => (window as any).captchaEvents.map((e: any) => e.kind))).toEqual(['success']),
    );
    await page.close();
  });
});
