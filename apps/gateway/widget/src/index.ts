import { serveWorkerJobs, solveChallenge, type PowChallenge } from './pow.js';
import { CaptchaWidget, type WidgetOptions } from './widget.js';

/**
 * Verigate's captcha widget: `VerigateCaptcha.render(element, {clientId, captchaType, lang,
 * onSuccess, onError})`. One file, no dependencies; served by the gateway at /captcha/widget.js.
 */
const api = {
  version: '1',
  render(container: HTMLElement | string, options: WidgetOptions): CaptchaWidget {
    const element = typeof container === 'string' ? document.querySelector<HTMLElement>(container) : container;
    if (!element) throw new Error('VerigateCaptcha.render: container not found');
    return new CaptchaWidget(element, options);
  },
};

// Loaded into a Web Worker by the widget itself: solve proof-of-work jobs, nothing else.
if (!serveWorkerJobs()) {
  const script = (document.currentScript as HTMLScriptElement | null)?.src ?? '';
  (
    globalThis as unknown as {
      VerigateCaptcha: typeof api & { solvePow(challenge: PowChallenge): ReturnType<typeof solveChallenge> };
    }
  ).VerigateCaptcha = {
    ...api,
    /** Solves a `pow` challenge as the widget does (Web Workers); for pages that call the API themselves. */
    solvePow: (challenge: PowChallenge) => solveChallenge(challenge, script),
  };
}
