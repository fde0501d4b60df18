#!/usr/bin/env node
// Example client of the voice verification API with @verigate/client: the call is signed with AKSK
// (a fresh Nonce and Created per request) and the answer printed.
//
//   VERIGATE_URL=http://127.0.0.1:3000 APP_KEY=... APP_SECRET=... \
//   node examples/call-verify.mjs --display +8675528000088 --callee +8613800000021 --code 123456 \
//        --tone welcome.wav --status-url http://127.0.0.1:8088/status --fee-url http://127.0.0.1:8088/fee
// In the repository the client is built by `npm run build`; elsewhere: npm install @verigate/client.
import { parseArgs } from 'node:util';
import { base64Url, VerigateError, VoiceClient } from '@verigate/client';

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

const appKey = process.env.APP_KEY;
const appSecret = process.env.APP_SECRET;
if (!appKey || !appSecret || !args.display || !args.callee) {
  console.error(
    'usage: APP_KEY=… APP_SECRET=… node examples/call-verify.mjs --display <number> --callee <number> [--code 123456] [--status-url URL] [--fee-url URL]',
  );
  process.exit(2);
}

const voice = new VoiceClient({ baseUrl: process.env.VERIGATE_URL ?? 'http://127.0.0.1:3000', appKey, appSecret });
try {
  const result = await voice.callVerify({
    displayNbr: args.display,
    calleeNbr: args.callee,
    languageType: Number(args.language),
    preTone: args.tone,
    verifyCode: args.code,
    times: Number(args.times),
    returnIdlePort: 'true',
    ...(args['pos-tone'] ? { posTone: args['pos-tone'] } : {}),
    ...(args['status-url'] ? { statusUrl: base64Url(args['status-url']) } : {}),
    ...(args['fee-url'] ? { feeUrl: base64Url(args['fee-url']) } : {}),
    ...(args['user-data'] ? { userData: args['user-data'] } : {}),
  });
  console.log(200, JSON.stringify(result));
} catch (error) {
  if (!(error instanceof VerigateError)) throw error;
  // The gateway's answer: HTTP status, resultcode and resultdesc (status 0: no answer at all).
  console.log(error.status, JSON.stringify(error.body ?? { resultcode: error.resultcode, resultdesc: error.message }));
  process.exitCode = 1;
}
