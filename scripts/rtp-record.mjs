#!/usr/bin/env node
// Records the G.711 RTP stream sent to a UDP port into a WAV file, to hear what a callee heard.
//   node scripts/rtp-record.mjs <port> <out.wav> [idle-seconds=3]
// Point a test callee's SDP at 127.0.0.1:<port> (e.g. SIPp with test/sipp/answer.xml and
// `-key rtp_port <port>`). Stops after `idle-seconds` without packets (or Ctrl-C), writes 8 kHz
// 16-bit PCM and prints packet count, duration, payload types and inter-arrival jitter.
// Needs the build (`npm run build`): it decodes with the platform's own G.711 code.
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The platform's own G.711 decoders and WAV writer, from the build (`npm run build` first).
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { alawToLinear, ulawToLinear } = await import(
  pathToFileURL(join(root, 'dist/apps/voice/src/media/g711.js')).href
);
const { encodeWav } = await import(pathToFileURL(join(root, 'dist/libs/media/src/wav.js')).href);

const [port, out, idleArg] = process.argv.slice(2);
if (!port || !out) {
  console.error('usage: node scripts/rtp-record.mjs <port> <out.wav> [idle-seconds]');
  process.exit(2);
}
const idleMs = Number(idleArg ?? 3) * 1000;

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
  const decode = pt === 8 ? alawToLinear : ulawToLinear;
  for (let i = 12; i < b.length; i++) samples.push(decode(b[i]));
  clearTimeout(timer);
  timer = setTimeout(finish, idleMs);
});
socket.bind(Number(port), () => console.log(`listening for RTP on UDP ${port}`));
process.on('SIGINT', finish);

function finish() {
  socket.close();
  writeFileSync(out, encodeWav(Int16Array.from(samples), 8000));
  const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]);
  const span = arrivals.length > 1 ? arrivals.at(-1) - arrivals[0] : 0;
  const jitter = gaps.length ? Math.max(...gaps.map((g) => Math.abs(g - 20))) : 0;
  console.log(
    JSON.stringify({
      packets: arrivals.length,
      audioMs: samples.length / 8,
      spanMs: Math.round(span),
      idealSpanMs: Math.max(0, arrivals.length - 1) * 20,
      maxGapDeviationMs: Number(jitter.toFixed(1)),
      payloadTypes: Object.fromEntries(types),
      wav: out,
    }),
  );
  process.exit(0);
}
