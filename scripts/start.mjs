#!/usr/bin/env node
// Starts the five apps as separate processes (after `npm run build`), prefixes their output,
// and stops them all on Ctrl-C / SIGTERM (children run in their own process group, so each gets
// exactly one SIGTERM from here and shuts down gracefully). A child that dies takes the others down with it,
// so a broken start is visible instead of half-running.
// Every app listens on HOST: 127.0.0.1 unless set (or NODE_ENV=production), so a development
// platform with its well-known operator token is not reachable from the network.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Workers' health ports; the gateway uses PORT (default 3000).
const APPS = [
  { name: 'gateway', healthPort: undefined },
  { name: 'captcha', healthPort: 3011 },
  { name: 'sms', healthPort: 3012 },
  { name: 'voice', healthPort: 3013 },
  { name: 'notifier', healthPort: 3014 },
];

const children = new Map();
let stopping = false;

function start(app) {
  const env = { ...process.env };
  if (app.healthPort) env.VERIGATE_HEALTH_PORT = String(app.healthPort);
  const child = spawn(process.execPath, ['--enable-source-maps', join(root, 'dist/apps', app.name, 'src/main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const prefix = `${app.name.padEnd(8)} | `;
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream.on('data', (chunk) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop();
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
  }
  child.on('exit', (code, signal) => {
    children.delete(app.name);
    process.stdout.write(`${prefix}exited (${signal ?? code})\n`);
    if (!stopping) {
      process.exitCode = code || 1;
      stop('SIGTERM');
    }
    if (children.size === 0) process.exit(process.exitCode ?? 0);
  });
  children.set(app.name, child);
}

function stop(signal) {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`stopping all apps (${signal})…\n`);
  for (const child of children.values()) child.kill('SIGTERM');
  // Each app exits by itself within VERIGATE_SHUTDOWN_TIMEOUT_S (30 s by default): this is the last resort.
  setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
  }, 40_000).unref();
}

process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
for (const app of APPS) start(app);
