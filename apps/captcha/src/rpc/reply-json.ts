import type { CaptchaRpcReply } from '#libs/contracts';

/** Stand-ins JSON.stringify writes as they are (no character of theirs is escaped differently). */
const ORIGINAL_MARK = '\u0001originalImage\u0001';
const JIGSAW_MARK = '\u0001jigsawImage\u0001';
const ORIGINAL_JSON = JSON.stringify(ORIGINAL_MARK);
const JIGSAW_JSON = JSON.stringify(JIGSAW_MARK);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The bytes of JSON.stringify(reply), without making JSON.stringify scan and Buffer.from
 * re-encode the ~50 kB of Base64 images of a `get` (~0.3 ms of the worker's event loop per
 * `get`): Base64 needs no escaping in JSON, so the images are copied between the pieces of the
 * small rest of the body. Any other answer, or images that are not Base64, go through
 * JSON.stringify. The gateway forwards these bytes to the client as they are.
 */
export function captchaReplyJson(reply: CaptchaRpcReply): Buffer {
  if (!reply.ok) return Buffer.from(JSON.stringify(reply));
  const { originalImageBase64: original, jigsawImageBase64: jigsaw } = reply.body;
  if (typeof original !== 'string' || original.length < 1024) return Buffer.from(JSON.stringify(reply));
  // A check of the end is enough: the images are Buffer.toString('base64') of our own PNGs.
  if (!BASE64.test(original.slice(-64)) || (typeof jigsaw === 'string' && !BASE64.test(jigsaw.slice(-64))))
    return Buffer.from(JSON.stringify(reply));
  const skeleton = JSON.stringify({
    ...reply,
    body: {
      ...reply.body,
      originalImageBase64: ORIGINAL_MARK,
      ...(typeof jigsaw === 'string' ? { jigsawImageBase64: JIGSAW_MARK } : {}),
    },
  });
  const parts: Buffer[] = [];
  let rest = skeleton;
  for (const [mark, image] of [
    [ORIGINAL_JSON, original],
    [JIGSAW_JSON, jigsaw],
  ] as const) {
    if (typeof image !== 'string') continue;
    const at = rest.indexOf(mark);
    parts.push(Buffer.from(rest.slice(0, at + 1)), Buffer.from(image, 'latin1'));
    rest = rest.slice(at + mark.length - 1);
  }
  parts.push(Buffer.from(rest));
  return Buffer.concat(parts);
}
