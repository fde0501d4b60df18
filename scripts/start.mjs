#!/usr/bin/env node
// Starts the five apps as separate processes (after `npm run build`), prefixes their output,
// and stops them all on Ctrl-C / SIGTERM (children run in their own process group, so each gets
// exactly one SIGTERM from here and shuts down gracefully). A child that dies takes the others down with it,
// so a broken start is visible instead of half-running.
// Before that, PostgreSQL and RabbitMQ must answer (services-check.mjs): when one does not, it says
// which, where, and the command that brings it up, and exits 1. Once every app is healthy, a short
// banner says where to go. On a terminal outside production the apps log readable lines
// (VERIGATE_LOG_FORMAT=pretty; their stdout is a pipe to this process), JSON otherwise.
// Every app listens on HOST: 127.0.0.1 unless set (or NODE_ENV=production), so a development
// platform with its well-known operator token is not reachable from the network.
// Ports: the gateway on PORT (3000); workers' health on VERIGATE_START_HEALTH_BASE + 1…4 (3011-3014).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { missingServices, missingServicesMessage } from './services-check.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { loadConfig, ConfigError } = await import(pathToFileURL(join(root, 'dist/libs/runtime/src/index.js')).href);

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(78); // as the apps do on a bad configuration (EX_CONFIG)
}

const missing = await missingServices({ databaseUrl: config.databaseUrl, rabbitmqUrl: config.rabbitmqUrl });
if (missing.length > 0) {
  process.stderr.write(`${missingServicesMessage(missing)}\n`);
  process.exit(1);
}

const healthBase = Number(process.env.VERIGATE_START_HEALTH_BASE ?? 3010);
// Workers' health ports; the gateway's health is on its own port.
const APPS = [
  { name: 'gateway', healthPort: undefined },
  { name: 'captcha', healthPort: healthBase + 1 },
  { name: 'sms', healthPort: healthBase + 2 },
  { name: 'voice', healthPort: healthBase + 3 },
  { name: 'notifier', healthPort: healthBase + 4 },
];
const production = process.env.NODE_ENV === 'production';
const prettyLogs = process.stdout.isTTY === true && !production && process.env.VERIGATE_LOG_FORMAT === undefined;
// 0.0.0.0 / :: listen everywhere; this machine reaches them on loopback.
const localHost = ['0.0.0.0', '::'].includes(config.host)
  ? '127.0.0.1'
  : config.host.includes(':')
    ? `[${config.host}]`
    : config.host;
const gatewayUrl = `http://${localHost}:${config.port}`;

const children = new Map();
let stopping = false;

function start(app) {
  const env = { ...process.env };
  if (app.healthPort) env.VERIGATE_HEALTH_PORT = String(app.healthPort);
  if (prettyLogs) env.VERIGATE_LOG_FORMAT = 'pretty';
  const child = spawn(process.execPath, ['--enable-source-maps', join(root, 'dist/apps', app.name, 'src/main.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
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

async function healthy(url) {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).status === 200;
  } catch {
    return false;
  }
}

/** Every app's /health answering 200 (each checks PostgreSQL and RabbitMQ), then the banner. */
async function bannerWhenHealthy() {
  const urls = APPS.map((app) =>
    app.healthPort ? `http://${localHost}:${app.healthPort}/health` : `${gatewayUrl}/health`,
  );
  while (!stopping) {
    const states = await Promise.all(urls.map(healthy));
    if (states.every(Boolean)) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (stopping) return;
  const token = config.adminTokenIsDefault
    ? `${config.adminToken}   (the development token: set VERIGATE_ADMIN_TOKEN outside development)`
    : 'the one in VERIGATE_ADMIN_TOKEN';
  process.stdout.write(
    [
      '',
      'Verigate is running — all five apps healthy.',
      `  Gateway          ${gatewayUrl}`,
      `  Console          ${gatewayUrl}/console   (sign in with the operator token)`,
      `  API docs         ${gatewayUrl}/docs`,
      `  Captcha demo     ${gatewayUrl}/demo/captcha`,
      `  Operator token   ${token}`,
      '                   e.g. npm run cli -- apps list (management API: README, "Management API")',
      'Ctrl-C stops all apps.',
      '',
    ].join('\n') + '\n',
  );
}

process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
for (const app of APPS) start(app);
void bannerWhenHealthy();
