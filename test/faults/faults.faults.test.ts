import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SecretBox } from '#libs/auth';
import {
  logLinesOf,
  scanLogLines,
  sineWav,
  TestInfrastructure,
  TestSmsc,
  WebhookReceiver,
  type ReceivedRequest,
} from '#libs/testing';
import { Fleet } from './support/fleet.js';
import { restore, restoreSync, startPostgres, startRabbit, stopPostgres, stopRabbit } from './support/services.js';
import {
  checkScope,
  driveTraffic,
  Scope,
  type ScopeReport,
  type SentSecrets,
  type TrafficResult,
  type TrafficTarget,
} from './support/traffic.js';

/**
 * The fault-injection suite (`npm run test:faults`, README "Tests"): the real apps as separate
 * processes from dist/ against this machine's PostgreSQL and RabbitMQ, steady mixed traffic
 * (callVerify and SMS sends), one fault in the middle of each scenario, then the database, the
 * webhook receiver and the SMS centre are checked for loss and duplicates. It stops and starts
 * the machine's own PostgreSQL and RabbitMQ: run it alone (`flock -x /tmp/verigate-services.lock`
 * on a shared machine). Ports 3950-3999; database verigate_faults, AMQP namespace `faults`.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PORTS = { receiver: 3950, smsc: 3951, gateway: 3952, firstHealthPort: 3960, lastHealthPort: 3999 };
/** Requests per second of each kind (callVerify, SMS send): about correctness, not load. */
const RATE = 8;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The receiver is down this long in scenario 6 (connection refused, then 503): the retry schedule below outlasts it. */
const RECEIVER_REFUSED_MS = 60_000;
const RECEIVER_503_MS = 60_000;
const NOTIFIER_DOWN_MS = 20_000;
const POSTGRES_DOWN_MS = 8_000;

interface ScenarioResult {
  scenario: string;
  seconds: number;
  note: string;
  voice: { attempted: number; accepted: number; refused: Record<string, number> } & ScopeReport['voice'];
  sms: { attempted: number; accepted: number; refused: Record<string, number> } & ScopeReport['sms'];
}

describe('fault injection: nothing accepted is lost, nothing is done twice', () => {
  const infra = new TestInfrastructure('faults');
  const adminToken = `op-${randomBytes(16).toString('hex')}`;
  const masterKey = `mk-${randomBytes(24).toString('hex')}`;
  // SMPP allows 8 characters: digits, so the log scan can look for it as a whole number like a code.
  const smppPassword = String(randomInt(10_000_000, 100_000_000));
  const smsc = new TestSmsc({ systemId: 'faults', password: smppPassword, autoReceipt: 'DELIVRD' });
  const receiver = new WebhookReceiver();
  const delivered: ReceivedRequest[] = [];
  /** 200, 503 (answering but failing); connection refused is the receiver stopped. */
  let receiverStatus = 200;
  const logDir = join(tmpdir(), `verigate-faults-${process.pid}`);
  const results: ScenarioResult[] = [];
  const secrets: SentSecrets = { voiceCodes: new Set(), captchaCredentials: new Set() };
  const appSecrets: string[] = [];
  let fleet: Fleet;
  let target: TrafficTarget;
  let suiteOk = true;
  const suiteStart = Date.now();

  // Whatever happens (a failed assertion, a timeout, Ctrl-C), the spawned apps die and the
  // machine's services run again when this process ends.
  const onExit = () => {
    fleet?.killAllSync();
    restoreSync();
  };
  const onSignal = () => {
    onExit();
    process.exit(130);
  };

  beforeAll(async () => {
    process.once('exit', onExit);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    await restore(); // as .ci/run: both services must answer before anything starts
    await infra.dispose(); // a previous run's database and queues
    await smsc.start(PORTS.smsc);
    receiver.respond = (request) => {
      if (receiverStatus === 200) delivered.push(request);
      return receiverStatus;
    };
    await receiver.start(PORTS.receiver);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      DATABASE_URL: infra.databaseUrl,
      RABBITMQ_URL: process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
      VERIGATE_AMQP_NAMESPACE: infra.id,
      LOG_LEVEL: 'debug',
      VERIGATE_ADMIN_TOKEN: adminToken,
      VERIGATE_MASTER_KEY: masterKey,
      VERIGATE_WEBHOOK_ALLOW_PRIVATE: 'true',
      // ~180 s of retries (±10 % jitter) before a status event is given up: longer than scenario 6's
      // two-minute outage, and at most 8 s between attempts so recovery is quick once it ends.
      VERIGATE_WEBHOOK_RETRY_SCHEDULE: `500ms,1s,2s,4s,${Array(22).fill('8s').join(',')}`,
      VERIGATE_SIM_RING_MS: '300',
      VERIGATE_SIM_PROMPT_MS: '500',
      VERIGATE_ORPHAN_SWEEP_S: '2',
      VERIGATE_TRUSTED_PROXIES: '127.0.0.1',
      VERIGATE_SMS_PROVIDER: 'smpp',
      VERIGATE_SMPP_URL: `smpp://faults:${smppPassword}@127.0.0.1:${PORTS.smsc}`,
      // Eight digits: a code is then unlikely to equal some other number in a log line by chance.
      VERIGATE_SMS_CODE_LENGTH: '8',
      // The traffic sends to one number range per scope: the SMS pumping controls are not under test here.
      VERIGATE_SMS_VELOCITY_MULTIPLE: '0',
      VERIGATE_SMS_DAILY_BUDGET: '1000000000',
    };
    fleet = new Fleet(ROOT, logDir, env, PORTS);
    await fleet.start('gateway', 90_000); // creates the database and runs the migrations
    await Promise.all([fleet.start('voice'), fleet.start('sms'), fleet.start('notifier')]);

    const gatewayUrl = `http://127.0.0.1:${PORTS.gateway}`;
    const admin = async (path: string, body?: unknown, contentType = 'application/json') => {
      const response = await fetch(`${gatewayUrl}/admin/v1${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': contentType },
        body: Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body ?? {}),
      });
      const text = await response.text();
      if (response.status >= 300) throw new Error(`admin ${path}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    const voiceApp = await admin('/apps', { name: 'faults voice' });
    const displayNbr = '+8675528000088';
    await admin(`/apps/${voiceApp.appKey}/numbers`, { number: displayNbr });
    await admin(`/apps/${voiceApp.appKey}/tones?name=welcome.wav`, sineWav(), 'audio/wav');
    await admin(`/apps/${voiceApp.appKey}/tones/welcome.wav/approve`);
    const smsApp = await admin('/apps', {
      name: 'faults sms',
      signature: 'Faults',
      permissions: ['captcha', 'sms'],
      smsStatusUrl: receiver.url('/sms/status'),
      limits: { smsPerIpPerHour: 100_000, smsPerDevicePerHour: 100_000 },
    });
    appSecrets.push(voiceApp.appSecret, smsApp.appSecret);
    target = {
      gatewayUrl,
      databaseUrl: infra.databaseUrl,
      voiceApp: { appKey: voiceApp.appKey, appSecret: voiceApp.appSecret, displayNbr },
      smsAppKey: smsApp.appKey,
      sealedCaptchaKey: new SecretBox(masterKey).seal(randomBytes(8).toString('hex')),
      delivered,
      smsc,
      voiceUrls: { status: receiver.base64Url('/voice/status'), fee: receiver.base64Url('/voice/fee') },
    };
  }, 180_000);

  afterAll(async () => {
    receiverStatus = 200;
    try {
      await fleet?.stopAll();
    } finally {
      await restore();
      await receiver.stop();
      await smsc.stop();
      if (suiteOk) await infra.dispose();
      process.removeListener('exit', onExit);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
    writeFileSync(join(logDir, 'results.json'), JSON.stringify(results, null, 2));
    const rows = results.map(
      (r) =>
        `${r.scenario.padEnd(28)} ${String(r.seconds).padStart(4)} s  voice ${r.voice.accepted}/${r.voice.attempted} accepted, ` +
        `lost ${r.voice.acceptedButNoSession + r.voice.notEnded}, CDR≠1 ${r.voice.cdrsNotOne}, webhooks missing ${r.voice.webhookMissing + r.voice.feeNotOne}, dup ${r.voice.webhookDistinctDuplicates}, repeats ${r.voice.webhookRepeats}, ended by sweeper/shutdown (8000) ${r.voice.stateCodes['8000'] ?? 0} | ` +
        `refused ${JSON.stringify(r.voice.refused)} | sms ${r.sms.accepted}/${r.sms.attempted} accepted (${r.sms.messages} stored), lost ${r.sms.acceptedButNotStored + r.sms.submitsZero}, sent twice ${r.sms.submitsMoreThanOne}, resubmitted ${r.sms.resubmitted}, webhooks missing ${r.sms.webhookMissing}, dup ${r.sms.webhookDistinctDuplicates}, repeats ${r.sms.webhookRepeats}, refused ${JSON.stringify(r.sms.refused)}` +
        (r.note ? ` — ${r.note}` : ''),
    );
    console.log(
      `fault suite: ${Math.round((Date.now() - suiteStart) / 1000)} s in all (logs and results.json in ${logDir})\n${rows.join('\n')}`,
    );
  }, 120_000);

  /**
   * Traffic for `trafficMs`, the fault `faultAtMs` into it (awaited whole, however long it takes),
   * services restored, then checks until the scope is whole or `recoveryMs` passed.
   */
  async function scenario(
    k: number,
    name: string,
    opts: { faultAtMs: number; trafficMs: number; recoveryMs: number },
    fault: () => Promise<string>,
  ): Promise<ScenarioResult> {
    const started = Date.now();
    const scope = new Scope(k);
    let report: ScopeReport | undefined;
    let traffic: TrafficResult | undefined;
    let note: string;
    try {
      const driving = driveTraffic(target, scope, secrets, opts.trafficMs, RATE);
      try {
        await sleep(opts.faultAtMs);
        note = await fault();
      } finally {
        traffic = await driving;
      }
    } finally {
      receiverStatus = 200;
      await restore();
    }
    const deadline = Date.now() + opts.recoveryMs;
    for (;;) {
      try {
        report = await checkScope(target, scope, traffic);
        if (report.problems.length === 0 || Date.now() > deadline) break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      await sleep(1_000);
    }
    const result: ScenarioResult = {
      scenario: name,
      seconds: Math.round((Date.now() - started) / 1000),
      note,
      voice: {
        attempted: traffic.voice.attempted,
        accepted: traffic.voice.accepted.size,
        refused: traffic.voice.refused,
        ...report.voice,
      },
      sms: {
        attempted: traffic.sms.attempted,
        accepted: traffic.sms.accepted.size,
        refused: traffic.sms.refused,
        ...report.sms,
      },
    };
    results.push(result);
    suiteOk &&= report.problems.length === 0;
    // Only accepted work counts, so a good share must have been accepted or the checks prove nothing.
    // Refusals are by design: 503 while PostgreSQL is away; 1020154 (no idle voice port) while
    // RabbitMQ is away, because accepted calls that cannot reach a worker hold the ports.
    expect(result.voice.accepted).toBeGreaterThanOrEqual(Math.max(20, result.voice.attempted * 0.3));
    expect(result.sms.accepted).toBeGreaterThanOrEqual(Math.max(20, result.sms.attempted * 0.3));
    expect(report.problems).toEqual([]);
    expect(report.voice.sessions).toBeGreaterThanOrEqual(result.voice.accepted);
    expect(report.sms.messages).toBeGreaterThanOrEqual(result.sms.accepted);
    return result;
  }

  it('1. a voice worker killed (SIGKILL) mid-call: its calls end once (orphan sweeper), the rest go on', async () => {
    await scenario(1, 'voice worker SIGKILL', { faultAtMs: 4_000, trafficMs: 10_000, recoveryMs: 60_000 }, async () => {
      const { count } = (
        await infraQuery(`SELECT count(*)::int AS count FROM call_sessions WHERE state = 'calling'`)
      )[0]!;
      await fleet.current('voice').kill();
      await fleet.start('voice');
      return `${count} calls in progress when killed`;
    });
  }, 150_000);

  it('2. an sms worker killed (SIGKILL) mid-send: every accepted send submitted once', async () => {
    await scenario(2, 'sms worker SIGKILL', { faultAtMs: 4_000, trafficMs: 10_000, recoveryMs: 130_000 }, async () => {
      await fleet.current('sms').kill();
      await fleet.start('sms');
      return '';
    });
  }, 220_000);

  it('3. RabbitMQ restarted (rabbitmqctl stop, rabbitmq-server -detached)', async () => {
    await scenario(3, 'RabbitMQ restart', { faultAtMs: 3_000, trafficMs: 12_000, recoveryMs: 60_000 }, async () => {
      const down = Date.now();
      await stopRabbit();
      await startRabbit();
      return `broker down ${((Date.now() - down) / 1000).toFixed(1)} s (true restart)`;
    });
  }, 180_000);

  it('4. PostgreSQL restarted (stop -m fast, start)', async () => {
    // Requests are refused (503) while the database is away and until the voice workers' heartbeats
    // are written again (1020154): long enough traffic that most of it falls outside the outage.
    await scenario(4, 'PostgreSQL restart', { faultAtMs: 4_000, trafficMs: 30_000, recoveryMs: 60_000 }, async () => {
      const down = Date.now();
      await stopPostgres();
      await sleep(POSTGRES_DOWN_MS);
      await startPostgres();
      return `database down ${((Date.now() - down) / 1000).toFixed(1)} s`;
    });
  }, 180_000);

  it('5. the notifier killed and down for 20 s, then started', async () => {
    await scenario(5, 'notifier down 20 s', { faultAtMs: 3_000, trafficMs: 12_000, recoveryMs: 60_000 }, async () => {
      await fleet.current('notifier').kill();
      await sleep(NOTIFIER_DOWN_MS);
      await fleet.start('notifier');
      return '';
    });
  }, 150_000);

  it('6. the webhook receiver down (refused, then 503) for two minutes, then back: every notification delivered, in order', async () => {
    await scenario(6, 'receiver down 120 s', { faultAtMs: 3_000, trafficMs: 12_000, recoveryMs: 60_000 }, async () => {
      await receiver.stop();
      await sleep(RECEIVER_REFUSED_MS);
      receiverStatus = 503;
      await receiver.start(PORTS.receiver);
      await sleep(RECEIVER_503_MS);
      receiverStatus = 200;
      return `connection refused ${RECEIVER_REFUSED_MS / 1000} s, then 503 for ${RECEIVER_503_MS / 1000} s`;
    });
  }, 300_000);

  it('7. rolling restart: each worker replaced, the old one stopped with SIGTERM, exits 0', async () => {
    const exits: string[] = [];
    const graceless: string[] = [];
    await scenario(
      7,
      'rolling restart (SIGTERM)',
      { faultAtMs: 3_000, trafficMs: 16_000, recoveryMs: 60_000 },
      async () => {
        for (const name of ['voice', 'sms', 'notifier'] as const) {
          const old = fleet.current(name);
          await fleet.start(name);
          old.signal('SIGTERM');
          const exit = await old.exited;
          exits.push(`${old.label} ${exit.signal ?? exit.code}`);
          if (exit.code !== 0) {
            await sleep(500); // its log file is closed 100 ms after the exit
            const lines = readFileSync(join(logDir, `${old.label}.log`), 'utf8')
              .trimEnd()
              .split('\n');
            graceless.push(
              `${old.label} exited ${exit.signal ?? exit.code}; last line: ${lines.at(-1)?.slice(0, 200)}`,
            );
          }
        }
        return `exits: ${exits.join(', ')}`;
      },
    );
    expect(exits).toHaveLength(3);
    expect(graceless).toEqual([]);
  }, 180_000);

  it('8. the SMS centre drops every connection mid-send (an SMSC restart): each accepted send submitted once', async () => {
    await scenario(
      8,
      'SMSC drops connections',
      { faultAtMs: 4_000, trafficMs: 10_000, recoveryMs: 130_000 },
      async () => {
        const outstanding = smsc.submits.length;
        smsc.dropConnections();
        return `dropped after ${outstanding} submits`;
      },
    );
  }, 220_000);

  it('9. the gateway killed (SIGKILL) mid-request, then started: what it committed is carried out once (outbox relay)', async () => {
    await scenario(9, 'gateway SIGKILL', { faultAtMs: 4_000, trafficMs: 12_000, recoveryMs: 60_000 }, async () => {
      const down = Date.now();
      await fleet.current('gateway').kill();
      await fleet.start('gateway');
      return `gateway away ${((Date.now() - down) / 1000).toFixed(1)} s`;
    });
  }, 180_000);

  it('10. no verification code, app secret, captcha credential or operator token in any log line of the run', async () => {
    await fleet.stopAll(); // every process writes its last lines before the scan
    const smsCodes = new Set<string>();
    for (const submit of smsc.submits)
      for (const code of submit.text.match(/(?<![0-9])[0-9]{8}(?![0-9])/g) ?? []) smsCodes.add(code);
    expect(smsCodes.size).toBeGreaterThan(100);
    expect(secrets.voiceCodes.size).toBeGreaterThan(100);
    const logs = fleet.logs();
    const lines = logs.flatMap(({ source, text }) => [...logLinesOf(source, text)]);
    expect(lines.length).toBeGreaterThan(1000);
    expect(lines.some((l) => l.text.includes('"level":"debug"'))).toBe(true);
    const leaks = scanLogLines(lines, {
      codes: [
        ...[...secrets.voiceCodes].map((value) => ({ kind: 'voice verifyCode', value })),
        ...[...smsCodes].map((value) => ({ kind: 'SMS code', value })),
        { kind: 'SMPP password', value: smppPassword },
      ],
      secrets: [
        ...appSecrets.map((value) => ({ kind: 'app secret', value })),
        ...[...secrets.captchaCredentials].map((value) => ({ kind: 'captcha credential', value })),
        { kind: 'operator token', value: adminToken },
        { kind: 'master key', value: masterKey },
        { kind: 'SMPP URL credentials', value: `faults:${smppPassword}` },
      ],
    });
    console.log(
      `log scan: ${lines.length} lines from ${logs.length} processes, ${secrets.voiceCodes.size + smsCodes.size} codes and ${secrets.captchaCredentials.size + appSecrets.length + 3} secrets looked for, ${leaks.length} found`,
    );
    expect(leaks).toEqual([]);
  }, 60_000);

  function infraQuery(sql: string): Promise<{ count: number }[]> {
    return infra.query<{ count: number }>(sql);
  }
});
