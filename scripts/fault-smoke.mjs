#!/usr/bin/env node
// Manual fault smoke test (not run by CI; issue "part 6" turns it into \`npm run test:faults\`).
// Builds nothing: run \`npm run build\` first. Starts gateway, voice and notifier as processes
// (namespace "ft", database verigate_ft), drives 300 calls at ~25/s with status and fee webhooks
// to a local receiver, injects one fault after 3 s, waits, then checks PostgreSQL and what the
// receiver got: every accepted call ended, with exactly one CDR; webhooks complete and in order.
//   FAULT=rabbit      rabbitmqctl stop_app, 6 s, start_app (default)
//   FAULT=voice-kill  SIGKILL the voice worker, start a new one 2 s later
//   FAULT=pg          stop PostgreSQL (fast), 4 s, start it
// It stops and restarts the machine's own RabbitMQ / PostgreSQL: do not run it beside other tests.
import { spawn, execSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const DB = 'verigate_ft';
const env = { ...process.env, DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${DB}`, VERIGATE_AMQP_NAMESPACE: 'ft', PORT: '3950', LOG_LEVEL: 'warn',
  VERIGATE_WEBHOOK_ALLOW_PRIVATE: 'true', VERIGATE_SIM_RING_MS: '300', VERIGATE_SIM_PROMPT_MS: '500', VERIGATE_WEBHOOK_RETRY_SCHEDULE: '200ms,500ms,1s,2s,5s' };
const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' }); await admin.connect(); await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`); await admin.end();
const kids = [['gateway'], ['voice', 3953], ['notifier', 3954]].map(([n, hp]) => spawn(process.execPath, [`dist/apps/${n}/src/main.js`], { env: { ...env, ...(hp ? { VERIGATE_HEALTH_PORT: String(hp) } : {}) }, stdio: ['ignore', 'inherit', 'inherit'] }));
process.on('exit', () => {
  kids.forEach((k) => k.kill('SIGKILL'));
  // Whatever happened, leave the machine's services running.
  try { execSync('rabbitmqctl -q start_app', { stdio: 'ignore' }); } catch { /* already running */ }
  try { execSync(`pg_ctlcluster --skip-systemctl-redirect ${execSync('ls /etc/postgresql').toString().trim()} main start`, { stdio: 'ignore' }); } catch { /* already running */ }
});
const got = new Map();
const rx = http.createServer((req, res) => { let d = ''; req.on('data', (c) => (d += c)); req.on('end', () => { const b = JSON.parse(d); const sid = b.statusInfo?.sessionId ?? b.feeLst?.[0]?.sessionId; if (!got.has(sid)) got.set(sid, []); got.get(sid).push(b.eventType); res.writeHead(200).end(); }); }).listen(8097, '127.0.0.1');
async function req(method, path, headers, body) { const r = await fetch(`http://127.0.0.1:3950${path}`, { method, headers, body }); return { status: r.status, text: await r.text() }; }
for (let i = 0; i < 60; i++) { try { if ((await req('GET', '/health')).status === 200) break; } catch {} await sleep(500); }
await sleep(1500);
const H = { authorization: 'Bearer dev-admin-token', 'content-type': 'application/json' };
const app = JSON.parse((await req('POST', '/admin/v1/apps', H, JSON.stringify({ name: 'ft' }))).text);
await req('POST', `/admin/v1/apps/${app.appKey}/numbers`, H, JSON.stringify({ number: '+8675528000088' }));
execSync('node examples/make-tone.mjs /tmp/ft/t.wav');
await fetch(`http://127.0.0.1:3950/admin/v1/apps/${app.appKey}/tones?name=welcome.wav`, { method: 'POST', headers: { ...H, 'content-type': 'audio/wav' }, body: (await import('node:fs')).readFileSync('/tmp/ft/t.wav') });
await req('POST', `/admin/v1/apps/${app.appKey}/tones/welcome.wav/approve`, H);
const url = (p) => Buffer.from(`http://127.0.0.1:8097${p}`).toString('base64');
const accepted = []; let refused = 0;
const t0 = Date.now();
let restarted = false;
for (let i = 0; i < 300; i++) {
  if (!restarted && Date.now() - t0 > 3000) {
    restarted = true;
    if (process.env.FAULT === 'pg') {
      (async () => { console.log('restarting PostgreSQL'); execSync(`pg_ctlcluster --skip-systemctl-redirect ${execSync('ls /etc/postgresql').toString().trim()} main stop -m fast`); await sleep(4000); execSync(`pg_ctlcluster --skip-systemctl-redirect ${execSync('ls /etc/postgresql').toString().trim()} main start`); console.log('PostgreSQL started'); })();
    } else if (process.env.FAULT === 'voice-kill') {
      (async () => { console.log('SIGKILL voice'); kids[1].kill('SIGKILL'); await sleep(2000);
        kids[1] = spawn(process.execPath, ['dist/apps/voice/src/main.js'], { env: { ...env, VERIGATE_HEALTH_PORT: '3953' }, stdio: ['ignore', 'inherit', 'inherit'] }); console.log('voice restarted'); })();
    } else {
      (async () => { console.log('stopping RabbitMQ'); execSync('rabbitmqctl -q stop_app'); await sleep(6000); execSync('rabbitmqctl -q start_app'); console.log('RabbitMQ started'); })();
    }
  }
  const nonce = randomBytes(12).toString('hex'); const created = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const digest = createHmac('sha256', app.appSecret).update(nonce + created).digest('base64');
  try {
    const r = await req('POST', '/rest/httpsessions/callVerify/v1.0', { 'content-type': 'application/json;charset=UTF-8', authorization: 'AKSK realm="SDP",profile="UsernameToken",type="Appkey"', 'x-aksk': `UsernameToken Username="${app.appKey}",PasswordDigest="${digest}",Nonce="${nonce}",Created="${created}"` },
      JSON.stringify({ displayNbr: '+8675528000088', calleeNbr: `+8613800${String(i).padStart(5, '0')}`, languageType: 2, preTone: 'welcome.wav', verifyCode: '123456', times: 1, statusUrl: url('/s'), feeUrl: url('/f') }));
    const b = JSON.parse(r.text); if (b.resultcode === '0') accepted.push(b.sessionId); else refused++;
  } catch { refused++; }
  await sleep(40);
}
console.log('accepted', accepted.length, 'refused', refused);
const db = new pg.Client({ connectionString: env.DATABASE_URL }); await db.connect();
for (let i = 0; i < 160; i++) {
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM call_sessions WHERE state = 'ended'`);
  const done = [...got.values()].filter((v) => v.includes('fee') && v.includes('disconnect')).length;
  if (rows[0].n === accepted.length && done === accepted.length) break;
  await sleep(500);
}
const { rows: sess } = await db.query(`SELECT s.id, s.state, s.state_code, (SELECT array_agg(e.event_type ORDER BY e.seq) FROM call_events e WHERE e.session_id = s.id) AS events, (SELECT count(*)::int FROM cdrs c WHERE c.session_id = s.id) AS cdrs FROM call_sessions s`);
const bad = sess.filter((s) => s.state !== 'ended' || s.cdrs !== 1 || s.events.at(-1) !== 'disconnect' || s.events[0] !== 'callout' && s.events.length > 1);
let dupOrOut = 0, missing = 0;
const byId = new Map(sess.map((s) => [s.id, s]));
for (const sid of accepted) { const ev = (got.get(sid) ?? []); const st = ev.filter((e) => e !== 'fee'); const fees = ev.filter((e) => e === 'fee').length; const want = byId.get(sid)?.events ?? []; if (JSON.stringify(st) !== JSON.stringify(want) || fees !== 1) { if (st.length < want.length || fees < 1) missing++; else { dupOrOut++; if (dupOrOut <= 3) console.log('got', ev, 'stored', want); } } }
const codes = {}; for (const s of sess) codes[s.state_code] = (codes[s.state_code] ?? 0) + 1;
console.log({ sessions: sess.length, notEndedOrWrong: bad.length, webhookMissing: missing, webhookDuplicateOrOutOfOrder: dupOrOut, stateCodes: codes });
await db.end(); rx.close(); kids.forEach((k) => k.kill('SIGTERM')); await sleep(1500); process.exit(0);
