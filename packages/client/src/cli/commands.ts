import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { AdminClient } from '../admin.js';
import type { ClientOptions } from '../http.js';
import type { CreateAppRequest, NumberStatus } from '../types.js';
import {
  integerOption,
  internationalOption,
  limitsOption,
  listOption,
  noneOption,
  oneOf,
  UsageError,
} from './values.js';

export type Options = Record<string, string | undefined>;
type Permission = NonNullable<CreateAppRequest['permissions']>[number];

/** What a command may need besides the AdminClient: how to reach the gateway, and the environment. */
export interface CommandContext {
  client: ClientOptions;
  env: NodeJS.ProcessEnv;
}

/** One command of the CLI: its words, positional arguments (`<required>`, `[optional]`), options and action. */
export interface Command {
  words: string;
  args: string[];
  options: string[];
  /** Options without a value (`--lifted`); given, their value is `'true'`. */
  flags?: string[];
  summary: string;
  run(admin: AdminClient, args: string[], options: Options, context: CommandContext): Promise<unknown>;
}

const NUMBER_STATUSES: readonly NumberStatus[] = ['normal', 'suspended', 'revoked'];
const LISTS = ['blacklist', 'whitelist'] as const;

async function readTone(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** The management commands; the same words and options as the former scripts/verigate-cli.mjs (all: registry.ts). */
export const MANAGEMENT_COMMANDS: Command[] = [
  {
    words: 'apps create',
    args: ['<name>'],
    options: ['signature', 'permissions', 'sms-status-url', 'verification-status-url'],
    summary:
      'create an app; prints appKey and appSecret (the secret is shown only here). ' +
      '--permissions captcha,sms,voice,verify; --verification-status-url: where verification.* events go',
    run: (admin, [name], o) =>
      admin.createApp({
        name: name!,
        signature: o.signature,
        permissions: listOption(o.permissions) as Permission[] | undefined,
        smsStatusUrl: noneOption(o['sms-status-url']),
        verificationStatusUrl: noneOption(o['verification-status-url']),
      }),
  },
  { words: 'apps list', args: [], options: [], summary: 'every app (without secrets)', run: (a) => a.listApps() },
  { words: 'apps get', args: ['<appKey>'], options: [], summary: 'one app', run: (a, [k]) => a.getApp(k!) },
  {
    words: 'apps rotate-secret',
    args: ['<appKey>'],
    options: [],
    summary: 'a new app secret (shown once); the old one stops working',
    run: (a, [k]) => a.rotateSecret(k!),
  },
  {
    words: 'apps webhook-secret',
    args: ['<appKey>'],
    options: [],
    summary: 'create or rotate the Standard Webhooks secret (shown once)',
    run: (a, [k]) => a.issueWebhookSecret(k!),
  },
  {
    words: 'apps webhook-secret-remove',
    args: ['<appKey>'],
    options: [],
    summary: 'stop sending the Standard Webhooks headers',
    run: (a, [k]) => a.removeWebhookSecret(k!),
  },
  {
    words: 'apps set',
    args: ['<appKey>'],
    options: [
      'status',
      'permissions',
      'voice-ports',
      'ip-whitelist',
      'stage',
      'enterprise',
      'limits',
      'international',
      'sms-status-url',
      'verification-status-url',
    ],
    summary:
      'change an app: --status normal|suspended|unavailable, --permissions a,b, --voice-ports N, --ip-whitelist cidr,cidr, ' +
      '--stage commercial|test, --enterprise ID|none, --limits apiPerMinute=60,callsPerDay=1000,smsCodeLength=6,calleeCallsPerHour=none, ' +
      '--international +86,+852:callout,callin|none, --sms-status-url URL|none, --verification-status-url URL|none',
    run: (admin, [appKey], o) =>
      admin.updateApp(appKey!, {
        status: o.status as 'normal' | 'suspended' | 'unavailable' | undefined,
        permissions: listOption(o.permissions) as Permission[] | undefined,
        voicePorts: integerOption('voice-ports', o['voice-ports']),
        ipWhitelist: listOption(o['ip-whitelist']),
        stage: o.stage as 'commercial' | 'test' | undefined,
        enterpriseId: noneOption(o.enterprise),
        limits: limitsOption(o.limits),
        international: internationalOption(o.international),
        smsStatusUrl: noneOption(o['sms-status-url']),
        verificationStatusUrl: noneOption(o['verification-status-url']),
      }),
  },
  {
    words: 'numbers add',
    args: ['<appKey>', '<number>'],
    options: [],
    summary: 'add a display number',
    run: (a, [k, n]) => a.addNumber(k!, n!),
  },
  {
    words: 'numbers list',
    args: ['<appKey>'],
    options: [],
    summary: 'display numbers of an app',
    run: (a, [k]) => a.listNumbers(k!),
  },
  {
    words: 'numbers set',
    args: ['<appKey>', '<number>', '<normal|suspended|revoked>'],
    options: [],
    summary: "change a display number's status",
    run: (a, [k, n, s]) => a.setNumberStatus(k!, n!, oneOf('the status', s, NUMBER_STATUSES)),
  },
  {
    words: 'enterprises set',
    args: ['<id>', '<normal|suspended>'],
    options: [],
    summary: 'create or change a sub-enterprise',
    run: (a, [id, s]) => a.putEnterprise(id!, oneOf('the status', s, ['normal', 'suspended'] as const)),
  },
  { words: 'enterprises list', args: [], options: [], summary: 'sub-enterprises', run: (a) => a.listEnterprises() },
  {
    words: 'ip-rules add',
    args: ['<blacklist|restricted-area>', '<cidr>'],
    options: ['area'],
    summary: 'a client-address rule of /rest/ (restricted-area needs --area NAME)',
    run: (a, [kind, cidr], o) =>
      a.addIpRule({
        kind: oneOf('the kind', kind, ['blacklist', 'restricted-area'] as const),
        cidr: cidr!,
        area: o.area,
      }),
  },
  { words: 'ip-rules list', args: [], options: [], summary: 'client-address rules', run: (a) => a.listIpRules() },
  {
    words: 'ip-rules remove',
    args: ['<id>'],
    options: [],
    summary: 'remove a rule',
    run: (a, [id]) => a.removeIpRule(id!),
  },
  { words: 'ip-bans list', args: [], options: [], summary: 'addresses banned now', run: (a) => a.listIpBans() },
  { words: 'ip-bans lift', args: ['<ip>'], options: [], summary: 'lift a ban', run: (a, [ip]) => a.liftIpBan(ip!) },
  {
    words: 'tones upload',
    args: ['<appKey>', '<file.wav>'],
    options: ['name'],
    summary: 'upload a WAV tone, held pending (--name: its name, default the file name)',
    run: async (a, [k, file], o) => a.uploadTone(k!, o.name ?? basename(file!), await readTone(file!)),
  },
  {
    words: 'tones list',
    args: ['<appKey>'],
    options: [],
    summary: 'tones of an app',
    run: (a, [k]) => a.listTones(k!),
  },
  {
    words: 'tones approve',
    args: ['<appKey>', '<name>'],
    options: [],
    summary: 'approve a tone',
    run: (a, [k, n]) => a.approveTone(k!, n!),
  },
  {
    words: 'tones reject',
    args: ['<appKey>', '<name>'],
    options: [],
    summary: 'reject a tone',
    run: (a, [k, n]) => a.rejectTone(k!, n!),
  },
  {
    words: 'lists add',
    args: ['<blacklist|whitelist>', '<number>'],
    options: ['app-key'],
    summary: "add a number to the platform's list (or an app's: --app-key)",
    run: (a, [list, number], o) =>
      a.addListEntry({ list: oneOf('the list', list, LISTS), number: number!, appKey: o['app-key'] }),
  },
  {
    words: 'lists remove',
    args: ['<blacklist|whitelist>', '<number>'],
    options: ['app-key'],
    summary: 'remove a number from a list',
    run: (a, [list, number], o) =>
      a.removeListEntry({ list: oneOf('the list', list, LISTS), number: number!, appKey: o['app-key'] }),
  },
  {
    words: 'lists show',
    args: [],
    options: ['app-key'],
    summary: 'entries of the lists (of an app: --app-key)',
    run: (a, _args, o) => a.listEntries({ appKey: o['app-key'] }),
  },
  {
    words: 'calls get',
    args: ['<sessionId>'],
    options: [],
    summary: 'a call session, its events and its CDR',
    run: (a, [id]) => a.getCall(id!),
  },
  {
    words: 'cdrs',
    args: [],
    options: ['app-key', 'session-id', 'from', 'to'],
    summary: 'CDRs, newest first (--from/--to: ISO times)',
    run: (a, _args, o) => a.listCdrs({ appKey: o['app-key'], sessionId: o['session-id'], from: o.from, to: o.to }),
  },
  {
    words: 'deliveries',
    args: ['<sessionId>'],
    options: [],
    summary: 'webhook deliveries of a call session or SMS message, with every attempt',
    run: (a, [id]) => a.listDeliveries(id!),
  },
  {
    words: 'redeliver',
    args: ['<deliveryId>'],
    options: [],
    summary: 'send a failed delivery again now',
    run: (a, [id]) => a.redeliver(id!),
  },
  {
    words: 'sms list',
    args: [],
    options: ['app-key', 'mobile', 'status', 'limit'],
    summary: 'SMS messages, newest first',
    run: (a, _args, o) =>
      a.listSms({
        appKey: o['app-key'],
        mobile: o.mobile,
        status: o.status,
        limit: integerOption('limit', o.limit),
      }),
  },
  {
    words: 'sms show',
    args: ['<messageId>'],
    options: [],
    summary: 'one SMS message',
    run: (a, [id]) => a.getSms(id!),
  },
  {
    words: 'sms inbox',
    args: [],
    options: ['mobile', 'limit'],
    summary: 'what the development SMS provider (log) would have sent',
    run: (a, _args, o) => a.smsDevInbox({ mobile: o.mobile, limit: integerOption('limit', o.limit) }),
  },
];
