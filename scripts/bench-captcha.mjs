#!/usr/bin/env node
// npm run bench:captcha — on this machine, against the local PostgreSQL and RabbitMQ, with the
// gateway and one captcha worker as separate processes (after `npm run build`). Parts, each run
// BENCH_RUNS times (medians reported):
//   render:  blockPuzzle / clickWord drawn + PNG-encoded per second in this process, one thread
//            (no HTTP, queue or database): the rate of one core;
//   serving: GET /api/v2/sdk/captcha through gateway → RabbitMQ → worker (pre-render pool) →
//            PostgreSQL: p50 with one client, served/s with BENCH_CONCURRENCY clients.
// Results go to docs/benchmarks-captcha.md (and stdout). To add a part, push a function to PARTS:
// it gets the context (base URL, headers, helpers) and returns a Markdown section.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { databaseCpuMs, findRabbitPid, machineCpuMs, processCpuMs } from './bench/proc-cpu.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
/** Cores the captcha worker may use for rendering: its render threads (the main thread serves). */
const WORKER_CORES = Number(process.env.VERIGATE_CAPTCHA_RENDER_THREADS ?? 1);
const PORT = 3950;
const DB = 'verigate_bench_captcha';
const baseDb = 'postgres://postgres@127.0.0.1:5432';
const env = {
  ...process.env,
  DATABASE_URL: `${baseDb}/${DB}`,
  VERIGATE_AMQP_NAMESPACE: 'benchcaptcha',
  PORT: String(PORT),
  LOG_LEVEL: 'warn',
  VERIGATE_CAPTCHA_GET_LIMIT_FP: '1000000',
  VERIGATE_CAPTCHA_GET_LIMIT_IP: '1000000',
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const median = (values) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
const f = (n) => n.toFixed(1);
const images = (name) => import(pathToFileURL(join(root, 'dist/apps/captcha/src/images', name)).href);

const admin = new pg.Client({ connectionString: `${baseDb}/postgres` });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
await admin.end();

const children = [];
for (const [name, healthPort] of [
  ['gateway', 3951],
  ['captcha', 3952],
]) {
  // BENCH_NODE_OPTIONS: extra node flags for both processes, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const nodeFlags = (process.env.BENCH_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeFlags, join(root, 'dist/apps', name, 'src/main.js')], {
    env: { ...env, VERIGATE_HEALTH_PORT: String(healthPort) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
}
const stop = () => {
  for (const c of children) c.kill('SIGTERM');
};
process.on('exit', stop);
process.on('SIGINT', () => process.exit(130));

const base = `http://127.0.0.1:${PORT}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/health`)).status === 200 && (await fetch('http://127.0.0.1:3952/health')).status === 200)
      break;
  } catch {
    /* not yet */
  }
  if (i > 300) throw new Error('gateway or captcha worker did not become healthy');
  await sleep(100);
}
const created = await fetch(`${base}/admin/v1/apps`, {
  method: 'POST',
  headers: { authorization: 'Bearer dev-admin-token', 'content-type': 'application/json' },
  body: JSON.stringify({ name: 'bench', permissions: ['captcha'] }),
});
const { appKey } = await created.json();
const headers = {
  'x-operating-sys-version': 'bench',
  'x-device-fingerprint': 'bench',
  'x-agent': 'bench',
  'x-client-id': appKey,
};
const ctx = { base, headers, appKey, root, SECONDS, RUNS, sleep, quantile, median };

/** Renders per second on this thread (the encoders are synchronous or awaited one at a time). */
async function renderRate(type) {
  const { Backgrounds } = await images('background.js');
  const { drawBlockPuzzle } = await images('block-puzzle.js');
  const { drawClickWord } = await images('click-word.js');
  const backgrounds = new Backgrounds();
  const draw = type === 'clickWord' ? () => drawClickWord(backgrounds, 'zh') : () => drawBlockPuzzle(backgrounds, 1);
  for (let i = 0; i < 20; i++) await draw();
  const times = [];
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const end = started + SECONDS * 1000;
  while (performance.now() < end) {
    const t = performance.now();
    await draw();
    times.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpuBefore);
  times.sort((a, b) => a - b);
  // Per CPU-second of this process: what one core does when it is not shared (the machine is).
  return {
    rate: times.length / ((performance.now() - started) / 1000),
    perCpuSecond: times.length / ((cpu.user + cpu.system) / 1e6),
    p50: quantile(times, 0.5),
  };
}

/** CPU ms of the RabbitMQ node (shared with other work on the machine). */
const rabbitPid = findRabbitPid();
/** Where the CPU of a serving run went: gateway, worker, this load generator, the rest of the machine. */
function cpuSnapshot() {
  const self = process.cpuUsage();
  return {
    gateway: processCpuMs(children[0].pid),
    worker: processCpuMs(children[1].pid),
    workerMain: processCpuMs(children[1].pid, children[1].pid),
    clients: (self.user + self.system) / 1000,
    database: databaseCpuMs(DB),
    rabbitmq: rabbitPid ? processCpuMs(rabbitPid) : 0,
    machine: machineCpuMs(),
  };
}

async function serve(type, concurrency) {
  const url = `${base}/api/v2/sdk/captcha?captchaType=${type}`;
  const latencies = [];
  const images = new Set();
  let errors = 0;
  let repeats = 0;
  const cpuBefore = cpuSnapshot();
  const started = performance.now();
  const end = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        const r = await fetch(url, { headers });
        const body = await r.json();
        if (r.status === 200 && body.token) {
          latencies.push(performance.now() - t);
          const key = body.originalImageBase64.slice(-200) + body.originalImageBase64.length;
          if (images.has(key)) repeats++;
          images.add(key);
        } else errors++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpuAfter = cpuSnapshot();
  const per = (key) => (cpuAfter[key] - cpuBefore[key]) / Math.max(1, latencies.length);
  // CPU ms per served captcha; "rest" is whatever else ran on the machine (other work, the OS).
  const cpu = {
    gateway: per('gateway'),
    worker: per('worker'),
    workerMain: per('workerMain'),
    clients: per('clients'),
    database: per('database'),
    rabbitmq: per('rabbitmq'),
    machine: per('machine'),
  };
  cpu.rest = cpu.machine - cpu.gateway - cpu.worker - cpu.clients - cpu.database - cpu.rabbitmq;
  latencies.sort((a, b) => a - b);
  return {
    rate: latencies.length / elapsed,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    errors,
    repeats,
    cpu,
  };
}

/** The captcha worker's own time on `get` (sum, count) from its metrics: where the latency goes. */
async function workerGetSeconds() {
  const text = await (await fetch('http://127.0.0.1:3952/metrics')).text();
  const read = (name) =>
    Number(
      text.match(
        new RegExp(`^verigate_captcha_rpc_duration_seconds_${name}\\{[^}]*operation="get"[^}]*\\} (\\S+)`, 'm'),
      )?.[1] ?? 0,
    );
  return { sum: read('sum'), count: read('count') };
}

/** The worker's pool back to full between runs (64 blockPuzzles at ~4 ms each, on a shared machine). */
const refill = () => sleep(2000);

async function servingPart() {
  const rows = [];
  for (const type of ['blockPuzzle', 'clickWord']) {
    for (let i = 0; i < 10; i++)
      await (await fetch(`${base}/api/v2/sdk/captcha?captchaType=${type}`, { headers })).json();
    const runs = [];
    for (let run = 0; run < RUNS; run++) {
      const raw = await renderRate(type);
      await refill();
      const before = await workerGetSeconds();
      const one = await serve(type, 1);
      const after = await workerGetSeconds();
      one.workerMs = ((after.sum - before.sum) / Math.max(1, after.count - before.count)) * 1000;
      await refill();
      const many = await serve(type, CONCURRENCY);
      runs.push({ raw, one, many });
      console.log(type, `run ${run + 1}/${RUNS}`, JSON.stringify({ raw, c1: one, [`c${CONCURRENCY}`]: many }));
    }
    const m = (pick) => median(runs.map(pick));
    rows.push({
      type,
      raw: m((r) => r.raw.rate),
      rawCpu: m((r) => r.raw.perCpuSecond),
      rawP50: m((r) => r.raw.p50),
      oneP50: m((r) => r.one.p50),
      oneWorker: m((r) => r.one.workerMs),
      oneP99: m((r) => r.one.p99),
      oneRate: m((r) => r.one.rate),
      manyRate: m((r) => r.many.rate),
      manyP50: m((r) => r.many.p50),
      manyP99: m((r) => r.many.p99),
      ratio: m((r) => r.many.rate / (r.raw.rate * WORKER_CORES)),
      cpu: Object.fromEntries(Object.keys(runs[0].many.cpu).map((key) => [key, m((r) => r.many.cpu[key])])),
      errors: runs.reduce((s, r) => s + r.one.errors + r.many.errors, 0),
      repeats: runs.reduce((s, r) => s + r.one.repeats + r.many.repeats, 0),
      runs,
    });
  }
  const bp = rows[0];
  const goal = (ok) => (ok ? 'met' : '**NOT met**');
  return `## Serving and rendering

| captcha | render on one thread (draw + encode), per s of wall time / per CPU-second | \`get\`, 1 client | \`get\`, ${CONCURRENCY} clients | served / (render × ${WORKER_CORES} core) |
|---|---|---|---|---|
${rows.map((r) => `| ${r.type} | ${f(r.raw)}/s / ${f(r.rawCpu)} per CPU-s (p50 ${f(r.rawP50)} ms) | p50 ${f(r.oneP50)} ms, p99 ${f(r.oneP99)} ms (${f(r.oneRate)}/s; in the worker ${f(r.oneWorker)} ms mean) | ${f(r.manyRate)}/s, p50 ${f(r.manyP50)} ms, p99 ${f(r.manyP99)} ms | ${f(r.ratio * 100)} % |`).join('\n')}

CPU per served captcha at ${CONCURRENCY} clients (ms, medians; from \`/proc\`: the gateway process, the worker process
— its main thread, which answers the RPC, and the rest: render thread and zlib —, this load generator (16 clients
and their JSON parsing), the PostgreSQL backends of the benchmark's database, the RabbitMQ node, and everything
else that ran on the machine meanwhile):

| captcha | gateway | worker: main thread | worker: render + zlib | clients | PostgreSQL | RabbitMQ | other work on the machine | machine total |
|---|---|---|---|---|---|---|---|---|
${rows.map((r) => `| ${r.type} | ${f(r.cpu.gateway)} | ${f(r.cpu.workerMain)} | ${f(r.cpu.worker - r.cpu.workerMain)} | ${f(r.cpu.clients)} | ${f(r.cpu.database)} | ${f(r.cpu.rabbitmq)} | ${f(r.cpu.rest)} | ${f(r.cpu.machine)} |`).join('\n')}

Medians of ${RUNS} runs of ${SECONDS} s each; errors ${rows.reduce((s, r) => s + r.errors, 0)}; images served twice ${rows.reduce((s, r) => s + r.repeats, 0)}.
Per run (blockPuzzle): render ${bp.runs.map((r) => f(r.raw.rate)).join(' / ')} per s (${bp.runs.map((r) => f(r.raw.perCpuSecond)).join(' / ')} per CPU-s); p50 at 1 client ${bp.runs.map((r) => f(r.one.p50)).join(' / ')} ms;
served at ${CONCURRENCY} clients ${bp.runs.map((r) => f(r.many.rate)).join(' / ')} per s (${bp.runs.map((r) => f((r.many.rate / (r.raw.rate * WORKER_CORES)) * 100)).join(' / ')} % of that run's render rate;
other work on the machine ${bp.runs.map((r) => f(r.many.cpu.rest)).join(' / ')} ms per served captcha).

The issue's goals for blockPuzzle: \`get\` p50 with one client < 15 ms — ${goal(bp.oneP50 < 15)} (${f(bp.oneP50)} ms);
rendering ≥ 200 per second on one core — ${goal(bp.rawCpu >= 200)} per CPU-second (${f(bp.rawCpu)}), ${goal(bp.raw >= 200)} in wall time (${f(bp.raw)}/s${bp.raw < 200 ? ': the core was shared' : ''});
served/s with ${CONCURRENCY} clients ≥ 80 % of the render rate × the cores the worker may use (${WORKER_CORES} render
thread${WORKER_CORES === 1 ? '' : 's'}, \`VERIGATE_CAPTCHA_RENDER_THREADS\`; its main thread only serves) — ${goal(bp.ratio >= 0.8)} (${f(bp.ratio * 100)} %).
"render" is this process drawing in a loop on one thread (as the
worker's render thread does; zlib runs on libuv's pool, and per CPU-second counts it). "\`get\`" is the whole path: HTTP → gateway →
RabbitMQ → worker (a pre-rendered captcha from the pool, or a render when the pool is empty) →
the \`get\` counters and the session row (commits that do not wait for the disk) → back; "in the
worker" is the worker's own time per \`get\` (its \`captcha_rpc_duration_seconds\`). With ${CONCURRENCY}
clients the pool (\`VERIGATE_CAPTCHA_POOL_SIZE\`) empties within the first second, so the served rate is
the steady state, on the same ${cpus().length} cores as the gateway, PostgreSQL, RabbitMQ and the ${CONCURRENCY} clients
(each parsing ~50 kB of JSON per captcha). The render thread is not what limits the served rate
there (it renders ≥ 200/s on a core of its own): the served rate is what the machine's cores give
once every process on the path has taken its share; the table above says how much CPU each
takes per captcha. The gateway forwards the worker's JSON as it is (no parse, no re-serialise, no
parse for the metrics), and the worker writes it without scanning the images (\`reply-json.ts\`);
what remains is the render (~5 ms), socket writes of the ~50 kB three times (worker → RabbitMQ →
gateway → client), the load generator, PostgreSQL and RabbitMQ. On this shared machine the ratio
moves with the other work running on it (the "other work" column); ${bp.runs.filter((r) => r.many.rate >= 0.8 * r.raw.rate * WORKER_CORES).length} of ${RUNS} runs met the goal.
`;
}

const PARTS = [servingPart];
const load = loadavg()[0];
const sections = [];
for (const part of PARTS) sections.push(await part(ctx));
stop();

const md = `# Captcha benchmark

Reproduce: \`npm run bench:captcha\` (builds, starts the gateway and one captcha worker as
separate processes against the local PostgreSQL and RabbitMQ, \`LOG_LEVEL=warn\`, writes this file).
Knobs: \`BENCH_SECONDS\` (${SECONDS}), \`BENCH_RUNS\` (${RUNS}), \`BENCH_CONCURRENCY\` (${CONCURRENCY}). Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'};
the load generator, gateway, PostgreSQL and RabbitMQ share it (load average ${load.toFixed(1)} at the start${load > cpus().length ? ': other work was running, figures are pessimistic' : ''}).
Last run: ${new Date().toISOString()}.

${sections.join('\n')}`;
writeFileSync(join(root, 'docs/benchmarks-captcha.md'), md);
console.log(md);
process.exit(0);
