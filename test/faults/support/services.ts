import { execFileSync, execSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

/**
 * The machine's own PostgreSQL and RabbitMQ, stopped and started with the machine's commands
 * (the same ones .ci/run uses). Whatever stopped is started again: `restore` (async, from
 * afterAll) and `restoreSync` (from a process 'exit' hook, and on SIGINT/SIGTERM) both start any
 * service that is not answering, whether or not this process stopped it.
 */
const PG_HOST = ['-h', '127.0.0.1', '-p', '5432'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function pgCluster(): string {
  const versions = readdirSync('/etc/postgresql');
  if (versions.length !== 1)
    throw new Error(`expected one PostgreSQL version in /etc/postgresql, found ${versions.join(', ')}`);
  return versions[0]!;
}

function run(command: string, args: string[], timeoutMs = 120_000): void {
  execFileSync(command, args, { stdio: 'ignore', timeout: timeoutMs });
}

function succeeds(command: string, args: string[], timeoutMs = 20_000): boolean {
  try {
    run(command, args, timeoutMs);
    return true;
  } catch {
    return false;
  }
}

export const postgresUp = (): boolean => succeeds('pg_isready', [...PG_HOST, '-q'], 5_000);
export const rabbitUp = (): boolean => succeeds('rabbitmqctl', ['-q', 'status'], 30_000);

async function waitFor(what: string, up: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!up()) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

export async function stopPostgres(): Promise<void> {
  run('pg_ctlcluster', ['--skip-systemctl-redirect', pgCluster(), 'main', 'stop', '-m', 'fast']);
}

export async function startPostgres(): Promise<void> {
  if (!postgresUp()) run('pg_ctlcluster', ['--skip-systemctl-redirect', pgCluster(), 'main', 'start']);
  await waitFor('PostgreSQL', postgresUp, 60_000);
}

/** A true restart stops the whole Erlang node (queues recovered from disk on start), not only the app. */
export async function stopRabbit(): Promise<void> {
  run('rabbitmqctl', ['stop']);
  // `stop` can return while the node is still shutting down; a start then would find it alive.
  const deadline = Date.now() + 60_000;
  while (rabbitUp()) {
    if (Date.now() > deadline) throw new Error('RabbitMQ did not stop within 60 s');
    await sleep(500);
  }
}

export async function startRabbit(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    if (!rabbitUp()) {
      // -detached returns at once; a start while a node is booting or stopping fails harmlessly.
      try {
        run('rabbitmq-server', ['-detached']);
      } catch {
        /* booting already */
      }
    }
    try {
      run('rabbitmqctl', ['await_startup'], 120_000);
      // The app may be stopped (stop_app) while the node runs.
      run('rabbitmqctl', ['-q', 'start_app'], 120_000);
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      await sleep(2_000);
    }
  }
}

/** At suite start (like .ci/run) and after every scenario: both services answering. */
export async function restore(): Promise<void> {
  await startPostgres();
  await startRabbit();
}

export function restoreSync(): void {
  try {
    if (!postgresUp()) {
      execSync(`pg_ctlcluster --skip-systemctl-redirect ${pgCluster()} main start`, {
        stdio: 'ignore',
        timeout: 60_000,
      });
    }
  } catch (error) {
    process.stderr.write(`fault suite: could not start PostgreSQL again: ${String(error)}\n`);
  }
  try {
    if (!rabbitUp()) {
      try {
        execSync('rabbitmq-server -detached', { stdio: 'ignore', timeout: 30_000 });
      } catch {
        /* booting already */
      }
    }
    execSync('rabbitmqctl await_startup && rabbitmqctl -q start_app', { stdio: 'ignore', timeout: 120_000 });
  } catch (error) {
    process.stderr.write(`fault suite: could not start RabbitMQ again: ${String(error)}\n`);
  }
}
