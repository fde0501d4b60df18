#!/usr/bin/env node
// Writes a short mono 8 kHz 16-bit PCM WAV (a 440 Hz beep) to try tone uploads:
//   node examples/make-tone.mjs welcome.wav [durationMs]
import { writeFileSync } from 'node:fs';

const [file = 'welcome.wav', ms = '800'] = process.argv.slice(2);
const rate = 8000;
const samples = Math.round((Number(ms) / 1000) * rate);
const data = Buffer.alloc(samples * 2);
for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 8000), i * 2);
const h = Buffer.alloc(44);
h.write('RIFF', 0);
h.writeUInt32LE(36 + data.length, 4);
h.write('WAVE', 8);
h.write('fmt ', 12);
h.writeUInt32LE(16, 16);
h.writeUInt16LE(1, 20);
h.writeUInt16LE(1, 22);
h.writeUInt32LE(rate, 24);
h.writeUInt32LE(rate * 2, 28);
h.writeUInt16LE(2, 32);
h.writeUInt16LE(16, 34);
h.write('data', 36);
h.writeUInt32LE(data.length, 40);
writeFileSync(file, Buffer.concat([h, data]));
console.log(`wrote ${file} (${ms} ms)`);
