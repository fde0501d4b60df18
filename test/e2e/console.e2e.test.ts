import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expectEventually, sineWav } from '#libs/testing';
import { ok, Platform, type TestApp } from './support/platform.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// .ci/run installs Debian's chromium; elsewhere the test says why it did not run.
const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM))
  process.stdout.write(`console browser test skipped: no ${CHROMIUM} (apt-get install -y chromium)\n`);

/**
 * Where the pages' screenshots go: a temporary folder, or docs/console with
 * CONSOLE_SCREENSHOTS=docs (how the committed ones are refreshed, see docs/console.md).
 */
const SHOTS = process.env.CONSOLE_SCREENSHOTS === 'docs' ? 'docs/console' : join(tmpdir(), 'verigate-console-shots');
mkdirSync(SHOTS, { recursive: true });

/**
 * The operator console in headless Chromium against the whole platform (real PostgreSQL, RabbitMQ,
 * voice worker on the sim carrier, notifier, webhook receiver): one operator's session, step by step.
 */
describeWithBrowser('operator console in headless Chromium', () => {
  const platform = new Platform();
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let app: TestApp;
  let sessionId: string;
  const cspViolations: string[] = [];
  let failStatus = true;

  beforeAll(async () => {
    // A status webhook that fails is given up after one retry, so the test can redeliver it.
    // Proof of work at a tenth of the production difficulty (as the widget test), to stay quick.
    await platform.start({ VERIGATE_WEBHOOK_RETRY_SCHEDULE: '200ms', VERIGATE_CAPTCHA_POW_MAXNUMBER: '160000' });
    await platform.startCaptcha();
    platform.receiver.respond = (req) => (req.path === '/console-status' && failStatus ? 500 : 200);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('console', (message) => {
      if (/Content[- ]Security[- ]Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await platform.stop();
  });

  const go = async (hash: string) => {
    await page.goto(`${platform.baseUrl}/console${hash}`);
  };
  const shot = (name: string, fullPage = true) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });

  it('is served as static files under a strict Content-Security-Policy', async () => {
    const html = await fetch(`${platform.baseUrl}/console`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = html.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(await html.text()).not.toMatch(/<script>|<script [^>]*>[^<]/); // no inline script
    const script = await fetch(`${platform.baseUrl}/console/assets/console.js`);
    expect(script.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    const css = await fetch(`${platform.baseUrl}/console/assets/console.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await fetch(`${platform.baseUrl}/console/assets/..%2Fpackage.json`)).status).toBe(404);
  });

  it('refuses a wrong token in words, then signs in with the operator token kept out of the URL', async () => {
    await go('');
    await page.fill('#token', 'not-the-token');
    await page.click('button[type=submit]');
    const refusal = page.locator('[role=alert]');
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe('ADMIN_UNAUTHORIZED (HTTP 401): the operator token is not valid');
    await shot('sign-in');
    await page.fill('#token', platform.config.adminToken);
    await page.keyboard.press('Enter');
    await page.locator('h1', { hasText: 'Overview' }).waitFor();
    expect(page.url()).not.toContain(platform.config.adminToken);
    expect(await page.evaluate(() => sessionStorage.getItem('verigate.operatorToken'))).toBe(
      platform.config.adminToken,
    );
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
  });

  it('creates an app, shows its secret once, and adds a display number (a bad one refused in words)', async () => {
    await go('#/apps');
    await page.getByLabel('Name').fill('console shop');
    await page.click('text=Create app');
    await page.locator('[data-field=appSecret]').waitFor();
    const appKey = (await page.locator('[data-field=appKey]').textContent())!;
    const appSecret = (await page.locator('[data-field=appSecret]').textContent())!;
    expect(appSecret).toMatch(/^[A-Za-z0-9]{16,}$/);
    await shot('apps');
    await page.click('text=I have saved it');
    expect(await page.locator('[data-field=appSecret]').count()).toBe(0);
    await page.click(`a:has-text("console shop")`);
    await page.locator('h1', { hasText: 'console shop' }).waitFor();

    await page.getByLabel('Number (E.164)').fill('12ab');
    await page.click('text=Add number');
    const refusal = page.locator('[role=alert]');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/^INVALID_FIELD \(HTTP 400\): number must be/);
    await page.getByLabel('Number (E.164)').fill('+8675528000066');
    await page.click('text=Add number');
    await page.locator('code', { hasText: '+8675528000066' }).waitFor();
    app = { appKey, appSecret, displayNbr: '+8675528000066' };
  });

  it('changes permissions and caps, suspends and resumes the app', async () => {
    await page.getByLabel('Calls per day', { exact: true }).fill('500');
    await page.uncheck('input[name=permission-sms]');
    await page.click('text=Save settings');
    await page.locator('[role=status]', { hasText: 'Saved.' }).waitFor();
    const saved = await ok(await platform.admin('GET', `/apps/${app.appKey}`));
    expect(saved.limits).toEqual({ callsPerDay: 500 });
    expect(saved.permissions).toEqual(['captcha', 'voice']);
    await page.click('text=Suspend app');
    await page.locator('h1 .badge.suspended').waitFor();
    await page.click('text=Resume app');
    await page.locator('h1 .badge.normal').waitFor();
  });

  it('uploads a tone, plays it in the page, and approves it', async () => {
    await page.setInputFiles('input[type=file]', { name: 'welcome.wav', mimeType: 'audio/wav', buffer: sineWav() });
    await page.click('text=Upload tone');
    await page.locator('li', { hasText: 'welcome.wav' }).locator('.badge.pending').waitFor();
    await page.click('text=Listen to welcome.wav');
    const audio = page.locator('audio');
    await audio.waitFor();
    expect(await audio.getAttribute('src')).toMatch(/^blob:/);
    // The browser decoded the WAV the gateway served back: it knows its length (0.5 s).
    await expectEventually(async () =>
      expect(await audio.evaluate((a: HTMLAudioElement) => Math.round(a.duration * 10))).toBe(5),
    );
    await page.click('text=Approve welcome.wav');
    await page.locator('li', { hasText: 'welcome.wav' }).locator('.badge.approved').waitFor();
    await shot('app');
  });

  it('finds a sim call placed through the API in Calls, with its four events and CDR', async () => {
    const response = await platform.callVerify(
      app,
      platform.callBody(app, '+8613800000031', {
        statusUrl: platform.receiver.base64Url('/console-status'),
        feeUrl: platform.receiver.base64Url('/console-fee'),
      }),
    );
    expect(response.body.resultcode).toBe('0');
    sessionId = response.body.sessionId;
    await expectEventually(async () => {
      const [row] = await platform.infra.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM cdrs WHERE session_id = $1',
        [sessionId],
      );
      expect(row!.n).toBe(1);
    });

    await go('#/calls');
    await page.getByLabel('App key').fill(app.appKey);
    await page.getByLabel('State code').fill('0');
    await page.click('button:has-text("Search")');
    await shot('calls');
    await page.locator(`a:has-text("${sessionId}")`).click();
    await page.locator('h1', { hasText: sessionId }).waitFor();
    const events = page.locator('ol.timeline > li > strong');
    await expectEventually(async () =>
      expect(await events.allTextContents()).toEqual(['callout', 'alerting', 'answer', 'disconnect']),
    );
    const cdr = page.locator('dl[aria-label=CDR]');
    await cdr.waitFor();
    expect(await cdr.textContent()).toContain(sessionId);
    expect(await cdr.textContent()).toContain('+8613800000031');
  });

  it('shows every webhook attempt and redelivers a failed status webhook', async () => {
    const first = page.locator('article[aria-label="status webhook 1"]');
    // Each status webhook failed twice (the first try and its one retry), then was given up.
    await page.locator('article[aria-label="status webhook 4"] .badge.failed').waitFor({ timeout: 30_000 });
    await first.locator('.badge.failed').waitFor();
    expect(await first.locator('tbody tr').count()).toBe(2);
    expect(await first.locator('tbody').textContent()).toContain('500');
    await page.locator('article[aria-label="fee webhook 1"] .badge.delivered').waitFor({ timeout: 30_000 });
    await shot('call');

    failStatus = false;
    await first.locator('button', { hasText: 'Redeliver status #1' }).click();
    await page.locator('[role=status]', { hasText: 'Queued for delivery again.' }).waitFor();
    await first.locator('.badge.delivered').waitFor({ timeout: 30_000 });
    expect(await first.locator('tbody tr').count()).toBe(3);
    expect(await first.locator('button').count()).toBe(0); // a delivered webhook is not offered again
    const received = platform.receiver.on('/console-status').filter((r) => r.body.statusInfo?.sessionId === sessionId);
    expect(received.map((r) => r.body.eventType)).toEqual([
      ...['callout', 'callout', 'alerting', 'alerting', 'answer', 'answer', 'disconnect', 'disconnect'],
      'callout',
    ]);
  });

  it('exports the CDRs of the app as CSV', async () => {
    await go('#/cdrs');
    await page.getByLabel('App key').fill(app.appKey);
    await page.click('button:has-text("Search")');
    await page.locator(`a:has-text("${sessionId}")`).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Export CSV')]);
    expect(download.suggestedFilename()).toMatch(/^cdrs-.*\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split(/\r?\n/);
    expect(csv[0]).toMatch(/^direction,spId,appKey,/);
    expect(csv[0]).toMatch(/,stateCode$/);
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain(sessionId);
    await shot('cdrs');
  });

  it('lists the audit entries of everything done above', async () => {
    await go('#/audit');
    const actions = page.locator('tbody td:nth-child(2) code');
    await actions.first().waitFor();
    const seen = await actions.allTextContents();
    // Newest first; the refused number (400) left no entry, reads leave none.
    expect(seen).toEqual([
      'delivery.redeliver',
      'tone.approve',
      'tone.upload',
      'app.update', // resumed
      'app.update', // suspended
      'app.update', // calls per day
      'number.add',
      'app.create',
    ]);
    await shot('audit');
  });

  it('draws live overview charts from the management API, refusals by result code', async () => {
    const refused = await platform.callVerify(
      { ...app, appSecret: 'not-the-secret' },
      platform.callBody(app, '+8613800000032'),
    );
    expect(refused.body.resultcode).not.toBe('0');
    await go('#/overview');
    await page.locator('.bars li', { hasText: `callVerify ${refused.body.resultcode}` }).waitFor();
    await page.locator('.chart canvas').nth(2).waitFor();
    expect(await page.locator('.chart').count()).toBe(3);
    const tiles = await page.locator('.tiles').textContent();
    expect(tiles).toContain('Idle voice ports');
    expect(tiles).toContain('Answer rate100 %');
    await shot('overview');
  });

  it('shows SMS messages and one message with its status webhooks', async () => {
    const messageId = await platform.submittedSms(app.appKey);
    await go('#/sms');
    await page.locator(`a:has-text("${messageId}")`).waitFor();
    await shot('sms');
    await page.locator(`a:has-text("${messageId}")`).click();
    await page.locator('h1', { hasText: messageId }).waitFor();
    await page.locator('dd', { hasText: 'submitted' }).first().waitFor();
    await shot('message');
  });

  it('draws a captcha of each type and a person solves the clickWord', async () => {
    await go('#/captcha');
    const clickWord = page.frameLocator('iframe[title^="clickWord"]');
    await page.frameLocator('iframe[title^="blockPuzzle"]').locator('.verigate-handle').waitFor({ timeout: 30_000 });
    const image = clickWord.locator('.verigate-background');
    await image.waitFor({ timeout: 30_000 });
    await image.scrollIntoViewIfNeeded();
    const [session] = await platform.infra.query<{ answer: Array<{ x: number; y: number }> }>(
      `SELECT answer FROM captcha_sessions WHERE app_key = $1 AND captcha_type = 'clickWord' ORDER BY created_at DESC LIMIT 1`,
      [app.appKey],
    );
    const box = (await image.boundingBox())!;
    const scale = box.width / 310;
    for (const point of session!.answer) {
      await page.mouse.click(box.x + (point.x + 2) * scale, box.y + (point.y - 2) * scale);
      await page.waitForTimeout(80);
    }
    const frame = page.frames().find((f) => f.url().includes('type=clickWord'))!;
    await expectEventually(async () =>
      expect(await frame.evaluate(() => (window as any).captchaEvents.map((e: any) => e.kind))).toEqual(['success']),
    );
    await shot('captcha');
  });

  it('works in a narrow window and from the keyboard', async () => {
    await page.setViewportSize({ width: 380, height: 800 });
    await go(`#/calls/${encodeURIComponent(sessionId)}`);
    await page.reload(); // a fresh document: keyboard focus starts at its top
    await page.locator('ol.timeline > li').nth(3).waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('call-narrow', false);
    // Keyboard only: the skip link, then the navigation, reached with Tab and followed with Enter.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Apps');
    await page.keyboard.press('Enter');
    await page.locator('h1', { hasText: 'Apps' }).waitFor();
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('signs out and forgets the token; the page never broke its Content-Security-Policy', async () => {
    await go('#/lists');
    await page.getByLabel('Number', { exact: true }).fill('+8613900000001');
    await page.click('text=Add to list');
    await page.getByRole('cell', { name: '+8613900000001', exact: true }).waitFor();
    await shot('lists');
    await page.click('text=Sign out');
    await page.locator('#token').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('verigate.operatorToken'))).toBeNull();
    expect(cspViolations).toEqual([]);
  });
});
