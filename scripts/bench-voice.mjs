#!/usr/bin/env node
// npm run bench:voice — measures, on this machine, with every app running as its own process
// against the local PostgreSQL and RabbitMQ:
//   A. callVerify requests accepted per second (signed AKSK requests, keep-alive, fixed concurrency)
//      and their latency;
//   B. at a steady 200 calls/s, the latency from a call event's commit (call_events.created_at)
//      to its arrival at statusUrl.
// Results go to docs/benchmarks.md (and stdout). Durations: BENCH_SECONDS (default 20).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { appCpuSeconds, cpuPerCall } from './bench/proc-cpu.mjs';
import { createVoiceClient } from './bench/voice-client.mjs';
import { countEnded, waitVoiceIdle } from './bench/voice-db.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const RATES = (process.env.BENCH_RATES ?? '50,200').split(',').map(Number);
const PORT = 3900;
const DB = 'verigate_bench';
const baseDb = 'postgres://postgres@127.0.0.1:5432';
const env = {
  ...process.env,
  DATABASE_URL: `${baseDb}/${DB}`,
  VERIGATE_AMQP_NAMESPACE: 'bench',
  PORT: String(PORT),
  LOG_LEVEL: 'warn',
  VERIGATE_WEBHOOK_ALLOW_PRIVATE: 'true',
  VERIGATE_SIM_RING_MS: '0',
  VERIGATE_SIM_PROMPT_MS: '0',
  VERIGATE_VOICE_PORTS: '500',
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted, q) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
const fmt = (n) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');

async function resetDatabase() {
  const admin = new pg.Client({ connectionString: `${baseDb}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.end();
}

const children = [];

const cpuSeconds = () => appCpuSeconds(children);

function startApps() {
  const apps = [['gateway'], ['captcha', 3921], ['sms', 3922], ['voice', 3923], ['notifier', 3924]];
  for (const [name, healthPort] of apps) {
    const child = spawn(process.execPath, [join(root, 'dist/apps', name, 'src/main.js')], {
      env: { ...env, ...(healthPort ? { VERIGATE_HEALTH_PORT: String(healthPort) } : {}) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.appName = name;
    children.push(child);
  }
}
/** SIGSTOP / SIGCONT the workers: measures the accept path alone while commands queue up durably. */
function pauseWorkers(paused) {
  for (const child of children) if (child.appName !== 'gateway') child.kill(paused ? 'SIGSTOP' : 'SIGCONT');
}

const waitIdle = (timeoutMs) => waitVoiceIdle(env.DATABASE_URL, timeoutMs);

function stopApps() {
  for (const child of children) child.kill('SIGTERM');
}
process.on('exit', stopApps);

const { waitHealthy, createApp, callVerify } = createVoiceClient(PORT);

async function phaseThroughput(app) {
  const latencies = [];
  let accepted = 0,
    refused = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const r = await callVerify(app);
        if (r.status === 200 && r.body.includes('"resultcode":"0"')) {
          accepted++;
          latencies.push(r.ms);
        } else refused++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    acceptedPerSecond: accepted / elapsed,
    accepted,
    refused,
    median: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
  };
}

async function phaseEventLatency(app, RATE) {
  const arrivals = new Map(); // `${sessionId}/${eventType}` → epoch ms
  const receiver = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const now = Date.now();
      try {
        const b = JSON.parse(data);
        arrivals.set(`${b.statusInfo.sessionId}/${b.eventType}`, now);
      } catch {
        /* ignore */
      }
      res.writeHead(200).end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const statusUrl = Buffer.from(`http://127.0.0.1:${receiver.address().port}/status`).toString('base64');
  const sessions = [];
  const total = RATE * SECONDS;
  const t0 = performance.now();
  const inflight = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    inflight.push(
      callVerify(app, statusUrl).then((r) => {
        if (r.status === 200) sessions.push(JSON.parse(r.body).sessionId);
      }),
    );
  }
  await Promise.all(inflight);
  const achievedRate = total / ((performance.now() - t0) / 1000);
  const expected = sessions.length * 4;
  for (let i = 0; i < 60 && arrivals.size < expected; i++) await sleep(500);
  receiver.close();
  const client = new pg.Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  const { rows } = await client.query(
    `SELECT session_id, event_type, (extract(epoch from created_at) * 1000)::float8 AS at FROM call_events WHERE session_id = ANY($1)`,
    [sessions],
  );
  await client.end();
  const lags = [];
  for (const row of rows) {
    const arrived = arrivals.get(`${row.session_id}/${row.event_type}`);
    if (arrived !== undefined) lags.push(arrived - row.at);
  }
  lags.sort((a, b) => a - b);
  return {
    calls: sessions.length,
    achievedRate,
    events: rows.length,
    delivered: arrivals.size,
    median: quantile(lags, 0.5),
    p99: quantile(lags, 0.99),
  };
}

await resetDatabase();
startApps();
try {
  await waitHealthy();
  await sleep(1500); // let the workers bind their queues
  const app = await createApp();
  for (let i = 0; i < 200; i++) await callVerify(app); // warm-up
  // A1: the accept path alone (workers paused; the commands wait in RabbitMQ).
  const db = new pg.Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  const a1Start = new Date();
  // Paused workers stop heartbeating and their calls stay in progress, so without help the
  // gateway would soon answer 1020154 (no free voice ports), as it should. A1 measures the
  // accept path itself: a capacity row stands in for the paused workers' ports meanwhile.
  await db.query(
    `INSERT INTO voice_workers (id, host_name, ports, heartbeat_at) VALUES ('bench-capacity', 'bench', 1000000, now() + interval '1 hour')`,
  );
  pauseWorkers(true);
  const a1 = await phaseThroughput(app);
  await db.query(`DELETE FROM voice_workers WHERE id = 'bench-capacity'`);
  console.log('A1', a1);
  // A2: the backlog drained by the workers: calls placed and recorded end to end per second.
  const drainStart = performance.now();
  pauseWorkers(false);
  let ended = 0;
  for (let i = 0; i < 600 && ended < a1.accepted; i++) {
    await sleep(250);
    ended = await countEnded(db, a1Start);
  }
  const drain = { calls: ended, perSecond: ended / ((performance.now() - drainStart) / 1000) };
  console.log('A2', drain);
  await db.end();
  await waitIdle();
  // A3: accept with every app live (each accepted call is also placed, recorded and published).
  const cpuA0 = cpuSeconds();
  const a = await phaseThroughput(app);
  await waitIdle(); // the CPU of placing and recording these calls belongs to this phase
  a.cpu = cpuPerCall(cpuA0, cpuSeconds(), a.accepted);
  console.log('A', a);
  await sleep(3000);
  const bs = [];
  for (const rate of RATES) {
    await waitIdle();
    await sleep(1000);
    const cpuB0 = cpuSeconds();
    const b = await phaseEventLatency(app, rate);
    b.rate = rate;
    b.cpu = cpuPerCall(cpuB0, cpuSeconds(), b.calls);
    console.log('B', b);
    bs.push(b);
  }
  const commit = (() => {
    try {
      return readFileSync(join(root, '.git/HEAD'), 'utf8').trim();
    } catch {
      return '?';
    }
  })();
  const report = `# Benchmarks

Reproduce: \`npm run bench:voice\` (builds, starts the five apps as separate processes against the local
PostgreSQL and RabbitMQ, sim carrier with zero ring/prompt time, \`LOG_LEVEL=warn\`, writes this file).
Knobs: \`BENCH_SECONDS\` (${SECONDS}), \`BENCH_CONCURRENCY\` (${CONCURRENCY}), \`BENCH_RATES\` (${RATES.join(',')}).
The load generator runs on the same ${cpus().length}-core machine as every app, PostgreSQL and RabbitMQ, so all
figures include its own CPU use. Machines here are noisy: run it twice and compare medians.

Last run: ${new Date().toISOString()} (${commit}).

## A. callVerify accepted per second

| run | concurrency | accepted/s | accepted | refused | latency median (ms) | latency p99 (ms) |
|---|---|---|---|---|---|---|
| A1 accept path (workers paused, commands queue in RabbitMQ) | ${CONCURRENCY} | ${fmt(a1.acceptedPerSecond)} | ${a1.accepted} | ${a1.refused} | ${fmt(a1.median)} | ${fmt(a1.p99)} |
| A3 all apps live (each call also placed and recorded) | ${CONCURRENCY} | ${fmt(a.acceptedPerSecond)} | ${a.accepted} | ${a.refused} | ${fmt(a.median)} | ${fmt(a.p99)} |

A2: the ${drain.calls} calls queued during A1 were then placed and recorded (callout → disconnect, CDR)
at ${fmt(drain.perSecond)} calls/s once the workers resumed.

A1 runs with a capacity row standing in for the paused workers' voice ports; without it the
gateway answers 1020154 once the queued calls fill the ports. A3's refusals, if any, are 1020154:
with every app live, calls are accepted faster than one voice worker (VERIGATE_VOICE_PORTS=500,
sim carrier) places them; the backlog fills its ports and the gateway refuses further calls,
the seed's back-pressure ("insufficient voice ports, retry later") instead of a growing queue.
Near exhaustion (fewer than VERIGATE_EXACT_PORT_CHECK_BELOW idle ports) acceptances also
serialise on the exact platform port check, so A3 is lower than it was before port limits were
enforced (then 475/s with no refusals, the surplus queueing in RabbitMQ without bound; two runs
now: 219 and 223/s with 242 and 162 refusals). A1, the accept path itself, is unaffected:
1414 and 1598/s (p99 51 and 46 ms) in two runs, against 1005/s (p99 78 ms) before.

Goal: ≥ 1,000 accepted/s with p99 < 50 ms.

CPU milliseconds per accepted call, each call also placed (sim) and its events and CDR published
and consumed: ${a.cpu}.

## B. Call event → statusUrl latency at a steady call rate

From the commit of a \`call_events\` row (its \`created_at\`, clock_timestamp) to the arrival of the
notification at a local receiver (same machine clock). Each call produces 4 status events and 1 CDR.

| target calls/s | calls | achieved calls/s | events stored | events delivered | median (ms) | p99 (ms) |
|---|---|---|---|---|---|---|
${bs.map((b) => `| ${b.rate} | ${b.calls} | ${fmt(b.achievedRate)} | ${b.events} | ${b.delivered} | ${fmt(b.median)} | ${fmt(b.p99)} |`).join('\n')}

Goal: p99 < 50 ms at 200 calls/s.

CPU milliseconds per call (placed, 4 events + 1 CDR stored, published, delivered):
${bs.map((b) => `- at ${b.rate} calls/s: ${b.cpu}`).join('\n')}

## Reading the figures

- The accept path alone (A1) is one prepared PostgreSQL statement per request (nonce, session and
  outbox row together) plus an asynchronous confirmed publish; it is bounded by the 2 cores that
  it shares with PostgreSQL, RabbitMQ and the load generator.
- End to end (A2, A3, B) every call costs, in CPU, roughly: the gateway's accept, five
  statements in the voice worker, six confirmed publishes and consumptions in RabbitMQ (command,
  four status events, one CDR), and per webhook an insert, a lease, an HTTP request and an attempt
  record in the notifier. PostgreSQL and RabbitMQ take most of it (see the CPU lines): the
  machine runs out of CPU at a few hundred calls per second end to end (A2, A3), well below the
  accept path alone (A1).
- Event delivery: unloaded, an event reaches its receiver about 10–40 ms after its commit. Under
  steady load the p99 is several hundred milliseconds even at 50 calls/s. A breakdown at 50
  calls/s (500 calls, p50/p99 in ms, first attempts; one run):

  | sim timing | event | commit → delivery row | row → sent | commit → arrival |
  |---|---|---|---|---|
  | ring 0, prompt 0 | callout | 11 / 120 | 12 / 101 | 28 / 217 |
  | ring 0, prompt 0 | alerting | 12 / 126 | 22 / 286 | 37 / 378 |
  | ring 0, prompt 0 | answer | 12 / 146 | 31 / 341 | 46 / 423 |
  | ring 0, prompt 0 | disconnect | 11 / 126 | 40 / 374 | 55 / 485 |
  | ring 300 ms, prompt 300 ms | callout | 18 / 90 | 16 / 65 | 41 / 145 |
  | ring 300 ms, prompt 300 ms | alerting | 17 / 81 | 28 / 137 | 53 / 188 |
  | ring 300 ms, prompt 300 ms | answer | 12 / 79 | 12 / 50 | 29 / 141 |
  | ring 300 ms, prompt 300 ms | disconnect | 15 / 81 | 14 / 75 | 37 / 148 |

  Two causes: (1) with zero ring and prompt time (the benchmark's setting) a session's four events
  are committed within milliseconds and each waits for the previous one's delivery (the order
  guarantee), so the wait compounds along the chain; with events spaced as in real calls that
  part disappears except for \`alerting\`, which follows \`callout\` at once. (2) Both stages (broker
  → consumer insert, and claim → send) have a tail of ~50–150 ms at p99 on this 2-core VM shared
  by a dozen processes; their medians are 10–20 ms. Reaching p99 < 50 ms needs less work per
  event (fewer statements and messages per webhook) or more cores.
- The ordering guarantee costs latency: a session's event is sent only after the previous one was
  acknowledged, so \`alerting\` waits for \`callout\`'s round trip to the receiver.
- Goals not met on this machine are not hidden: see the Goal lines against the tables.
`;
  // Sections below the marker (other benchmarks, measured by tests or by hand) are kept as they are.
  const MARKER = '<!-- end of bench:voice; sections below are kept when it rewrites this file -->';
  let kept = '';
  try {
    const previous = readFileSync(join(root, 'docs/benchmarks.md'), 'utf8');
    const at = previous.indexOf(MARKER);
    if (at >= 0) kept = previous.slice(at + MARKER.length);
  } catch {
    /* first run */
  }
  writeFileSync(join(root, 'docs/benchmarks.md'), `${report}\n${MARKER}${kept}`);
  console.log(report);
} finally {
  stopApps();
  await sleep(2000);
}
process.exit(0);
