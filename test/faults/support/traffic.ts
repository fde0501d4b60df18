import { randomInt } from 'node:crypto';
import pg from 'pg';
import { signAksk } from '#libs/auth';
import { passedCaptchaCredentials, type ReceivedRequest, type TestSmsc } from '#libs/testing';

/** What the suite sets up once: the gateway, one voice app, one SMS app, the receiver and the SMS centre. */
export interface TrafficTarget {
  gatewayUrl: string;
  databaseUrl: string;
  voiceApp: { appKey: string; appSecret: string; displayNbr: string };
  smsAppKey: string;
  /** A captcha AES key sealed under the apps' master key (the credentials' `secret_key_sealed`). */
  sealedCaptchaKey: string;
  /** The receiver's URLs for callVerify, Base64 (taken once: the receiver may be stopped when a call is made). */
  voiceUrls: { status: string; fee: string };
  /** Requests the receiver answered 200: only these count as delivered. */
  delivered: ReceivedRequest[];
  smsc: TestSmsc;
}

/** Every secret the traffic handed to the platform, for the log scan. */
export interface SentSecrets {
  voiceCodes: Set<string>;
  captchaCredentials: Set<string>;
}

/**
 * One scenario's slice of traffic. Its callees start with `+8613<k>` and its mobiles with
 * `139<k>`, so the checks find every call and message of the scenario in the database — also
 * those whose answer the client never saw (a commit during a fault that answered with an error).
 */
export class Scope {
  constructor(readonly k: number) {
    if (k < 1 || k > 9) throw new Error('scope number 1-9');
  }

  callee(i: number): string {
    // Every tenth callee is busy (sim: last digits 486): callout and disconnect, no alerting/answer.
    return `+8613${this.k}${String(i).padStart(4, '0')}${i % 10 === 9 ? '486' : '000'}`;
  }

  mobile(i: number): string {
    return `139${this.k}${String(i).padStart(7, '0')}`;
  }

  get calleeLike(): string {
    return `+8613${this.k}%`;
  }

  get mobileLike(): string {
    return `139${this.k}%`;
  }
}

export interface TrafficResult {
  voice: { attempted: number; accepted: Set<string>; refused: Record<string, number> };
  sms: { attempted: number; accepted: Map<string, string>; refused: Record<string, number> };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const REQUEST_TIMEOUT_MS = 15_000;
const MAX_IN_FLIGHT = 40;

export async function withDb<T>(databaseUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/**
 * Steady mixed traffic: `perSecond` callVerify requests and as many SMS sends per second for
 * `durationMs`, each request on its own schedule (a slow answer during a fault does not slow
 * the rate down, up to MAX_IN_FLIGHT per kind).
 */
export async function driveTraffic(
  target: TrafficTarget,
  scope: Scope,
  secrets: SentSecrets,
  durationMs: number,
  perSecond: number,
): Promise<TrafficResult> {
  const count = Math.round((durationMs / 1000) * perSecond);
  // Captcha credentials as the captcha worker stores them after a passed check, made beforehand
  // so that the SMS traffic needs no captcha worker and no solver.
  const { credentials, sql, params } = passedCaptchaCredentials(target.smsAppKey, count, target.sealedCaptchaKey, {
    fingerprint: 'faults',
    ip: '127.0.0.1',
  });
  await withDb(target.databaseUrl, (db) => db.query(sql, params));
  for (const credential of credentials) secrets.captchaCredentials.add(credential.split('---')[0]!);

  const result: TrafficResult = {
    voice: { attempted: 0, accepted: new Set(), refused: {} },
    sms: { attempted: 0, accepted: new Map(), refused: {} },
  };
  const refuse = (into: Record<string, number>, why: string) => {
    into[why] = (into[why] ?? 0) + 1;
  };

  const callVerify = async (i: number) => {
    const verifyCode = String(randomInt(10_000_000, 100_000_000));
    secrets.voiceCodes.add(verifyCode);
    result.voice.attempted++;
    try {
      const response = await fetch(`${target.gatewayUrl}/rest/httpsessions/callVerify/v1.0`, {
        method: 'POST',
        // The gateway trusts 127.0.0.1 as a proxy (for the SMS caps per IP), so the client is named.
        headers: {
          'content-type': 'application/json;charset=UTF-8',
          'x-forwarded-for': '198.51.100.10',
          ...signAksk(target.voiceApp.appKey, target.voiceApp.appSecret),
        },
        body: JSON.stringify({
          displayNbr: target.voiceApp.displayNbr,
          calleeNbr: scope.callee(i),
          languageType: 2,
          preTone: 'welcome.wav',
          verifyCode,
          times: 1,
          statusUrl: target.voiceUrls.status,
          feeUrl: target.voiceUrls.fee,
        }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const body = (await response.json()) as { resultcode?: string; sessionId?: string };
      if (response.status === 200 && body.resultcode === '0' && body.sessionId)
        result.voice.accepted.add(body.sessionId);
      else refuse(result.voice.refused, `${response.status} ${body.resultcode}`);
    } catch (error) {
      refuse(result.voice.refused, (error as Error).name);
    }
  };

  const sendSms = async (i: number) => {
    result.sms.attempted++;
    const mobile = scope.mobile(i);
    try {
      const response = await fetch(`${target.gatewayUrl}/api/v2/sdk/sms/send`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-operating-sys-version': 'faults',
          'x-agent': 'faults',
          'x-client-id': target.smsAppKey,
          'x-device-fingerprint': `faults-${scope.k}-${i}`,
          'x-forwarded-for': `10.${scope.k}.${i >> 8}.${i & 255}`,
        },
        body: JSON.stringify({ mobile, type: 'LOGIN_SMS', captcha_token: credentials[i] }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const body = (await response.json()) as { message_id?: string; error_code?: string };
      if (response.status === 200 && body.message_id) result.sms.accepted.set(body.message_id, mobile);
      else refuse(result.sms.refused, `${response.status} ${body.error_code}`);
    } catch (error) {
      refuse(result.sms.refused, (error as Error).name);
    }
  };

  const inFlight = new Set<Promise<void>>();
  const launch = async (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
    while (inFlight.size >= 2 * MAX_IN_FLIGHT) await Promise.race(inFlight);
  };
  const t0 = Date.now();
  for (let i = 0; i < count; i++) {
    const due = t0 + (i * 1000) / perSecond;
    if (due > Date.now()) await sleep(due - Date.now());
    await launch(callVerify(i));
    await launch(sendSms(i));
  }
  await Promise.all(inFlight);
  return result;
}

/** What the database, the receiver and the SMS centre say about one scope after recovery. */
export interface ScopeReport {
  voice: {
    sessions: number;
    acceptedButNoSession: number;
    notEnded: number;
    eventsWrong: number;
    cdrsNotOne: number;
    stateCodes: Record<string, number>;
    webhookMissing: number;
    webhookDistinctDuplicates: number;
    webhookOutOfOrder: number;
    feeNotOne: number;
    /** Same X-Verigate-Delivery-Id received again (at-least-once; allowed, reported). */
    webhookRepeats: number;
  };
  sms: {
    messages: number;
    acceptedButNotStored: number;
    notDelivered: number;
    submitsZero: number;
    submitsMoreThanOne: number;
    resubmitted: number;
    webhookMissing: number;
    webhookDistinctDuplicates: number;
    webhookOutOfOrder: number;
    webhookRepeats: number;
  };
  /** One line per problem (empty when the scope is whole), the first few of each kind. */
  problems: string[];
}

const CALL_EVENT_RANK: Record<string, number> = { callout: 0, alerting: 1, answer: 2, disconnect: 3 };
const SMS_STATUS_RANK: Record<string, number> = { submitted: 0, delivered: 1 };

interface Delivery {
  id: string;
  kind: string;
}

/** Deliveries the receiver answered 200, per session (or message) id, in arrival order. */
function deliveriesBySession(delivered: ReceivedRequest[]): {
  status: Map<string, Delivery[]>;
  fee: Map<string, Delivery[]>;
  sms: Map<string, Delivery[]>;
} {
  const status = new Map<string, Delivery[]>();
  const fee = new Map<string, Delivery[]>();
  const sms = new Map<string, Delivery[]>();
  const add = (into: Map<string, Delivery[]>, key: string, d: Delivery) => {
    const list = into.get(key);
    if (list) list.push(d);
    else into.set(key, [d]);
  };
  for (const request of delivered) {
    const id = String(request.headers['x-verigate-delivery-id']);
    const body = request.body as {
      eventType?: string;
      statusInfo?: { sessionId?: string; messageId?: string; status?: string };
      feeLst?: { sessionId?: string }[];
    };
    if (request.path === '/voice/status') add(status, body.statusInfo!.sessionId!, { id, kind: body.eventType! });
    else if (request.path === '/voice/fee') add(fee, body.feeLst![0]!.sessionId!, { id, kind: 'fee' });
    else if (request.path === '/sms/status')
      add(sms, body.statusInfo!.messageId!, { id, kind: body.statusInfo!.status! });
  }
  return { status, fee, sms };
}

/** The deliveries' kinds, each delivery id once (its first arrival), and how many arrivals were repeats. */
function distinct(deliveries: Delivery[]): { kinds: string[]; repeats: number; distinctDuplicates: number } {
  const seen = new Set<string>();
  const kinds: string[] = [];
  for (const d of deliveries) {
    if (seen.has(d.id)) continue;
    seen.add(d.id);
    kinds.push(d.kind);
  }
  return { kinds, repeats: deliveries.length - seen.size, distinctDuplicates: kinds.length - new Set(kinds).size };
}

/** Every arrival (repeats included) in rank order: a repeat never overtakes a later event. */
const inOrder = (deliveries: Delivery[], rank: Record<string, number>) =>
  deliveries.every((d, i) => i === 0 || (rank[d.kind] ?? 99) >= (rank[deliveries[i - 1]!.kind] ?? 99));

interface SessionRow {
  id: string;
  state: string;
  state_code: number | null;
  events: string[] | null;
  seqs: number[] | null;
  cdrs: number;
}

interface MessageRow {
  id: string;
  mobile: string;
  status: string;
  submit_attempts: number;
}

type Problem = (kind: string, detail: string) => void;
type Got = ReturnType<typeof deliveriesBySession>;

export async function checkScope(target: TrafficTarget, scope: Scope, traffic: TrafficResult): Promise<ScopeReport> {
  const { sessions, messages } = await withDb(target.databaseUrl, async (db) => ({
    sessions: (
      await db.query<SessionRow>(
        `SELECT s.id, s.state, s.state_code,
              (SELECT array_agg(e.event_type ORDER BY e.seq) FROM call_events e WHERE e.session_id = s.id) AS events,
              (SELECT array_agg(e.seq ORDER BY e.seq) FROM call_events e WHERE e.session_id = s.id) AS seqs,
              (SELECT count(*)::int FROM cdrs c WHERE c.session_id = s.id) AS cdrs
         FROM call_sessions s WHERE s.callee_nbr LIKE $1`,
        [scope.calleeLike],
      )
    ).rows,
    messages: (
      await db.query<MessageRow>(`SELECT id, mobile, status, submit_attempts FROM sms_messages WHERE mobile LIKE $1`, [
        scope.mobileLike,
      ])
    ).rows,
  }));
  const problems: string[] = [];
  const problem = (kind: string, detail: string) => {
    if (problems.filter((p) => p.startsWith(kind)).length < 3) problems.push(`${kind}: ${detail}`);
  };
  const got = deliveriesBySession(target.delivered);

  const voice = checkVoice(sessions, traffic, got, problem);
  const sms = checkSms(messages, traffic, target, got, problem);
  return { voice, sms, problems };
}

/** Every accepted call stored, ended once with its events, one CDR and its webhooks. */
function checkVoice(sessions: SessionRow[], traffic: TrafficResult, got: Got, problem: Problem): ScopeReport['voice'] {
  const voice: ScopeReport['voice'] = {
    sessions: sessions.length,
    acceptedButNoSession: 0,
    notEnded: 0,
    eventsWrong: 0,
    cdrsNotOne: 0,
    stateCodes: {},
    webhookMissing: 0,
    webhookDistinctDuplicates: 0,
    webhookOutOfOrder: 0,
    feeNotOne: 0,
    webhookRepeats: 0,
  };
  const stored = new Set(sessions.map((s) => s.id));
  for (const id of traffic.voice.accepted) {
    if (!stored.has(id)) {
      voice.acceptedButNoSession++;
      problem('voice accepted but no session', id);
    }
  }
  for (const s of sessions) checkCallSession(s, got, voice, problem);
  return voice;
}

function checkCallSession(s: SessionRow, got: Got, voice: ScopeReport['voice'], problem: Problem): void {
  const events = s.events ?? [];
  voice.stateCodes[String(s.state_code)] = (voice.stateCodes[String(s.state_code)] ?? 0) + 1;
  if (s.state !== 'ended') {
    voice.notEnded++;
    problem('voice session not ended', `${s.id} ${s.state}`);
  }
  const contiguous = (s.seqs ?? []).every((seq, i) => seq === i + 1);
  if (
    events[0] !== 'callout' ||
    events.at(-1) !== 'disconnect' ||
    !contiguous ||
    !inOrder(
      events.map((kind) => ({ id: kind, kind })),
      CALL_EVENT_RANK,
    )
  ) {
    voice.eventsWrong++;
    problem('voice events wrong', `${s.id} ${events.join(',')} seq ${(s.seqs ?? []).join(',')}`);
  }
  if (s.cdrs !== 1) {
    voice.cdrsNotOne++;
    problem('voice CDRs not one', `${s.id} has ${s.cdrs}`);
  }
  const status = got.status.get(s.id) ?? [];
  const d = distinct(status);
  voice.webhookRepeats += d.repeats;
  if (d.distinctDuplicates > 0) {
    voice.webhookDistinctDuplicates++;
    problem('voice event delivered under two delivery ids', `${s.id} ${d.kinds.join(',')}`);
  } else if (d.kinds.join(',') !== events.join(',')) {
    voice.webhookMissing++;
    problem('voice status webhooks missing', `${s.id} got ${d.kinds.join(',')} of ${events.join(',')}`);
  }
  if (!inOrder(status, CALL_EVENT_RANK)) {
    voice.webhookOutOfOrder++;
    problem('voice webhooks out of order', `${s.id} ${status.map((x) => x.kind).join(',')}`);
  }
  const fees = distinct(got.fee.get(s.id) ?? []);
  voice.webhookRepeats += fees.repeats;
  if (fees.kinds.length !== 1) {
    voice.feeNotOne++;
    problem('voice fee webhooks not one', `${s.id} got ${fees.kinds.length}`);
  }
}

/** Every accepted SMS stored, submitted once, delivered, with its status webhooks. */
function checkSms(
  messages: MessageRow[],
  traffic: TrafficResult,
  target: TrafficTarget,
  got: Got,
  problem: Problem,
): ScopeReport['sms'] {
  const sms: ScopeReport['sms'] = {
    messages: messages.length,
    acceptedButNotStored: 0,
    notDelivered: 0,
    submitsZero: 0,
    submitsMoreThanOne: 0,
    resubmitted: 0,
    webhookMissing: 0,
    webhookDistinctDuplicates: 0,
    webhookOutOfOrder: 0,
    webhookRepeats: 0,
  };
  const storedMessages = new Set(messages.map((m) => m.id));
  for (const id of traffic.sms.accepted.keys()) {
    if (!storedMessages.has(id)) {
      sms.acceptedButNotStored++;
      problem('sms accepted but not stored', id);
    }
  }
  // One SMS per mobile in a scope: accepted submit_sm to that destination are its submissions.
  const submits = new Map<string, number>();
  for (const s of target.smsc.submits)
    if (s.status === 0) submits.set(s.destination, (submits.get(s.destination) ?? 0) + 1);
  for (const m of messages) checkMessage(m, submits, got, sms, problem);
  return sms;
}

function checkMessage(
  m: MessageRow,
  submits: Map<string, number>,
  got: Got,
  sms: ScopeReport['sms'],
  problem: Problem,
): void {
  if (m.status !== 'delivered') {
    sms.notDelivered++;
    problem('sms not delivered', `${m.id} ${m.status}`);
  }
  const n = submits.get(m.mobile) ?? 0;
  if (n === 0) {
    sms.submitsZero++;
    problem('sms never submitted', m.id);
  }
  if (n > 1) {
    sms.submitsMoreThanOne++;
    problem('sms submitted more than once', `${m.id} ${n} times`);
  }
  if (m.submit_attempts > 1) sms.resubmitted++;
  const statuses = got.sms.get(m.id) ?? [];
  const d = distinct(statuses);
  sms.webhookRepeats += d.repeats;
  if (d.distinctDuplicates > 0) {
    sms.webhookDistinctDuplicates++;
    problem('sms status delivered under two delivery ids', `${m.id} ${d.kinds.join(',')}`);
  } else if (d.kinds.join(',') !== 'submitted,delivered') {
    sms.webhookMissing++;
    problem('sms status webhooks missing', `${m.id} got ${d.kinds.join(',')}`);
  }
  if (!inOrder(statuses, SMS_STATUS_RANK)) {
    sms.webhookOutOfOrder++;
    problem('sms webhooks out of order', `${m.id} ${statuses.map((x) => x.kind).join(',')}`);
  }
}
