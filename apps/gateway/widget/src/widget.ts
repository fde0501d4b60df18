import { aesEcbEncrypt } from './aes.js';
import { solveChallenge, type PowChallenge, type PowResult } from './pow.js';

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

interface CaptchaBody {
  secretKey: string;
  token: string;
  originalImageBase64: string;
  jigsawImageBase64: string | null;
  wordList: string[] | null;
  captchaVerification: string | null;
  result: boolean;
  /** Present when the app requires proof of work (ALTCHA challenge). */
  pow?: PowChallenge;
}

const IMAGE_W = 310;
const TEXT = {
  zh: { pow: '正在进行工作量证明…', powDone: '工作量证明完成', checking: '正在确认您不是机器人…', slide: '拖动滑块，把拼图放进形状相同的缺口', click: '请依次点击', ok: '验证成功', fail: '验证失败，请重试', refresh: '换一张', loading: '加载中…', slider: '拼图滑块：用左右方向键移动，回车提交' },
  en: { pow: 'Proof of work: solving…', powDone: 'Proof of work done', checking: 'Checking that you are a person…', slide: 'Drag the piece into the gap of the same shape', click: 'Click in order', ok: 'Verified', fail: 'Failed, try again', refresh: 'New captcha', loading: 'Loading…', slider: 'Puzzle slider: move with the arrow keys, Enter to submit' },
};

const scriptUrl = (() => {
  const current = typeof document !== 'undefined' ? (document.currentScript as HTMLScriptElement | null) : null;
  return current?.src ?? '';
})();
const scriptBase = (() => {
  try {
    return scriptUrl ? new URL(scriptUrl).origin : '';
  } catch {
    return '';
  }
})();

function deviceFingerprint(): string {
  try {
    let id = localStorage.getItem('verigate-fp');
    if (!id) {
      id = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
      localStorage.setItem('verigate-fp', id);
    }
    return id;
  } catch {
    return 'web-' + Math.random().toString(36).slice(2);
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, style: string, attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.setAttribute('style', style);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
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

  constructor(private readonly container: HTMLElement, private readonly options: WidgetOptions) {
    this.lang = options.lang === 'en' ? 'en' : 'zh';
    this.type = options.captchaType === 'clickWord' ? 'clickWord' : 'blockPuzzle';
    this.base = (options.baseUrl ?? scriptBase).replace(/\/$/, '');
    this.fingerprint = options.fingerprint ?? deviceFingerprint();
    this.root = el('div', 'position:relative;width:100%;max-width:620px;font:14px/1.4 system-ui,sans-serif;user-select:none;-webkit-user-select:none', { class: 'verigate-captcha', role: 'group', 'aria-label': 'captcha' });
    this.stage = el('div', `position:relative;width:100%;aspect-ratio:${IMAGE_W}/155;overflow:hidden;border-radius:4px;background:#eee`);
    this.bar = el('div', 'position:relative;margin-top:8px;height:40px;border-radius:20px;background:#eef1f5;border:1px solid #d0d7e2');
    this.status = el('div', 'margin-top:4px;min-height:20px;color:#555', { 'aria-live': 'polite', role: 'status' });
    this.powLine = el('div', 'margin-top:2px;min-height:16px;font-size:12px;color:#777', { class: 'verigate-pow' });
    this.managed = options.mode === 'managed';
    const count = () => { this.interactions++; };
    for (const type of ['pointermove', 'pointerdown', 'keydown', 'touchstart', 'scroll']) window.addEventListener(type, count, { passive: true });
    this.cleanup.push(() => { for (const type of ['pointermove', 'pointerdown', 'keydown', 'touchstart', 'scroll']) window.removeEventListener(type, count); });
    const refresh = el('button', 'position:absolute;top:4px;right:4px;z-index:3;border:0;border-radius:3px;background:rgba(255,255,255,.85);cursor:pointer;padding:2px 6px', { type: 'button', 'aria-label': TEXT[this.lang].refresh, title: TEXT[this.lang].refresh, class: 'verigate-refresh' });
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
      const response = await fetch(`${this.base}/api/v2/sdk/captcha?captchaType=${this.type}`, { headers: this.headers(false) });
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
    const background = el('img', 'position:absolute;inset:0;width:100%;height:100%;display:block', { class: 'verigate-background', alt: '', draggable: 'false', src: `data:image/png;base64,${body.originalImageBase64}` });
    this.stage.prepend(background);
    if (this.type === 'blockPuzzle') this.showPuzzle(body);
    else this.showClickWord(body, background);
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
    let answer: { result?: boolean; captchaVerification?: string; escalated?: string; error_code?: string; error_msg?: string };
    let status = 0;
    try {
      const pow = this.pow ? await this.pow : undefined;
      // A person reads the page before the captcha matters; the platform asks for a second at least.
      const wait = 1100 - (performance.now() - this.renderedAt);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const response = await fetch(`${this.base}/api/v2/sdk/captcha/managed`, {
        method: 'POST', headers: this.headers(true),
        body: JSON.stringify({ token: body.token, powSolution: pow?.payload, signals: { elapsedMs: Math.round(performance.now() - this.renderedAt), interactions: this.interactions } }),
      });
      status = response.status;
      answer = await response.json();
    } catch (error) {
      this.busy = false;
      return this.fail('NETWORK', (error as Error).message);
    }
    this.busy = false;
    if (status === 200 && answer.result === true && answer.captchaVerification) return this.succeed(answer.captchaVerification);
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

  private scale(): number {
    return this.stage.clientWidth / IMAGE_W || 1;
  }

  private showPuzzle(body: CaptchaBody): void {
    const t = TEXT[this.lang];
    this.status.textContent = t.slide;
    const piece = el('img', 'position:absolute;top:0;left:0;height:100%;z-index:2;pointer-events:none', { class: 'verigate-piece', alt: '', draggable: 'false', src: `data:image/png;base64,${body.jigsawImageBase64}` });
    this.stage.append(piece);
    const handle = el('div', 'position:absolute;top:0;left:0;width:48px;height:38px;border-radius:19px;background:#3d7eff;color:#fff;display:flex;align-items:center;justify-content:center;cursor:grab;touch-action:none;font-size:18px', {
      role: 'slider', tabindex: '0', 'aria-label': t.slider, 'aria-valuemin': '0', 'aria-valuemax': String(IMAGE_W), 'aria-valuenow': '0', class: 'verigate-handle',
    });
    handle.textContent = '→';
    this.bar.append(handle);

    let pieceWidth = 0;
    const naturalWidth = () => (pieceWidth ||= piece.naturalWidth || 50);
    let offset = 0; // piece's left edge in image px
    const trajectory: Array<[number, number, number]> = [];
    // Keyboard moves are steady by nature and would look like a script's drag: a captcha moved
    // with the keyboard is sent without a trajectory (accepted unless the operator requires one).
    let usedKeyboard = false;
    let started = 0;
    const maxOffset = () => IMAGE_W - naturalWidth();
    const place = (imageX: number, y: number) => {
      offset = Math.max(0, Math.min(maxOffset(), imageX));
      const s = this.scale();
      piece.style.left = `${offset * s}px`;
      piece.style.width = `${naturalWidth() * s}px`;
      const track = this.bar.clientWidth - handle.offsetWidth;
      handle.style.left = `${(offset / maxOffset()) * track}px`;
      handle.setAttribute('aria-valuenow', String(Math.round(offset)));
      if (!started) started = performance.now();
      trajectory.push([Math.round(performance.now() - started), Math.round(offset * 10) / 10, Math.round(y * 10) / 10]);
    };
    piece.addEventListener('load', () => place(0, 0));

    // Pointer events cover mouse, pen and touch; the handle's position maps onto the piece's.
    let dragFrom: { x: number; offset: number } | null = null;
    const ratio = () => maxOffset() / Math.max(1, this.bar.clientWidth - handle.offsetWidth);
    const down = (e: PointerEvent) => {
      if (this.busy) return;
      dragFrom = { x: e.clientX, offset };
      handle.setPointerCapture?.(e.pointerId);
      handle.style.cursor = 'grabbing';
      e.preventDefault();
    };
    const move = (e: PointerEvent) => {
      if (!dragFrom) return;
      place(dragFrom.offset + (e.clientX - dragFrom.x) * ratio(), (e.clientY - this.bar.getBoundingClientRect().top) / this.scale());
    };
    const up = () => {
      if (!dragFrom) return;
      dragFrom = null;
      handle.style.cursor = 'grab';
      void this.submitPuzzle(offset, usedKeyboard ? undefined : trajectory);
    };
    handle.addEventListener('pointerdown', down);
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
    window.addEventListener('pointercancel', up);
    const key = (e: KeyboardEvent) => {
      if (this.busy) return;
      const step = e.shiftKey ? 10 : 1;
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        usedKeyboard = true;
        place(offset + (e.key === 'ArrowRight' ? step : -step), 0);
      } else if (e.key === 'Enter' || e.key === ' ') {
        void this.submitPuzzle(offset, usedKeyboard ? undefined : trajectory);
      } else {
        return;
      }
      e.preventDefault();
    };
    handle.addEventListener('keydown', key);
    this.puzzleCleanup.push(() => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      window.removeEventListener('pointercancel', up);
    });
  }

  private showClickWord(body: CaptchaBody, image: HTMLImageElement): void {
    const t = TEXT[this.lang];
    const words = body.wordList ?? [];
    this.status.textContent = `${t.click}: ${words.join(' ')}`;
    const points: Array<{ x: number; y: number }> = [];
    const click = (e: MouseEvent) => {
      if (this.busy || points.length >= words.length) return;
      const rect = image.getBoundingClientRect();
      const s = rect.width / IMAGE_W;
      const x = (e.clientX - rect.left) / s;
      const y = (e.clientY - rect.top) / s;
      points.push({ x: Math.round(x), y: Math.round(y) });
      const mark = el('div', `position:absolute;z-index:2;left:${x * s - 11}px;top:${y * s - 11}px;width:22px;height:22px;border-radius:11px;background:#3d7eff;color:#fff;text-align:center;line-height:22px;font-size:12px;pointer-events:none`);
      mark.textContent = String(points.length);
      this.stage.append(mark);
      if (points.length === words.length) void this.check(JSON.stringify(points));
    };
    image.addEventListener('click', click);
    this.bar.style.display = 'none';
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
        captchaType: this.type, token: current.token, pointJson: aesEcbEncrypt(pointJson, current.secretKey),
        ...(trajectory ? { trajectory } : {}), ...(powSolution ? { powSolution } : {}),
      };
      const response = await fetch(`${this.base}/api/v2/sdk/captcha/check`, { method: 'POST', headers: this.headers(true), body: JSON.stringify(body) });
      const answer = await response.json();
      if (response.ok && answer.result === true && answer.captchaVerification) return this.succeed(answer.captchaVerification);
      this.fail(answer.error_code ?? String(response.status), answer.error_msg ?? TEXT[this.lang].fail);
    } catch (error) {
      this.fail('NETWORK', (error as Error).message);
    }
    this.root.setAttribute('data-state', 'failed');
    setTimeout(() => void this.refresh(), 900);
  }
}
