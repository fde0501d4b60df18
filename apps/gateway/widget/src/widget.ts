import { aesEcbEncrypt } from './aes.js';
import { solveChallenge, type PowChallenge, type PowResult } from './pow.js';
import { showBlockPuzzle, showClickWord, type ChallengeHost } from './widget-challenges.js';
import { deviceFingerprint, el, IMAGE_W, scriptBase, scriptUrl, TEXT, type CaptchaBody } from './widget-ui.js';

/** Options of `VerigateCaptcha.render(container, options)`. */
export interface WidgetOptions {
  /** The app's appKey (sent as X-client-id). */
  clientId: string;
  captchaType?: 'blockPuzzle' | 'clickWord';
  /**
   * 'managed': ask for a credential on proof of work and behaviour alone, and show the puzzle
   * only when the platform asks for it (risk not low). Default 'puzzle'.
   */
  mode?: 'puzzle' | 'managed';
  /** 'zh' (default) or 'en': texts, clickWord characters and error messages. */
  lang?: 'zh' | 'en';
  /** Where the gateway is (default: where widget.js was loaded from). */
  baseUrl?: string;
  /** Device fingerprint (default: a random id kept in localStorage). */
  fingerprint?: string;
  onSuccess?: (captchaVerification: string) => void;
  onError?: (error: { code: string; message: string }) => void;
}

/** One captcha in one container. */
export class CaptchaWidget {
  private readonly lang: 'zh' | 'en';
  private readonly type: 'blockPuzzle' | 'clickWord';
  private readonly base: string;
  private readonly fingerprint: string;
  private readonly root: HTMLDivElement;
  private readonly stage: HTMLDivElement;
  private readonly status: HTMLDivElement;
  private readonly bar: HTMLDivElement;
  private readonly powLine: HTMLDivElement;
  private readonly renderedAt = typeof performance !== 'undefined' ? performance.now() : 0;
  private interactions = 0;
  private current?: CaptchaBody;
  /** The proof of work of the current captcha, solving in Web Workers while the person looks at the picture. */
  private pow?: Promise<PowResult>;
  private managed: boolean;
  private busy = false;
  private cleanup: Array<() => void> = [];

  constructor(
    private readonly container: HTMLElement,
    private readonly options: WidgetOptions,
  ) {
    this.lang = options.lang === 'en' ? 'en' : 'zh';
    this.type = options.captchaType === 'clickWord' ? 'clickWord' : 'blockPuzzle';
    this.base = (options.baseUrl ?? scriptBase).replace(/\/$/, '');
    this.fingerprint = options.fingerprint ?? deviceFingerprint();
    this.root = el(
      'div',
      'position:relative;width:100%;max-width:620px;font:14px/1.4 system-ui,sans-serif;user-select:none;-webkit-user-select:none',
      { class: 'verigate-captcha', role: 'group', 'aria-label': 'captcha' },
    );
    this.stage = el(
      'div',
      `position:relative;width:100%;aspect-ratio:${IMAGE_W}/155;overflow:hidden;border-radius:4px;background:#eee`,
    );
    this.bar = el(
      'div',
      'position:relative;margin-top:8px;height:40px;border-radius:20px;background:#eef1f5;border:1px solid #d0d7e2',
    );
    this.status = el('div', 'margin-top:4px;min-height:20px;color:#555', { 'aria-live': 'polite', role: 'status' });
    this.powLine = el('div', 'margin-top:2px;min-height:16px;font-size:12px;color:#777', { class: 'verigate-pow' });
    this.managed = options.mode === 'managed';
    const count = () => {
      this.interactions++;
    };
    for (const type of ['pointermove', 'pointerdown', 'keydown', 'touchstart', 'scroll'])
      window.addEventListener(type, count, { passive: true });
    this.cleanup.push(() => {
      for (const type of ['pointermove', 'pointerdown', 'keydown', 'touchstart', 'scroll'])
        window.removeEventListener(type, count);
    });
    const refresh = el(
      'button',
      'position:absolute;top:4px;right:4px;z-index:3;border:0;border-radius:3px;background:rgba(255,255,255,.85);cursor:pointer;padding:2px 6px',
      {
        type: 'button',
        'aria-label': TEXT[this.lang].refresh,
        title: TEXT[this.lang].refresh,
        class: 'verigate-refresh',
      },
    );
    refresh.textContent = '↻';
    refresh.addEventListener('click', () => void this.refresh());
    this.root.append(this.stage, this.bar, this.status, this.powLine);
    this.stage.append(refresh);
    container.append(this.root);
    void this.refresh();
  }

  destroy(): void {
    for (const undo of this.cleanup.splice(0)) undo();
    for (const undo of this.puzzleCleanup.splice(0)) undo();
    this.root.remove();
  }

  private puzzleCleanup: Array<() => void> = [];

  private headers(json: boolean): Record<string, string> {
    return {
      'X-operating-sys-version': (navigator as Navigator & { platform?: string }).platform || 'web',
      'X-device-fingerprint': this.fingerprint,
      'X-agent': navigator.userAgent.slice(0, 1000),
      'X-client-id': this.options.clientId,
      'X-L': this.lang,
      ...(json ? { 'Content-Type': 'application/json;charset=utf8' } : {}),
    };
  }

  private fail(code: string, message: string): void {
    this.status.textContent = message;
    this.status.style.color = '#c0392b';
    this.options.onError?.({ code, message });
  }

  /** Fetches and shows a new captcha. */
  async refresh(): Promise<void> {
    for (const undo of this.puzzleCleanup.splice(0)) undo();
    this.status.textContent = TEXT[this.lang].loading;
    this.status.style.color = '#555';
    this.busy = false;
    let body: CaptchaBody & { error_code?: string; error_msg?: string };
    try {
      const response = await fetch(`${this.base}/api/v2/sdk/captcha?captchaType=${this.type}`, {
        headers: this.headers(false),
      });
      body = await response.json();
      if (!response.ok) return this.fail(body.error_code ?? String(response.status), body.error_msg ?? 'error');
    } catch (error) {
      return this.fail('NETWORK', (error as Error).message);
    }
    this.current = body;
    this.pow = body.pow ? this.solve(body.pow) : undefined;
    this.pow?.catch(() => undefined);
    const managedAsk = this.managed;
    this.setPuzzleVisible(!managedAsk);
    for (const child of [...this.stage.children]) if (!child.classList.contains('verigate-refresh')) child.remove();
    this.bar.replaceChildren();
    const background = el('img', 'position:absolute;inset:0;width:100%;height:100%;display:block', {
      class: 'verigate-background',
      alt: '',
      draggable: 'false',
      src: `data:image/png;base64,${body.originalImageBase64}`,
    });
    this.stage.prepend(background);
    if (this.type === 'blockPuzzle') showBlockPuzzle(this.challengeHost(), body);
    else showClickWord(this.challengeHost(), body, background);
    if (managedAsk) await this.askManaged(body);
  }

  private setPuzzleVisible(visible: boolean): void {
    this.stage.style.visibility = visible ? 'visible' : 'hidden';
    this.bar.style.visibility = visible ? 'visible' : 'hidden';
    this.root.setAttribute('data-puzzle', visible ? 'shown' : 'hidden');
  }

  /** Solves the captcha's proof of work and says so under the picture. */
  private solve(challenge: PowChallenge): Promise<PowResult> {
    const t = TEXT[this.lang];
    this.powLine.textContent = `⚙ ${t.pow}`;
    this.root.setAttribute('data-pow', 'solving');
    return solveChallenge(challenge, scriptUrl).then((result) => {
      if (this.current?.pow === challenge) {
        this.powLine.textContent = `✓ ${t.powDone} (${(result.ms / 1000).toFixed(2)} s)`;
        this.root.setAttribute('data-pow', 'done');
        this.root.setAttribute('data-pow-ms', String(Math.round(result.ms)));
      }
      return result;
    });
  }

  /**
   * Managed mode: the proof of work and the page's behaviour, without the puzzle. A credential
   * when the platform sees low risk; otherwise the puzzle (already drawn, same token) appears.
   */
  private async askManaged(body: CaptchaBody): Promise<void> {
    const t = TEXT[this.lang];
    this.status.textContent = t.checking;
    this.busy = true;
    let answer: {
      result?: boolean;
      captchaVerification?: string;
      escalated?: string;
      error_code?: string;
      error_msg?: string;
    };
    let status: number;
    try {
      const pow = this.pow ? await this.pow : undefined;
      // A person reads the page before the captcha matters; the platform asks for a second at least.
      const wait = 1100 - (performance.now() - this.renderedAt);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const response = await fetch(`${this.base}/api/v2/sdk/captcha/managed`, {
        method: 'POST',
        headers: this.headers(true),
        body: JSON.stringify({
          token: body.token,
          powSolution: pow?.payload,
          signals: { elapsedMs: Math.round(performance.now() - this.renderedAt), interactions: this.interactions },
        }),
      });
      status = response.status;
      answer = await response.json();
    } catch (error) {
      this.busy = false;
      return this.fail('NETWORK', (error as Error).message);
    }
    this.busy = false;
    if (status === 200 && answer.result === true && answer.captchaVerification)
      return this.succeed(answer.captchaVerification);
    if (status !== 200) {
      this.fail(answer.error_code ?? String(status), answer.error_msg ?? t.fail);
      this.root.setAttribute('data-state', 'failed');
      setTimeout(() => void this.refresh(), 900);
      return;
    }
    // Escalated: the puzzle of this very captcha, from now on as in puzzle mode.
    this.root.setAttribute('data-escalated', answer.escalated ?? 'yes');
    this.setPuzzleVisible(true);
    this.status.textContent = this.type === 'blockPuzzle' ? t.slide : `${t.click}: ${(body.wordList ?? []).join(' ')}`;
  }

  private succeed(captchaVerification: string): void {
    this.status.textContent = TEXT[this.lang].ok;
    this.status.style.color = '#1e8e3e';
    this.root.setAttribute('data-state', 'passed');
    this.options.onSuccess?.(captchaVerification);
  }

  /** What the challenge being shown may use of this widget. */
  private challengeHost(): ChallengeHost {
    return {
      stage: this.stage,
      bar: this.bar,
      status: this.status,
      text: TEXT[this.lang],
      busy: () => this.busy,
      submitPuzzle: (offset, trajectory) => void this.submitPuzzle(offset, trajectory),
      check: (pointJson) => void this.check(pointJson),
      cleanup: this.puzzleCleanup,
    };
  }

  private async submitPuzzle(offset: number, trajectory: Array<[number, number, number]> | undefined): Promise<void> {
    await this.check(JSON.stringify({ x: Math.round(offset * 10) / 10, y: 5 }), trajectory);
  }

  /** Encrypts the point like AJ-Captcha clients and asks the gateway; then success or a new captcha. */
  private async check(pointJson: string, trajectory?: Array<[number, number, number]>): Promise<void> {
    const current = this.current;
    if (!current || this.busy) return;
    this.busy = true;
    try {
      let powSolution: string | undefined;
      if (this.pow) {
        if (this.root.getAttribute('data-pow') !== 'done') this.status.textContent = TEXT[this.lang].pow;
        powSolution = (await this.pow).payload;
      }
      const body = {
        captchaType: this.type,
        token: current.token,
        pointJson: aesEcbEncrypt(pointJson, current.secretKey),
        ...(trajectory ? { trajectory } : {}),
        ...(powSolution ? { powSolution } : {}),
      };
      const response = await fetch(`${this.base}/api/v2/sdk/captcha/check`, {
        method: 'POST',
        headers: this.headers(true),
        body: JSON.stringify(body),
      });
      const answer = await response.json();
      if (response.ok && answer.result === true && answer.captchaVerification)
        return this.succeed(answer.captchaVerification);
      this.fail(answer.error_code ?? String(response.status), answer.error_msg ?? TEXT[this.lang].fail);
    } catch (error) {
      this.fail('NETWORK', (error as Error).message);
    }
    this.root.setAttribute('data-state', 'failed');
    setTimeout(() => void this.refresh(), 900);
  }
}
