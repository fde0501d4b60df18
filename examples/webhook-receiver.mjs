#!/usr/bin/env node
// A local receiver for statusUrl / feeUrl / smsStatusUrl: prints every notification and answers 200.
//   node examples/webhook-receiver.mjs [port]   (default 8088)
// With APP_KEY and APP_SECRET set it also checks the X-AKSK push authentication, and with
// WEBHOOK_SECRET (whsec_…) the Standard Webhooks signature, both with @verigate/client's helpers
// (each with a replay window): each line then says "signed ok" or why not. The same checks a real
// receiver makes (docs/operations.md, "Webhook security" and "What a webhook receiver must verify").
// In the repository the client is built by `npm run build`; elsewhere: npm install @verigate/client.
import { createServer } from 'node:http';
import { ReplayWindow, verifyPushSignature, verifyStandardWebhook } from '@verigate/client';

const port = Number(process.argv[2] ?? 8088);
const { APP_KEY, APP_SECRET, WEBHOOK_SECRET } = process.env;
const TOLERANCE_S = 300;
// A push is fresh for ±TOLERANCE_S: what was seen is remembered for twice that.
const pushNonces = new ReplayWindow(2 * TOLERANCE_S * 1000);
const webhookIds = new ReplayWindow(2 * TOLERANCE_S * 1000);

/** The reasons to refuse a push (empty: signed ok), over the raw bytes as received. */
function problemsOf(headers, rawBody) {
  const checks = [
    APP_KEY && APP_SECRET
      ? verifyPushSignature(headers, rawBody, {
          appKey: APP_KEY,
          appSecret: APP_SECRET,
          toleranceSeconds: TOLERANCE_S,
          replay: pushNonces,
        })
      : { ok: true },
    WEBHOOK_SECRET
      ? verifyStandardWebhook(headers, rawBody, {
          secret: WEBHOOK_SECRET,
          toleranceSeconds: TOLERANCE_S,
          replay: webhookIds,
        })
      : { ok: true },
  ];
  return checks.filter((check) => !check.ok).map((check) => check.reason);
}

createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const rawBody = Buffer.concat(chunks); // verify the bytes as received, before any JSON parsing
    const problems = problemsOf(req.headers, rawBody);
    const verdict =
      APP_SECRET || WEBHOOK_SECRET ? (problems.length ? ` [REJECTED: ${problems.join('; ')}]` : ' [signed ok]') : '';
    console.log(
      `${new Date().toISOString()} ${req.method} ${req.url} ${req.headers['webhook-id'] ?? req.headers['x-verigate-delivery-id'] ?? ''} ${rawBody}${verdict}`,
    );
    // A real receiver answers 401 to a bad signature (it is retried, then given up) and 200 otherwise.
    res.writeHead(problems.length ? 401 : 200, { 'content-type': 'application/json' }).end('{"resultcode":"0"}');
  });
}).listen(port, '127.0.0.1', () => console.log(`webhook receiver on http://127.0.0.1:${port}`));
