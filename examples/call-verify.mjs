#!/usr/bin/env node
// Example client of the voice verification API: signs the request with AKSK exactly as the
// seed describes and prints the answer. Standalone (Node >= 18, no dependencies): copy it.
//
//   VERIGATE_URL=http://127.0.0.1:3000 APP_KEY=... APP_SECRET=... \
//   node examples/call-verify.mjs --display +8675528000088 --callee +8613800000021 --code 123456 \
//        --tone welcome.wav --status-url http://127.0.0.1:8088/status --fee-url http://127.0.0.1:8088/fee
import { createHmac, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    display: { type: 'string' },
    callee: { type: 'string' },
    code: { type: 'string', default: '123456' },
    tone: { type: 'string', default: 'welcome.wav' },
    'pos-tone': { type: 'string' },
    language: { type: 'string', default: '2' },
    times: { type: 'string', default: '3' },
    'status-url': { type: 'string' },
    'fee-url': { type: 'string' },
    'user-data': { type: 'string' },
  },
});

const baseUrl = process.env.VERIGATE_URL ?? 'http://127.0.0.1:3000';
const appKey = process.env.APP_KEY;
const appSecret = process.env.APP_SECRET;
if (!appKey || !appSecret || !args.display || !args.callee) {
  console.error(
    'usage: APP_KEY=… APP_SECRET=… node examples/call-verify.mjs --display <number> --callee <number> [--code 123456] [--status-url URL] [--fee-url URL]',
  );
  process.exit(2);
}

/** X-AKSK: PasswordDigest = Base64(HMAC-SHA256(app_secret, Nonce + Created)). */
function akskHeaders(key, secret) {
  const nonce = randomBytes(16).toString('hex'); // 1-128 letters and digits
  const created = new Date().toISOString().replace(/\.[0-9]+Z$/, 'Z'); // yyyy-MM-ddTHH:mm:ssZ, UTC
  const digest = createHmac('sha256', secret)
    .update(nonce + created)
    .digest('base64');
  return {
    Authorization: 'AKSK realm="SDP",profile="UsernameToken",type="Appkey"',
    'X-AKSK': `UsernameToken Username="${key}",PasswordDigest="${digest}",Nonce="${nonce}",Created="${created}"`,
  };
}

const base64 = (text) => Buffer.from(text, 'utf8').toString('base64');
const body = {
  displayNbr: args.display,
  calleeNbr: args.callee,
  languageType: Number(args.language),
  preTone: args.tone,
  verifyCode: args.code,
  times: Number(args.times),
  returnIdlePort: 'true',
  ...(args['pos-tone'] ? { posTone: args['pos-tone'] } : {}),
  ...(args['status-url'] ? { statusUrl: base64(args['status-url']) } : {}),
  ...(args['fee-url'] ? { feeUrl: base64(args['fee-url']) } : {}),
  ...(args['user-data'] ? { userData: args['user-data'] } : {}),
};

const response = await fetch(`${baseUrl}/rest/httpsessions/callVerify/v1.0`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json;charset=UTF-8', ...akskHeaders(appKey, appSecret) },
  body: JSON.stringify(body),
});
console.log(response.status, await response.text());
process.exitCode = response.ok ? 0 : 1;
