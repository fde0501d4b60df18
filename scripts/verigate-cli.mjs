#!/usr/bin/env node
// Verigate management CLI: the operations of /admin/v1 from a shell.
//   VERIGATE_URL (default http://127.0.0.1:3000), VERIGATE_ADMIN_TOKEN (default: the development token)
//
//   npm run cli -- apps create <name> [--signature S] [--permissions voice,sms] [--sms-status-url URL]
//   npm run cli -- apps list | apps get <appKey> | apps rotate-secret <appKey>
//   npm run cli -- apps webhook-secret <appKey>          (create/rotate the Standard Webhooks secret; shown once)
//   npm run cli -- apps webhook-secret-remove <appKey>   (stop sending the Standard Webhooks headers)
//   npm run cli -- apps set <appKey> [--status normal|suspended|unavailable] [--permissions a,b]
//                                     [--voice-ports N] [--ip-whitelist cidr,cidr] [--stage commercial|test]
//                                     [--enterprise ID|none] [--limits apiPerMinute=60,callsPerDay=1000,calleeCallsPerHour=none]
//                                     [--international +86,+852:callout,callin | none] [--sms-status-url URL|none]
//                                     (--limits also takes the SMS settings: smsCodeLength=6,smsPerMobilePerHour=5,...)
//   npm run cli -- numbers add <appKey> <number> | numbers list <appKey> | numbers set <appKey> <number> <normal|suspended|revoked>
//   npm run cli -- enterprises set <id> <normal|suspended> | enterprises list
//   npm run cli -- ip-rules add blacklist <cidr> | ip-rules add restricted-area <cidr> --area NAME | ip-rules list | ip-rules remove <id>
//   npm run cli -- ip-bans list | ip-bans lift <ip>
//   npm run cli -- tones upload <appKey> <file.wav> [--name name.wav] | tones list <appKey>
//   npm run cli -- tones approve|reject <appKey> <name>
//   npm run cli -- lists add|remove blacklist|whitelist <number> [--app-key K] | lists show [--app-key K]
//   npm run cli -- calls get <sessionId> | cdrs [--app-key K] [--session-id S] [--from T] [--to T]
//   npm run cli -- deliveries <sessionId> | redeliver <deliveryId>
//   npm run cli -- sms list [--app-key K] [--mobile M] [--status S] [--limit N] | sms show <messageId>
//   npm run cli -- sms inbox [--mobile M] [--limit N]   (what the development `log` SMS provider would have sent)
//   npm run cli -- fraud prefixes [--lifted] | fraud lift <+prefix>   (the verification API's fraud guard)
//   (apps create / apps set also take --verification-status-url URL|none: where verification.* events go)
// The verification API as an app calls it (AKSK-signed with the app's key and secret, not the operator token):
//   npm run cli -- verify start --app-key K --app-secret S --to +8613800138000 [--channel sms|call|auto] [--locale en|zh]
//   npm run cli -- verify check <verificationId> <code> --app-key K --app-secret S
//   npm run cli -- verify resend <verificationId> <sms|call> --app-key K --app-secret S
import { createHmac, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

const baseUrl = (process.env.VERIGATE_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
const token = process.env.VERIGATE_ADMIN_TOKEN ?? 'dev-admin-token';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    signature: { type: 'string' },
    permissions: { type: 'string' },
    status: { type: 'string' },
    'voice-ports': { type: 'string' },
    'ip-whitelist': { type: 'string' },
    stage: { type: 'string' },
    enterprise: { type: 'string' },
    limits: { type: 'string' },
    international: { type: 'string' },
    area: { type: 'string' },
    name: { type: 'string' },
    'app-key': { type: 'string' },
    'session-id': { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'sms-status-url': { type: 'string' },
    'verification-status-url': { type: 'string' },
    'app-secret': { type: 'string' },
    channel: { type: 'string' },
    locale: { type: 'string' },
    lifted: { type: 'boolean' },
    mobile: { type: 'string' },
    limit: { type: 'string' },
  },
});

async function call(method, path, body, contentType = 'application/json') {
  const response = await fetch(`${baseUrl}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
    body: body === undefined ? undefined : contentType === 'application/json' ? JSON.stringify(body) : body,
  });
  const text = await response.text();
  let output = text;
  try {
    output = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    /* not JSON */
  }
  (response.ok ? process.stdout : process.stderr).write(`${output}\n`);
  if (!response.ok) process.exitCode = 1;
}

const list = (value) =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
const enc = encodeURIComponent;
/** A query string of the given parameters, leaving out the absent ones. */
const query = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v));
/** `--sms-status-url`: a URL, `none` to clear, absent to leave as it is. */
const smsStatusUrl = opts['sms-status-url'] === 'none' ? null : opts['sms-status-url'];
/** `--verification-status-url`: likewise. */
const verificationStatusUrl = opts['verification-status-url'] === 'none' ? null : opts['verification-status-url'];

/** POST on the verification API, AKSK-signed as the app (the headers libs/auth signAksk writes). */
async function verifyCall(path, body) {
  const appKey = opts['app-key'];
  const appSecret = opts['app-secret'];
  if (!appKey || !appSecret) usage();
  const nonce = randomBytes(16).toString('hex');
  const created = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const digest = createHmac('sha256', appSecret)
    .update(nonce + created)
    .digest('base64');
  const response = await fetch(`${baseUrl}/api/v3/verifications${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json;charset=UTF-8',
      authorization: 'AKSK realm="SDP",profile="UsernameToken",type="Appkey"',
      'x-aksk': `UsernameToken Username="${appKey}",PasswordDigest="${digest}",Nonce="${nonce}",Created="${created}"`,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  (response.ok ? process.stdout : process.stderr).write(`${text}\n`);
  if (!response.ok) process.exitCode = 1;
}

/** `apiPerMinute=60,calleeCallsPerHour=none` → `{apiPerMinute: 60, calleeCallsPerHour: null}` (the server validates). */
function limitsOption(value) {
  if (value === undefined) return undefined;
  return Object.fromEntries(
    list(value).map((pair) => {
      const [name, raw] = pair.split('=');
      return [name, raw === 'none' ? null : Number(raw)];
    }),
  );
}

/** `+86,+852:callout,callin` → home prefixes and what is allowed; `none` → the platform default. */
function internationalOption(value) {
  if (value === undefined) return undefined;
  if (value === 'none') return null;
  const [prefixes, allowed = ''] = value.split(':');
  const allow = list(allowed);
  return {
    homePrefixes: list(prefixes),
    allowCallout: allow.includes('callout'),
    allowCallin: allow.includes('callin'),
  };
}
const [group, action, a1, a2, a3] = positionals;

function usage() {
  process.stderr.write('see the header of scripts/verigate-cli.mjs for the commands\n');
  process.exit(2);
}

switch (`${group} ${action ?? ''}`.trim()) {
  case 'apps create':
    if (!a1) usage();
    await call('POST', '/apps', {
      name: a1,
      signature: opts.signature,
      permissions: list(opts.permissions),
      smsStatusUrl,
      verificationStatusUrl,
    });
    break;
  case 'apps list':
    await call('GET', '/apps');
    break;
  case 'apps get':
    await call('GET', `/apps/${enc(a1)}`);
    break;
  case 'apps rotate-secret':
    await call('POST', `/apps/${enc(a1)}/secret`);
    break;
  case 'apps webhook-secret':
    if (!a1) usage();
    await call('POST', `/apps/${enc(a1)}/webhook-secret`);
    break;
  case 'apps webhook-secret-remove':
    if (!a1) usage();
    await call('DELETE', `/apps/${enc(a1)}/webhook-secret`);
    break;
  case 'apps set':
    await call('PATCH', `/apps/${enc(a1)}`, {
      status: opts.status,
      permissions: list(opts.permissions),
      voicePorts: opts['voice-ports'] === undefined ? undefined : Number(opts['voice-ports']),
      ipWhitelist: list(opts['ip-whitelist']),
      stage: opts.stage,
      enterpriseId: opts.enterprise === undefined ? undefined : opts.enterprise === 'none' ? null : opts.enterprise,
      limits: limitsOption(opts.limits),
      international: internationalOption(opts.international),
      smsStatusUrl,
      verificationStatusUrl,
    });
    break;
  case 'enterprises set':
    await call('PUT', `/enterprises/${enc(a1)}`, { status: a2 });
    break;
  case 'enterprises list':
    await call('GET', '/enterprises');
    break;
  case 'ip-rules add':
    await call('POST', '/ip-rules', { kind: a1, cidr: a2, area: opts.area });
    break;
  case 'ip-rules list':
    await call('GET', '/ip-rules');
    break;
  case 'ip-rules remove':
    await call('DELETE', `/ip-rules/${enc(a1)}`);
    break;
  case 'ip-bans list':
    await call('GET', '/ip-bans');
    break;
  case 'ip-bans lift':
    await call('DELETE', `/ip-bans/${enc(a1)}`);
    break;
  case 'numbers add':
    await call('POST', `/apps/${enc(a1)}/numbers`, { number: a2 });
    break;
  case 'numbers list':
    await call('GET', `/apps/${enc(a1)}/numbers`);
    break;
  case 'numbers set':
    await call('PATCH', `/apps/${enc(a1)}/numbers/${enc(a2)}`, { status: a3 });
    break;
  case 'tones upload': {
    if (!a1 || !a2) usage();
    const name = opts.name ?? basename(a2);
    await call('POST', `/apps/${enc(a1)}/tones?name=${enc(name)}`, await readFile(a2), 'audio/wav');
    break;
  }
  case 'tones list':
    await call('GET', `/apps/${enc(a1)}/tones`);
    break;
  case 'tones approve':
    await call('POST', `/apps/${enc(a1)}/tones/${enc(a2)}/approve`);
    break;
  case 'tones reject':
    await call('POST', `/apps/${enc(a1)}/tones/${enc(a2)}/reject`);
    break;
  case 'lists add':
    await call('POST', '/lists', { list: a1, number: a2, appKey: opts['app-key'] });
    break;
  case 'lists remove':
    await call('DELETE', `/lists?${query({ list: a1, number: a2, appKey: opts['app-key'] })}`);
    break;
  case 'lists show':
    await call('GET', `/lists${opts['app-key'] ? `?appKey=${enc(opts['app-key'])}` : ''}`);
    break;
  case 'calls get':
    await call('GET', `/calls/${enc(a1)}`);
    break;
  case 'sms list':
    await call(
      'GET',
      `/sms?${query({ appKey: opts['app-key'], mobile: opts.mobile, status: opts.status, limit: opts.limit })}`,
    );
    break;
  case 'sms show':
    if (!a1) usage();
    await call('GET', `/sms/${enc(a1)}`);
    break;
  case 'sms inbox':
    await call('GET', `/sms/dev-inbox?${query({ mobile: opts.mobile, limit: opts.limit })}`);
    break;
  case 'fraud prefixes':
    await call('GET', `/fraud/prefixes${opts.lifted ? '?lifted=true' : ''}`);
    break;
  case 'fraud lift':
    if (!a1) usage();
    await call('DELETE', `/fraud/prefixes/${enc(a1)}`);
    break;
  case 'verify start':
    if (!opts.to) usage();
    await verifyCall('', { to: opts.to, channel: opts.channel ?? 'auto', locale: opts.locale ?? 'en' });
    break;
  case 'verify check':
    if (!a1 || !a2) usage();
    await verifyCall(`/${enc(a1)}/check`, { code: a2 });
    break;
  case 'verify resend':
    if (!a1 || !a2) usage();
    await verifyCall(`/${enc(a1)}/resend`, { channel: a2 });
    break;
  default:
    if (group === 'cdrs') {
      await call(
        'GET',
        `/cdrs?${query({ appKey: opts['app-key'], sessionId: opts['session-id'], from: opts.from, to: opts.to })}`,
      );
    } else if (group === 'deliveries' && action) {
      await call('GET', `/deliveries?sessionId=${enc(action)}`);
    } else if (group === 'redeliver' && action) {
      await call('POST', `/deliveries/${enc(action)}/redeliver`);
    } else {
      usage();
    }
}
