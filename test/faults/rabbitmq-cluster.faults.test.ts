import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { Queues } from '#libs/contracts';
import { TestInfrastructure } from '#libs/testing';
import { PlatformUnderTest } from './support/platform-under-test.js';
import {
  checkScope,
  driveTraffic,
  Scope,
  type ScopeReport,
  type SentSecrets,
  type TrafficResult,
} from './support/traffic.js';

/**
 * A three-node RabbitMQ cluster on this machine (scripts/rabbitmq-cluster.sh: nodes on 5701-5703,
 * never the machine's own node on 5672), the platform connected with one URL per node, and the
 * node leading the command queues stopped mid-traffic. It stays down: the platform runs on the
 * two nodes left. Every accepted call must end once with one CDR, every accepted SMS be submitted
 * once, and every webhook arrive, in order. The cluster is removed afterwards, also on failure.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCRIPT = join(ROOT, 'scripts/rabbitmq-cluster.sh');
const CLUSTER_ENV = {
  ...process.env,
  VERIGATE_CLUSTER_DIR: join(tmpdir(), 'verigate-faults-rabbitmq-cluster'),
  VERIGATE_CLUSTER_NODES: '3',
  VERIGATE_CLUSTER_PORT: '5701',
  VERIGATE_CLUSTER_DIST_PORT: '25701',
};
// Apart from the main fault suite's 3950-3999, so the two can never collide.
const PORTS = { receiver: 3900, smsc: 3901, gateway: 3902, firstHealthPort: 3910, lastHealthPort: 3940 };
const RATE = 8;
/**
 * ESME_RSYSERR, a transient refusal: the sms worker sends the command round its wait queue
 * `sms.send.wait`. The SMS centre refuses every submit from 2 s before the node loss until 1 s
 * after it, so SMS are waiting their retry delay when the node goes: each must still be sent once
 * (the wait-queue pump acks a message only after its publish back is confirmed; RabbitMQ 3.10.8's
 * at-least-once dead-lettering of a TTL delay queue stranded them after the leader loss).
 */
const ESME_RSYSERR = 0x08;
const execFileAsync = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The cluster script, awaited without blocking: the SMS centre, the webhook receiver and the
 * traffic run in this process, and a synchronous call (rabbitmqctl takes seconds) would stall
 * them (an SMPP bind timing out is then the test's fault, not the platform's).
 */
async function cluster(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('bash', [SCRIPT, ...args], {
    env: CLUSTER_ENV,
    encoding: 'utf8',
    timeout: 300_000,
  });
  return stdout.trim();
}

/** For the process 'exit' hook, where only synchronous work runs. */
function stopClusterSync(): void {
  execFileSync('bash', [SCRIPT, 'stop'], { env: CLUSTER_ENV, timeout: 120_000, stdio: 'ignore' });
}

async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: databaseUrl.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

describe('RabbitMQ cluster: the node leading the command queues is lost mid-traffic', () => {
  // Its own database; the AMQP namespace lives only on the cluster, which is deleted whole.
  const infra = new TestInfrastructure('faults_cluster');
  const logDir = join(tmpdir(), `verigate-faults-cluster-${process.pid}`);
  const secrets: SentSecrets = { voiceCodes: new Set(), captchaCredentials: new Set() };
  let platform: PlatformUnderTest | undefined;
  let passed = false;

  // Whatever happens (a failed assertion, a timeout, Ctrl-C), the apps die and the cluster goes.
  const onExit = () => {
    platform?.fleet.killAllSync();
    try {
      stopClusterSync();
    } catch (error) {
      process.stderr.write(`cluster fault test: could not stop the cluster: ${String(error)}\n`);
    }
  };
  const onSignal = () => {
    onExit();
    process.exit(130);
  };

  beforeAll(async () => {
    process.once('exit', onExit);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    await cluster('stop'); // a previous run's nodes, if any
    await dropDatabase(infra.databaseUrl);
    await cluster('start');
    platform = new PlatformUnderTest({
      root: ROOT,
      logDir,
      databaseUrl: infra.databaseUrl,
      rabbitmqUrl: await cluster('urls'),
      amqpNamespace: infra.id,
      ports: PORTS,
    });
    await platform.start();
  }, 400_000);

  afterAll(async () => {
    try {
      await platform?.stop();
    } finally {
      await cluster('stop');
      if (passed) await dropDatabase(infra.databaseUrl);
      process.removeListener('exit', onExit);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      console.log(`cluster fault test: app logs in ${logDir}`);
    }
  }, 120_000);

  it('every accepted call ends once with one CDR, every accepted SMS is sent once, webhooks complete and in order', async () => {
    const target = platform!.target!;
    const scope = new Scope(1);
    const commandQueues = [Queues.voiceCalls, Queues.smsSend].map((q) => `${infra.id}.${q}`);
    let note: string;
    let lostNode: string;
    const driving = driveTraffic(target, scope, secrets, 24_000, RATE);
    let traffic: TrafficResult;
    try {
      await sleep(4_000);
      platform!.smsc.failNext(Number.MAX_SAFE_INTEGER, ESME_RSYSERR);
      await sleep(2_000);
      const leaders = await Promise.all(commandQueues.map((q) => cluster('leader', q)));
      // Where the retries wait (their leader lost too, or not).
      const waitLeaders = await Promise.all(commandQueues.map((q) => cluster('leader', `${q}.wait`)));
      const lost = leaders[0]!;
      lostNode = lost;
      const stopped = Date.now();
      await cluster('stop-node', lost).finally(() => setTimeout(() => platform!.smsc.failNext(0, ESME_RSYSERR), 1_000));
      note = `leaders of ${commandQueues.join(', ')}: node ${leaders.join(', node ')} (their wait queues: node ${waitLeaders.join(', node ')}); node ${lost} stopped in ${((Date.now() - stopped) / 1000).toFixed(1)} s`;
      // The queues must have a new leader on a node left.
      const survivor = lost === '1' ? '2' : '1';
      const newLeader = await cluster('ctl', survivor, '-q', 'list_queues', 'name', 'leader', '--no-table-headers');
      note += `; after: ${newLeader
        .split('\n')
        .filter((l) => commandQueues.some((q) => l.startsWith(`${q}\t`)))
        .join(' | ')
        .replace(/\t/g, ' ')}`;
    } finally {
      traffic = await driving;
    }
    note += `; submits refused by the SMS centre around the loss: ${target.smsc.submits.filter((s) => s.status === ESME_RSYSERR).length}`;

    let report: ScopeReport | undefined;
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        report = await checkScope(target, scope, traffic);
        if (report.problems.length === 0 || Date.now() > deadline) break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      await sleep(1_000);
    }
    // Where messages still wait (if anywhere) on the nodes left: a lost one is in none of them.
    // `messages` counts those a wait-queue pump holds (unacked) too: with the apps still running,
    // the command and wait queues must empty (a retry stranded anywhere would stay).
    const survivorNode = lostNode === '1' ? '2' : '1';
    const queueDepths = async () =>
      (
        await cluster('ctl', survivorNode, '-q', 'list_queues', 'name', 'type', 'messages', '--no-table-headers').catch(
          (e: Error) => e.message,
        )
      )
        .split('\n')
        .filter((l) => l.startsWith(`${infra.id}.`))
        .map((l) => l.replace(/\t/g, ' '));
    const commandAndWaitQueues = commandQueues.flatMap((q) => [q, `${q}.wait`]);
    const notEmpty = (lines: string[]) =>
      lines.filter((l) => commandAndWaitQueues.includes(l.split(' ')[0]!) && !l.endsWith(' 0'));
    let lines = await queueDepths();
    for (const drainDeadline = Date.now() + 30_000; notEmpty(lines).length > 0 && Date.now() < drainDeadline;) {
      await sleep(1_000);
      lines = await queueDepths();
    }
    const depths = lines.join(' | ');
    console.log(
      `cluster fault test: ${note}\nqueues after: ${depths}\nvoice ${traffic.voice.accepted.size}/${traffic.voice.attempted} accepted, refused ${JSON.stringify(traffic.voice.refused)}, ${JSON.stringify(report.voice)}\n` +
        `sms ${traffic.sms.accepted.size}/${traffic.sms.attempted} accepted, refused ${JSON.stringify(traffic.sms.refused)}, ${JSON.stringify(report.sms)}`,
    );
    expect(traffic.voice.accepted.size).toBeGreaterThanOrEqual(Math.max(20, traffic.voice.attempted * 0.3));
    expect(traffic.sms.accepted.size).toBeGreaterThanOrEqual(Math.max(20, traffic.sms.attempted * 0.3));
    expect(report.problems).toEqual([]);
    expect(notEmpty(lines)).toEqual([]);
    expect(report.voice.sessions).toBeGreaterThanOrEqual(traffic.voice.accepted.size);
    expect(report.sms.messages).toBeGreaterThanOrEqual(traffic.sms.accepted.size);
    passed = true;
  }, 300_000);
});
