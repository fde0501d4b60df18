#!/usr/bin/env node
// Places ONE call with the sip carrier, without the rest of the platform: to try a trunk, a PBX or
// SIPp by hand. Needs `npm run build` first. Prints progress and how the call ended (stateCode, SIP
// status, Q.850 cause) as the platform would record it.
//
//   node scripts/sip-call.mjs --trunk sip:127.0.0.1:5070 --callee +8613800000021 [--caller +8675528000088]
//        [--code 123456] [--lang 2|1] [--times 1] [--tone pre.wav] [--pos-tone post.wav] [--ring 45]
//        [--user U --password P] [--local-port 5062] [--bind 0.0.0.0] [--public 192.0.2.10]
//        [--rtp 40000-40100] [--codecs PCMU,PCMA]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: {
    trunk: { type: 'string' },
    callee: { type: 'string' },
    caller: { type: 'string', default: '+8675528000088' },
    code: { type: 'string', default: '123456' },
    lang: { type: 'string', default: '2' },
    times: { type: 'string', default: '1' },
    tone: { type: 'string' },
    'pos-tone': { type: 'string' },
    ring: { type: 'string', default: '45' },
    'max-call': { type: 'string', default: '300' },
    user: { type: 'string' },
    password: { type: 'string' },
    'local-port': { type: 'string', default: '0' },
    bind: { type: 'string', default: '0.0.0.0' },
    public: { type: 'string' },
    rtp: { type: 'string', default: '40000-40100' },
    codecs: { type: 'string', default: 'PCMU,PCMA' },
  },
});
if (!o.trunk || !o.callee) {
  console.error('usage: node scripts/sip-call.mjs --trunk sip:host[:port] --callee +861... [options; see the header]');
  process.exit(2);
}
const dist = new URL('../dist/apps/voice/src/', import.meta.url);
const { loadConfig, JsonLogger } = await import(new URL('../../../libs/runtime/src/index.js', dist));
const { callOutcome } = await import(new URL('../../../libs/contracts/src/index.js', dist));
const { SipCarrier } = await import(new URL('carriers/sip/sip.carrier.js', dist));
const { DigitPrompts } = await import(new URL('media/prompt.js', dist));
const { ToneCache } = await import(new URL('media/tone-cache.js', dist));

const [rtpMin, rtpMax] = o.rtp.split('-');
// The same validation as the voice worker's (a bad value is named).
const config = loadConfig({
  VERIGATE_VOICE_CARRIER: 'sip',
  VERIGATE_SIP_TRUNK: o.trunk,
  VERIGATE_SIP_USERNAME: o.user,
  VERIGATE_SIP_PASSWORD: o.password,
  VERIGATE_SIP_LOCAL_PORT: o['local-port'],
  VERIGATE_SIP_BIND_ADDRESS: o.bind,
  VERIGATE_SIP_PUBLIC_ADDRESS: o.public,
  VERIGATE_RTP_PORT_MIN: rtpMin,
  VERIGATE_RTP_PORT_MAX: rtpMax,
  VERIGATE_SIP_CODECS: o.codecs,
  VERIGATE_VOICE_PORTS: '1',
});
const files = {
  'pre.wav': o.tone ? readFileSync(o.tone) : null,
  'pos.wav': o['pos-tone'] ? readFileSync(o['pos-tone']) : null,
};
const tones = new ToneCache({
  digest: async (_app, name) => (files[name] ? name : null),
  content: async (_app, name) => files[name],
});
const s = config.sip;
const carrier = new SipCarrier(
  {
    trunk: { host: s.trunk.host, port: s.trunk.port },
    username: s.username,
    password: s.password,
    localPort: s.localPort,
    bindAddress: s.bindAddress,
    publicAddress: s.publicAddress,
    rtpPorts: { min: s.rtpPortMin, max: s.rtpPortMax },
    codecs: s.codecs,
    fromDomain: s.fromDomain,
    stripPlus: s.stripPlus,
  },
  tones,
  new DigitPrompts(),
  new JsonLogger('sip-call', 'info'),
);

const controller = new AbortController();
process.on('SIGINT', () => controller.abort());
const started = Date.now();
const at = () => `${((Date.now() - started) / 1000).toFixed(2)} s`;
const ending = await carrier.placeCall(
  {
    sessionId: `manual-${started}`,
    appKey: 'manual',
    caller: o.caller,
    callee: o.callee,
    languageType: Number(o.lang),
    verifyCode: o.code,
    preTone: 'pre.wav',
    posTone: o['pos-tone'] ? 'pos.wav' : null,
    times: Number(o.times),
    maxCallMs: Number(o['max-call']) * 1000,
    ringTimeoutMs: Number(o.ring) * 1000,
  },
  {
    onAlerting: async () => console.log(`${at()} alerting`),
    onAnswer: async () => console.log(`${at()} answer`),
  },
  controller.signal,
);
console.log(`${at()} disconnect`, JSON.stringify({ ending, ...callOutcome(ending) }));
await carrier.close();
