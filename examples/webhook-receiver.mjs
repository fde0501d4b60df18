#!/usr/bin/env node
// A local receiver for statusUrl / feeUrl / smsStatusUrl: prints every notification and answers 200.
//   node examples/webhook-receiver.mjs [port]   (default 8088)
// With APP_KEY and APP_SECRET set it also checks the X-AKSK push authentication, and with
// WEBHOOK_SECRET (whsec_…) the Standard Webhooks signature: each line then says "signed ok" or why not.
// The same checks a real receiver makes (docs/operations.md, "Webhook security" and
// "What a webhook receiver must verify").
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 8088);
const { APP_KEY, APP_SECRET, WEBHOOK_SECRET } = process.env;
const TOLERANCE_S = 300;

// Compare bytes, not characters: a header of non-ASCII bytes can match in length as a string and
// not as UTF-8, and timingSafeEqual throws on unequal lengths (an uncaught throw stops the receiver).
const equal = (a, b) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};
const fresh = (unixSeconds) => Math.abs(Date.now() / 1000 - unixSeconds) <= TOLERANCE_S;

/** `key="value"` pairs of a header (values never hold quotes); at most 1 KiB is read. */
const fieldsOf = (header) => {
  const text = String(header ?? '');
  if (text.length > 1024) return {};
  return Object.fromEntries([...text.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
};

/** Nonces seen within the tolerance (Nonce → expiry, ms): a replayed push is refused. */
const seenNonces = new Map();
const PUSH_KEY = APP_SECRET ? createHmac('sha256', APP_SECRET).update('verigate push v1').digest() : null;

/**
 * The push authentication: Authorization: AKSK realm="SDP-PUSH",… and
 * X-AKSK: UsernameToken Username="…",PasswordDigest="…",Nonce="…",Created="…" where
 * PasswordDigest = Base64(HMAC-SHA256(pushKey, Nonce + Created + hex(SHA-256(raw body)))),
 * pushKey = HMAC-SHA256(appSecret, "verigate push v1").
 */
function checkAksk(headers, rawBody) {
  if (fieldsOf(headers.authorization).realm !== 'SDP-PUSH') return 'Authorization: realm is not SDP-PUSH';
  const fields = fieldsOf(headers['x-aksk']);
  if (fields.Username !== APP_KEY) return 'X-AKSK: wrong or missing Username';
  const bodyHash = createHash('sha256').update(rawBody).digest('hex');
  const digest = createHmac('sha256', PUSH_KEY).update(`${fields.Nonce}${fields.Created}${bodyHash}`).digest('base64');
  if (!equal(digest, fields.PasswordDigest ?? '')) return 'X-AKSK: bad PasswordDigest';
  if (!fresh(Date.parse(fields.Created) / 1000)) return 'X-AKSK: Created too old';
  const now = Date.now();
  for (const [nonce, expires] of seenNonces) if (expires < now) seenNonces.delete(nonce);
  if (seenNonces.has(fields.Nonce)) return 'X-AKSK: Nonce already seen (a replay)';
  seenNonces.set(fields.Nonce, now + 2 * TOLERANCE_S * 1000);
  return null;
}

/** webhook-signature: "v1,<base64 HMAC-SHA256(key, id.timestamp.body)>" …, key = base64 after "whsec_". */
function checkStandardWebhooks(headers, rawBody) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const key = Buffer.from(WEBHOOK_SECRET.replace(/^whsec_/, ''), 'base64');
  const expected = `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest('base64')}`;
  if (
    !String(headers['webhook-signature'] ?? '')
      .split(' ')
      .some((s) => equal(s, expected))
  )
    return 'webhook-signature: no match';
  if (!fresh(Number(timestamp))) return 'webhook-timestamp too old';
  return null;
}

createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const rawBody = Buffer.concat(chunks); // verify the bytes as received, before any JSON parsing
    const problems = [
      APP_KEY && APP_SECRET ? checkAksk(req.headers, rawBody) : null,
      WEBHOOK_SECRET ? checkStandardWebhooks(req.headers, rawBody) : null,
    ].filter(Boolean);
    const verdict =
      APP_SECRET || WEBHOOK_SECRET ? (problems.length ? ` [REJECTED: ${problems.join('; ')}]` : ' [signed ok]') : '';
    console.log(
      `${new Date().toISOString()} ${req.method} ${req.url} ${req.headers['webhook-id'] ?? req.headers['x-verigate-delivery-id'] ?? ''} ${rawBody}${verdict}`,
    );
    // A real receiver answers 401 to a bad signature (it is retried, then given up) and 200 otherwise.
    res.writeHead(problems.length ? 401 : 200, { 'content-type': 'application/json' }).end('{"resultcode":"0"}');
  });
}).listen(port, '127.0.0.1', () => console.log(`webhook receiver on http://127.0.0.1:${port}`));
