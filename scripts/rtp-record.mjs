#!/usr/bin/env node
// Records the G.711 RTP stream sent to a UDP port into a WAV file, to hear what a callee heard.
//   node scripts/rtp-record.mjs <port> <out.wav> [idle-seconds=3]
// Point a test callee's SDP at 127.0.0.1:<port> (e.g. SIPp with test/sipp/answer.xml and
// `-key rtp_port <port>`). Stops after `idle-seconds` without packets (or Ctrl-C), writes 8 kHz
// 16-bit PCM and prints packet count, duration, payload types and inter-arrival jitter.
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';

const [port, out, idleArg] = process.argv.slice(2);
if (!port || !out) {
  console.error('usage: node scripts/rtp-record.mjs <port> <out.wav> [idle-seconds]');
  process.exit(2);
}
const idleMs = Number(idleArg ?? 3) * 1000;

// G.711 decoding as in apps/voice/src/media/g711.ts (ulawToLinear / alawToLinear), kept here on
// purpose: this script runs without a build (it cannot import TypeScript), so keep both in step.
function ulaw(b) {
  const u = ~b & 0xff;
  let t = ((u & 0x0f) << 3) + 0x84;
  t <<= (u & 0x70) >> 4;
  return u & 0x80 ? 0x84 - t : t - 0x84;
}
function alaw(b) {
  const a = b ^ 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

const samples = [];
const arrivals = [];
const types = new Map();
let timer;
const socket = createSocket('udp4');
socket.on('message', (b) => {
  if (b.length < 12) return;
  arrivals.push(performance.now());
  const pt = b[1] & 0x7f;
  types.set(pt, (types.get(pt) ?? 0) + 1);
  const decode = pt === 8 ? alaw : ulaw;
  for (let i = 12; i < b.length; i++) samples.push(decode(b[i]));
  clearTimeout(timer);
  timer = setTimeout(finish, idleMs);
});
socket.bind(Number(port), () => console.log(`listening for RTP on UDP ${port}`));
process.on('SIGINT', finish);

function finish() {
  socket.close();
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(s, i * 2));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0); header.writeUInt32LE(36 + data.length, 4); header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16); header.writeUInt16LE(1, 20); header.writeUInt16LE(1, 22); header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28); header.writeUInt16LE(2, 32); header.writeUInt16LE(16, 34); header.write('data', 36); header.writeUInt32LE(data.length, 40);
  writeFileSync(out, Buffer.concat([header, data]));
  const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]);
  const span = arrivals.length > 1 ? arrivals.at(-1) - arrivals[0] : 0;
  const jitter = gaps.length ? Math.max(...gaps.map((g) => Math.abs(g - 20))) : 0;
  console.log(JSON.stringify({
    packets: arrivals.length, audioMs: samples.length / 8, spanMs: Math.round(span), idealSpanMs: Math.max(0, arrivals.length - 1) * 20,
    maxGapDeviationMs: Number(jitter.toFixed(1)), payloadTypes: Object.fromEntries(types), wav: out,
  }));
  process.exit(0);
}
