import type { IncomingMessage, ServerResponse } from 'node:http';

/** Headers a browser may send to the SDK API (docs/contract.md#sdk-apis) besides the CORS-safelisted ones. */
const ALLOWED_HEADERS =
  'Content-Type, X-operating-sys-version, X-device-fingerprint, X-device-ip, X-agent, X-client-id, X-L, X-tenant-id';

/**
 * CORS for the SDK APIs (captcha and SMS): the widget and customers' pages run on other origins
 * than the gateway and send custom headers (so browsers send a preflight). The API takes no cookies, so
 * any origin may call it (`*`, no credentials); what protects it is the app key, the rate limits
 * and the lock-outs.
 */
export function sdkCors(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Vary', 'Origin');
  if (req.method === 'OPTIONS') {
    res.statusCode = 204;
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    res.setHeader('Access-Control-Max-Age', '600');
    res.end();
    return;
  }
  next();
}
