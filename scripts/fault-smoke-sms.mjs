#!/usr/bin/env node
// Manual fault smoke test of SMS sends (not run by CI; issue "part 6" turns these into
// `npm run test:faults`). Run `npm run build` first. Starts the gateway, an sms worker and the
// notifier as processes (namespace "ftsms", database verigate_ftsms), a real SMPP server on
// loopback (TestSmsc, answering every submit_sm and sending a DELIVRD receipt) and a webhook
// receiver for the app's SMS status URL; drives 300 sends at ~30/s (captcha credentials made
// beforehand), injects one fault after 3 s, then checks every accepted send is stored, and for
// every stored send (also one whose answer the client lost): exactly one accepted submit_sm at the
// SMS centre, status `delivered`, and the notifications `submitted`, `delivered` once each, in order.
//   FAULT=rabbit     rabbitmqctl stop_app, 6 s, start_app (default)
//   FAULT=sms-kill   SIGKILL the sms worker, start a new one 2 s later
//   FAULT=pg         stop PostgreSQL (fast), 4 s, start it
//   FAULT=smsc-drop  the SMS centre drops every connection (an SMSC restart)
// It stops and restarts the machine's own RabbitMQ / PostgreSQL: do not run it beside other tests.
import { execSync, spawn } from 'node:child_process';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { TestSmsc } = await import(pathToFileURL(join(root, 'dist/libs/testing/src/smsc.js')).href);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const FAULT = process.env.FAULT ?? 'rabbit';
const SENDS = 300;
const DB = 'verigate_ftsms';
const pgCluster = () => execSync('ls /etc/postgresql').toString().trim();

const smsc = new TestSmsc({ systemId: 'ft', password: 'ft', autoReceipt: 'DELIVRD' });
const smscPort = await smsc.start();
const env = {
  ...process.env, DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${DB}`, VERIGATE_AMQP_NAMESPACE: 'ftsms', PORT: '3970', LOG_LEVEL: 'warn',
  VERIGATE_WEBHOOK_ALLOW_PRIVATE: 'true', VERIGATE_WEBHOOK_RETRY_SCHEDULE: '200ms,500ms,1s,2s,5s', VERIGATE_TRUSTED_PROXIES: '127.0.0.1',
  VERIGATE_SMS_PROVIDER: 'smpp', VERIGATE_SMPP_URL: `smpp://ft:ft@127.0.0.1:${smscPort}`,
};
const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
await admin.connect(); await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`); await admin.end();
const start = (name, healthPort) => spawn(process.execPath, [join(root, `dist/apps/${name}/src/main.js`)], { env: { ...env, VERIGATE_HEALTH_PORT: String(healthPort) }, stdio: ['ignore', 'inherit', 'inherit'] });
const kids = { gateway: start('gateway', 3971), sms: start('sms', 3972), notifier: start('notifier', 3973) };
process.on('exit', () => {
  for (const kid of Object.values(kids)) kid.kill('SIGKILL');
  // Whatever happened, leave the machine's services running.
  try { execSync('rabbitmqctl -q start_app', { stdio: 'ignore' }); } catch { /* already running */ }
  try { execSync(`pg_ctlcluster --skip-systemctl-redirect ${pgCluster()} main start`, { stdio: 'ignore' }); } catch { /* already running */ }
});

const notified = new Map(); // messageId → statuses, in arrival order
const receiver = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const info = JSON.parse(body).statusInfo;
    if (!notified.has(info.messageId)) notified.set(info.messageId, []);
    notified.get(info.messageId).push(info.status);
    res.writeHead(200).end();
  });
}).listen(8098, '127.0.0.1');

for (let i = 0; ; i++) {
  try { if ((await fetch('http://127.0.0.1:3970/health')).ok && (await fetch('http://127.0.0.1:3972/health')).ok) break; } catch { /* not yet */ }
  if (i > 120) throw new Error('gateway or sms worker did not become healthy');
  await sleep(500);
}
const H = { authorization: 'Bearer dev-admin-token', 'content-type': 'application/json' };
const created = await (await fetch('http://127.0.0.1:3970/admin/v1/apps', { method: 'POST', headers: H,
  body: JSON.stringify({ name: 'ft', signature: 'FT', permissions: ['captcha', 'sms'], smsStatusUrl: 'http://127.0.0.1:8098/sms', limits: { smsPerIpPerHour: 100000, smsPerDevicePerHour: 100000 } }) })).json();
const db = new pg.Client({ connectionString: env.DATABASE_URL });
await db.connect();
await db.query(
  `INSERT INTO captcha_sessions (token, app_key, captcha_type, answer, secret_key_sealed, state, expires_at, verification_hash, verification_expires_at, fingerprint, client_ip)
   SELECT 'ft-' || n, $1, 'blockPuzzle', '{"x":1,"y":1}', 'unused', 'passed', now() + interval '1 hour',
          encode(sha256(convert_to('ft-' || n || '---{"x":1,"y":1}', 'UTF8')), 'hex'), now() + interval '1 hour', 'ft', '127.0.0.1'
     FROM generate_series(1, $2) AS n`, [created.appKey, SENDS]);
await db.end();

async function injectFault() {
  if (FAULT === 'pg') {
    console.log('stopping PostgreSQL'); execSync(`pg_ctlcluster --skip-systemctl-redirect ${pgCluster()} main stop -m fast`);
    await sleep(4000); execSync(`pg_ctlcluster --skip-systemctl-redirect ${pgCluster()} main start`); console.log('PostgreSQL started');
  } else if (FAULT === 'sms-kill') {
    console.log('SIGKILL sms worker'); kids.sms.kill('SIGKILL'); await sleep(2000); kids.sms = start('sms', 3972); console.log('sms worker restarted');
  } else if (FAULT === 'smsc-drop') {
    console.log('SMSC drops its connections'); smsc.dropConnections();
  } else {
    console.log('stopping RabbitMQ'); execSync('rabbitmqctl -q stop_app'); await sleep(6000); execSync('rabbitmqctl -q start_app'); console.log('RabbitMQ started');
  }
}

const accepted = new Map(); // messageId → mobile
const refused = {};
const t0 = Date.now();
let fault;
for (let i = 1; i <= SENDS; i++) {
  if (!fault && Date.now() - t0 > 3000) fault = injectFault();
  const mobile = String(13_900_000_000 + i);
  try {
    const response = await fetch('http://127.0.0.1:3970/api/v2/sdk/sms/send', { method: 'POST',
      headers: { 'content-type': 'application/json', 'x-operating-sys-version': 'ft', 'x-agent': 'ft', 'x-client-id': created.appKey, 'x-device-fingerprint': `ft-${i}`, 'x-forwarded-for': `10.9.${i >> 8}.${i & 255}` },
      body: JSON.stringify({ mobile, type: 'LOGIN_SMS', captcha_token: `ft-${i}---{"x":1,"y":1}` }) });
    const body = await response.json();
    if (response.status === 200) accepted.set(body.message_id, mobile);
    else refused[body.error_code] = (refused[body.error_code] ?? 0) + 1;
  } catch (error) {
    refused[error.message] = (refused[error.message] ?? 0) + 1;
  }
  await sleep(33);
}
await fault;
console.log('accepted', accepted.size, 'refused', refused);

const check = new pg.Client({ connectionString: env.DATABASE_URL });
for (let i = 0; ; i++) {
  try { await check.connect(); break; } catch { if (i > 60) throw new Error('PostgreSQL did not come back'); await sleep(500); }
}
let rows = [];
for (let i = 0; i < 240; i++) {
  rows = (await check.query(`SELECT id, mobile, status, submit_attempts FROM sms_messages`)).rows;
  const complete = rows.every((r) => (notified.get(r.id) ?? []).includes('delivered'));
  if (rows.length >= accepted.size && rows.every((r) => r.status === 'delivered') && complete) break;
  await sleep(500);
}
// Every stored message counts, also one whose 200 the client never saw (a commit during the
// fault answered with an error): the platform has it, so it must be sent once.
const stored = new Map(rows.map((r) => [r.id, r]));
const submitsTo = new Map();
for (const s of smsc.submits) if (s.status === 0) submitsTo.set(s.destination, (submitsTo.get(s.destination) ?? 0) + 1);
const result = {
  fault: FAULT, accepted: accepted.size, storedButNotAnswered: rows.filter((r) => !accepted.has(r.id)).length,
  acceptedButNotStored: [...accepted.keys()].filter((id) => !stored.has(id)).length,
  lost: 0, sentTwice: 0, notDelivered: 0, notificationsWrong: 0, resubmittedAttempts: 0,
};
for (const row of rows) {
  const submits = submitsTo.get(row.mobile) ?? 0;
  if (submits === 0) result.lost++;
  if (submits > 1) result.sentTwice++;
  if (row.status !== 'delivered') result.notDelivered++;
  if (row.submit_attempts > 1) result.resubmittedAttempts++;
  if (JSON.stringify(notified.get(row.id) ?? []) !== JSON.stringify(['submitted', 'delivered'])) result.notificationsWrong++;
}
console.log(result);
await check.end(); receiver.close(); await smsc.stop();
for (const kid of Object.values(kids)) kid.kill('SIGTERM');
await sleep(1500);
process.exit(0);
