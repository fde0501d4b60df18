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

(globalThis as unknown as { VerigateCaptcha: typeof api }).VerigateCaptcha = api;
