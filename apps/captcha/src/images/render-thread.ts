import { parentPort, workerData } from 'node:worker_threads';
import { Backgrounds } from './background.js';
import { registerCaptchaFont } from './fonts.js';
import { renderCaptcha, type CaptchaKind } from './render.js';

/**
 * A render thread of the captcha worker (images/render-threads.ts): draws captchas on request.
 * Runs inside the worker process; what it returns (answers included) stays in that process.
 */
const { backgroundsDir, decoys } = workerData as { backgroundsDir: string; decoys: number };
registerCaptchaFont();
const backgrounds = new Backgrounds();
await backgrounds.loadFolder(backgroundsDir);
parentPort!.on('message', (request: { id: number; kind: CaptchaKind }) => {
  renderCaptcha(backgrounds, request.kind, decoys).then(
    (rendered) => parentPort!.postMessage({ id: request.id, rendered }),
    (error: Error) => parentPort!.postMessage({ id: request.id, error: error.message }),
  );
});
parentPort!.postMessage({ ready: true });
