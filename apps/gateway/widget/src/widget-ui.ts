/** What the widget's parts share: the API's captcha body, texts, the page's facts and a DOM helper. */
import type { PowChallenge } from './pow.js';

export interface CaptchaBody {
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

export const IMAGE_W = 310;
export const TEXT = {
  zh: {
    pow: '正在进行工作量证明…',
    powDone: '工作量证明完成',
    checking: '正在确认您不是机器人…',
    slide: '拖动滑块，把拼图放进形状相同的缺口',
    click: '请依次点击',
    ok: '验证成功',
    fail: '验证失败，请重试',
    refresh: '换一张',
    loading: '加载中…',
    slider: '拼图滑块：用左右方向键移动，回车提交',
  },
  en: {
    pow: 'Proof of work: solving…',
    powDone: 'Proof of work done',
    checking: 'Checking that you are a person…',
    slide: 'Drag the piece into the gap of the same shape',
    click: 'Click in order',
    ok: 'Verified',
    fail: 'Failed, try again',
    refresh: 'New captcha',
    loading: 'Loading…',
    slider: 'Puzzle slider: move with the arrow keys, Enter to submit',
  },
};

export const scriptUrl = (() => {
  const current = typeof document !== 'undefined' ? (document.currentScript as HTMLScriptElement | null) : null;
  return current?.src ?? '';
})();
export const scriptBase = (() => {
  try {
    return scriptUrl ? new URL(scriptUrl).origin : '';
  } catch {
    return '';
  }
})();

export function deviceFingerprint(): string {
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

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  style: string,
  attrs: Record<string, string> = {},
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.setAttribute('style', style);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

/** Image pixels per CSS pixel of the stage (the picture is IMAGE_W wide, scaled to the container). */
export function stageScale(stage: HTMLElement): number {
  return stage.clientWidth / IMAGE_W || 1;
}
