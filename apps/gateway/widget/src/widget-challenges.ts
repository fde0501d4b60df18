/**
 * The two challenges as a person meets them: drag the piece into the gap (blockPuzzle, by pointer
 * or keyboard), or click the characters in order (clickWord). The widget (widget.ts) owns the
 * requests; these only draw, listen and hand over the answer.
 */
import { el, IMAGE_W, stageScale, TEXT, type CaptchaBody } from './widget-ui.js';

/** What a challenge needs from its widget. */
export interface ChallengeHost {
  readonly stage: HTMLDivElement;
  readonly bar: HTMLDivElement;
  readonly status: HTMLDivElement;
  readonly text: (typeof TEXT)['zh'];
  /** True while a request is out: input is ignored. */
  busy(): boolean;
  submitPuzzle(offset: number, trajectory: Array<[number, number, number]> | undefined): void;
  check(pointJson: string): void;
  /** Undone when the captcha is replaced or the widget destroyed. */
  readonly cleanup: Array<() => void>;
}

export function showBlockPuzzle(host: ChallengeHost, body: CaptchaBody): void {
  const t = host.text;
  host.status.textContent = t.slide;
  const piece = el('img', 'position:absolute;top:0;left:0;height:100%;z-index:2;pointer-events:none', {
    class: 'verigate-piece',
    alt: '',
    draggable: 'false',
    src: `data:image/png;base64,${body.jigsawImageBase64}`,
  });
  host.stage.append(piece);
  const handle = el(
    'div',
    'position:absolute;top:0;left:0;width:48px;height:38px;border-radius:19px;background:#3d7eff;color:#fff;display:flex;align-items:center;justify-content:center;cursor:grab;touch-action:none;font-size:18px',
    {
      role: 'slider',
      tabindex: '0',
      'aria-label': t.slider,
      'aria-valuemin': '0',
      'aria-valuemax': String(IMAGE_W),
      'aria-valuenow': '0',
      class: 'verigate-handle',
    },
  );
  handle.textContent = '→';
  host.bar.append(handle);

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
    const s = stageScale(host.stage);
    piece.style.left = `${offset * s}px`;
    piece.style.width = `${naturalWidth() * s}px`;
    const track = host.bar.clientWidth - handle.offsetWidth;
    handle.style.left = `${(offset / maxOffset()) * track}px`;
    handle.setAttribute('aria-valuenow', String(Math.round(offset)));
    if (!started) started = performance.now();
    trajectory.push([Math.round(performance.now() - started), Math.round(offset * 10) / 10, Math.round(y * 10) / 10]);
  };
  piece.addEventListener('load', () => place(0, 0));

  // Pointer events cover mouse, pen and touch; the handle's position maps onto the piece's.
  let dragFrom: { x: number; offset: number } | null = null;
  const ratio = () => maxOffset() / Math.max(1, host.bar.clientWidth - handle.offsetWidth);
  const down = (e: PointerEvent) => {
    if (host.busy()) return;
    dragFrom = { x: e.clientX, offset };
    handle.setPointerCapture?.(e.pointerId);
    handle.style.cursor = 'grabbing';
    e.preventDefault();
  };
  const move = (e: PointerEvent) => {
    if (!dragFrom) return;
    place(
      dragFrom.offset + (e.clientX - dragFrom.x) * ratio(),
      (e.clientY - host.bar.getBoundingClientRect().top) / stageScale(host.stage),
    );
  };
  const up = () => {
    if (!dragFrom) return;
    dragFrom = null;
    handle.style.cursor = 'grab';
    host.submitPuzzle(offset, usedKeyboard ? undefined : trajectory);
  };
  handle.addEventListener('pointerdown', down);
  window.addEventListener('pointermove', move);
  window.addEventListener('pointerup', up);
  window.addEventListener('pointercancel', up);
  const key = (e: KeyboardEvent) => {
    if (host.busy()) return;
    const step = e.shiftKey ? 10 : 1;
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      usedKeyboard = true;
      place(offset + (e.key === 'ArrowRight' ? step : -step), 0);
    } else if (e.key === 'Enter' || e.key === ' ') {
      host.submitPuzzle(offset, usedKeyboard ? undefined : trajectory);
    } else {
      return;
    }
    e.preventDefault();
  };
  handle.addEventListener('keydown', key);
  host.cleanup.push(() => {
    window.removeEventListener('pointermove', move);
    window.removeEventListener('pointerup', up);
    window.removeEventListener('pointercancel', up);
  });
}

export function showClickWord(host: ChallengeHost, body: CaptchaBody, image: HTMLImageElement): void {
  const t = host.text;
  const words = body.wordList ?? [];
  host.status.textContent = `${t.click}: ${words.join(' ')}`;
  const points: Array<{ x: number; y: number }> = [];
  const click = (e: MouseEvent) => {
    if (host.busy() || points.length >= words.length) return;
    const rect = image.getBoundingClientRect();
    const s = rect.width / IMAGE_W;
    const x = (e.clientX - rect.left) / s;
    const y = (e.clientY - rect.top) / s;
    points.push({ x: Math.round(x), y: Math.round(y) });
    const mark = el(
      'div',
      `position:absolute;z-index:2;left:${x * s - 11}px;top:${y * s - 11}px;width:22px;height:22px;border-radius:11px;background:#3d7eff;color:#fff;text-align:center;line-height:22px;font-size:12px;pointer-events:none`,
    );
    mark.textContent = String(points.length);
    host.stage.append(mark);
    if (points.length === words.length) host.check(JSON.stringify(points));
  };
  image.addEventListener('click', click);
  host.bar.style.display = 'none';
}
