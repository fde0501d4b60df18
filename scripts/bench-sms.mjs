#!/usr/bin/env node
// npm run bench:sms — SMS sends end to end on this machine: the gateway and one sms worker as
// separate processes (after `npm run build`), the local PostgreSQL and RabbitMQ, and a real SMPP
// server on loopback (TestSmsc, in its own process, answering every submit_sm; optionally sending a
// delivery receipt). Captcha credentials are made beforehand, straight into the database (the
// captcha's own speed is bench:captcha's business). For BENCH_SECONDS (10) per run, BENCH_RUNS
// (3) runs, BENCH_CONCURRENCY (64) clients POST /api/v2/sdk/sms/send, each to a new mobile from
// its own device and IP (X-Forwarded-For through a trusted proxy: real traffic comes from many).
// Reported: sends accepted per second; HTTP latency; and the time from acceptance (the 200 at the
// client) to the submit_sm at the SMS centre, median and p99. Written into docs/benchmarks.md.
import { fork, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
// Delivery receipts from the SMS centre (one more statement per message in the worker); off by default.
const RECEIPTS = process.env.BENCH_RECEIPTS === '1';
const PORT = 3960;
const DB = 'verigate_bench_sms';
const baseDb = 'postgres://postgres@127.0.0.1:5432';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted, q) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
const median = (values) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

const admin = new pg.Client({ connectionString: `${baseDb}/postgres` });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
await admin.end();

const smscProcess = fork(join(root, 'scripts/bench/smsc-process.mjs'), {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  env: { ...process.env, BENCH_RECEIPTS: RECEIPTS ? '1' : '0' },
});
const nextMessage = () => new Promise((resolve) => smscProcess.once('message', resolve));
const { port: smscPort } = await nextMessage();

const env = {
  ...process.env,
  DATABASE_URL: `${baseDb}/${DB}`,
  VERIGATE_AMQP_NAMESPACE: 'benchsms',
  PORT: String(PORT),
  LOG_LEVEL: 'warn',
  VERIGATE_TRUSTED_PROXIES: '127.0.0.1',
  VERIGATE_SMS_PROVIDER: 'smpp',
  VERIGATE_SMPP_URL: `smpp://bench:bench@127.0.0.1:${smscPort}`,
  // Every send goes to one number range: the SMS pumping controls would refuse most of them.
  VERIGATE_SMS_VELOCITY_MULTIPLE: '0',
  VERIGATE_SMS_DAILY_BUDGET: '1000000000',
};
const children = [];
for (const [name, healthPort] of [
  ['gateway', 3961],
  ['sms', 3962],
]) {
  children.push(
    spawn(process.execPath, [join(root, 'dist/apps', name, 'src/main.js')], {
      env: { ...env, VERIGATE_HEALTH_PORT: String(healthPort) },
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  );
}
const stop = () => {
  for (const c of children) c.kill('SIGTERM');
  smscProcess.kill();
};
process.on('exit', stop);
process.on('SIGINT', () => process.exit(130));

const base = `http://127.0.0.1:${PORT}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/health`)).status === 200 && (await fetch('http://127.0.0.1:3962/health')).status === 200)
      break;
  } catch {
    /* not yet */
  }
  if (i > 300) throw new Error('gateway or sms worker did not become healthy');
  await sleep(100);
}
const created = await fetch(`${base}/admin/v1/apps`, {
  method: 'POST',
  headers: { authorization: 'Bearer dev-admin-token', 'content-type': 'application/json' },
  body: JSON.stringify({ name: 'bench', signature: 'Bench', permissions: ['captcha', 'sms'] }),
});
const { appKey } = await created.json();

// Credentials `bench-<n>---{"x":1,"y":1}`, passed and unused, as /captcha/check leaves them.
const db = new pg.Client({ connectionString: `${baseDb}/${DB}` });
await db.connect();
const TOKENS = Math.ceil((CONCURRENCY * SECONDS * RUNS * 2500) / 64) + 20_000;
await db.query(
  `INSERT INTO captcha_sessions (token, app_key, captcha_type, answer, secret_key_sealed, state, expires_at, verification_hash, verification_expires_at, fingerprint, client_ip)
   SELECT 'bench-' || n, $1, 'blockPuzzle', '{"x":1,"y":1}', 'unused', 'passed', now() + interval '1 hour',
          encode(sha256(convert_to('bench-' || n || '---{"x":1,"y":1}', 'UTF8')), 'hex'), now() + interval '1 hour', 'bench', '127.0.0.1'
     FROM generate_series(1, $2) AS n`,
  [appKey, TOKENS],
);

// A light HTTP client (keep-alive sockets, no fetch machinery): the load generator shares the 2 cores.
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function post(path, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: PORT,
        method: 'POST',
        path,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        agent,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let nextToken = 0;
let nextMobile = 0;
async function runOnce(seconds, { paused = false } = {}) {
  // Paused: the sms worker is stopped (SIGSTOP) while sends are accepted, so the run measures the
  // accept path alone; its commands wait in RabbitMQ and are drained once it continues.
  if (paused) children[1].kill('SIGSTOP');
  const accepted = new Map(); // mobile → ms when the 200 arrived
  const latencies = [];
  const refusals = {};
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const n = ++nextToken;
        const mobile = String(13_000_000_000 + ++nextMobile);
        const t = performance.now();
        const response = await post(
          '/api/v2/sdk/sms/send',
          {
            'content-type': 'application/json;charset=utf8',
            'x-operating-sys-version': 'bench',
            'x-agent': 'bench',
            'x-client-id': appKey,
            'x-device-fingerprint': `device-${n}`,
            'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
          },
          JSON.stringify({ mobile, type: 'LOGIN_SMS', captcha_token: `bench-${n}---{"x":1,"y":1}` }),
        );
        const body = response.body;
        if (response.status === 200) {
          accepted.set(mobile, Date.now());
          latencies.push(performance.now() - t);
        } else {
          refusals[body.error_code] = (refusals[body.error_code] ?? 0) + 1;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const resumedAt = Date.now();
  if (paused) children[1].kill('SIGCONT');
  // Wait until the SMS centre has every accepted message, then ask it when each arrived.
  let report;
  for (let i = 0; i < 600; i++) {
    smscProcess.send('report');
    report = await nextMessage();
    if ([...accepted.keys()].every((mobile) => report.firstAt[mobile] !== undefined)) break;
    await sleep(100);
  }
  const arrivals = [...accepted.keys()].map((mobile) => report.firstAt[mobile]).filter((at) => at !== undefined);
  const drainRate = paused && arrivals.length ? arrivals.length / ((Math.max(...arrivals) - resumedAt) / 1000) : NaN;
  const toSmsc = [...accepted]
    .filter(([mobile]) => report.firstAt[mobile] !== undefined)
    .map(([mobile, at]) => report.firstAt[mobile] - at)
    .sort((a, b) => a - b);
  latencies.sort((a, b) => a - b);
  return {
    rate: accepted.size / elapsed,
    accepted: accepted.size,
    reached: toSmsc.length,
    refusals,
    drainRate,
    httpP50: quantile(latencies, 0.5),
    httpP99: quantile(latencies, 0.99),
    smscP50: quantile(toSmsc, 0.5),
    smscP99: quantile(toSmsc, 0.99),
    smscMax: toSmsc.at(-1),
  };
}

await runOnce(2); // warm-up
const runs = [];
for (let r = 0; r < RUNS; r++) {
  const result = await runOnce(SECONDS);
  runs.push(result);
  console.log(
    `run ${r + 1}: ${result.rate.toFixed(0)}/s accepted (${result.accepted}), all at the SMSC: ${result.reached === result.accepted}; HTTP p50 ${result.httpP50.toFixed(1)} ms p99 ${result.httpP99.toFixed(1)} ms; acceptance → submit_sm p50 ${result.smscP50} ms p99 ${result.smscP99} ms max ${result.smscMax} ms; refusals ${JSON.stringify(result.refusals)}`,
  );
}
const [{ count: notDelivered }] = (
  await db.query(`SELECT count(*)::int AS count FROM sms_messages WHERE status <> 'delivered'`)
).rows;
const [{ count: total }] = (await db.query(`SELECT count(*)::int AS count FROM sms_messages`)).rows;
await db.end();

const acceptOnly = await runOnce(SECONDS, { paused: true });
console.log(
  `accept path alone: ${acceptOnly.rate.toFixed(0)}/s accepted; HTTP p50 ${acceptOnly.httpP50.toFixed(1)} ms p99 ${acceptOnly.httpP99.toFixed(1)} ms; then drained to the SMSC at ${acceptOnly.drainRate.toFixed(0)}/s`,
);

const f = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const report = `<!-- bench:sms start -->
## SMS sends (\`npm run bench:sms\`)

Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on this machine (${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}):
gateway and one sms worker as separate processes, PostgreSQL and RabbitMQ local, a real SMPP
server on loopback (TestSmsc in its own process, delivery receipts ${RECEIPTS ? 'on' : 'off (BENCH_RECEIPTS=1 turns them on)'}). ${CONCURRENCY} clients, ${RUNS} runs of ${SECONDS} s
after a 2 s warm-up; each send to a new mobile from its own device and IP, with a captcha
credential made beforehand.

| run | accepted/s | HTTP p50 / p99 (ms) | acceptance → submit_sm p50 / p99 / max (ms) | refused |
|---|---|---|---|---|
${runs.map((r, i) => `| ${i + 1} | ${f(r.rate)} | ${f(r.httpP50, 1)} / ${f(r.httpP99, 1)} | ${f(r.smscP50)} / ${f(r.smscP99)} / ${f(r.smscMax)} | ${Object.keys(r.refusals).length ? JSON.stringify(r.refusals) : 0} |`).join('\n')}

Median of the runs: **${f(median(runs.map((r) => r.rate)))} accepted/s** (goal ≥ 1,000), acceptance → submit_sm
p99 **${f(median(runs.map((r) => r.smscP99)))} ms** (goal < 200 ms).

The accept path alone (the sms worker stopped with SIGSTOP for one more run of ${SECONDS} s, its commands
waiting in RabbitMQ): **${f(acceptOnly.rate)} accepted/s**, HTTP p50 ${f(acceptOnly.httpP50, 1)} ms, p99 ${f(acceptOnly.httpP99, 1)} ms
(refused: ${Object.keys(acceptOnly.refusals).length ? JSON.stringify(acceptOnly.refusals) : 0}); once it continued, the worker
drained the ${acceptOnly.accepted} waiting messages to the SMS centre at ${f(acceptOnly.drainRate)}/s.

Where the time goes (by hand, 2026-11-29, with pg_stat_statements and the gateway's CPU profile):
PostgreSQL takes over half of the machine's two cores at these rates; the gateway's profile shows
most of its time in \`writev\` to PostgreSQL, i.e. descheduled while database backends run. Per
send the database runs three transactions (accept, the worker's claim — which does not wait for
the disk — and the record of the submission), each with its outbox row and indexes; the accept
statement itself costs under 1 ms on an idle database. The accept path and the worker each reach
roughly 600 and 800–1,000 per second on their own, and share the cores with RabbitMQ, the SMS
centre and the load generator when both run: the ≥ 1,000/s end-to-end goal is not met on this
machine. Changes that helped (224 → ~350/s end to end): HOT updates (fillfactor 60), the
asynchronous claim, no notification rows for apps without an SMS status URL, a keep-alive
load generator instead of fetch. Every accepted message reached the SMS centre:
${runs.every((r) => r.reached === r.accepted) ? 'yes' : 'NO'}${
  RECEIPTS
    ? `; after the runs ${total - notDelivered} of ${total} messages were \`delivered\` by receipt
(${notDelivered} not yet when counted)`
    : ''
}.
<!-- bench:sms end -->`;
console.log(report);

const path = join(root, 'docs/benchmarks.md');
const previous = readFileSync(path, 'utf8');
const start = previous.indexOf('<!-- bench:sms start -->');
const finish = previous.indexOf('<!-- bench:sms end -->');
const next =
  start >= 0 && finish > start
    ? previous.slice(0, start) + report + previous.slice(finish + '<!-- bench:sms end -->'.length)
    : `${previous.trimEnd()}\n\n${report}\n`;
writeFileSync(path, next);
smscProcess.send('stop');
process.exit(0);
