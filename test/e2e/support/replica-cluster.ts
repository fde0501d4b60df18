import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

/**
 * A throwaway PostgreSQL 15 primary and a streaming replica of it (pg_basebackup -R) in a temp
 * directory, on ports of their own. initdb refuses root: as root, the binaries run as `postgres`.
 */
export class ReplicaCluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'verigate-replica-'));
  private started: string[] = [];

  constructor(
    readonly primaryPort = 5461,
    readonly replicaPort = 5462,
  ) {}

  url(port: number, database = 'verigate'): string {
    return `postgres://postgres@127.0.0.1:${port}/${database}`;
  }

  async start(): Promise<void> {
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const uid = Number(stdout.trim());
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(this.dir, uid, Number(gid.trim()));
    }
    const primary = join(this.dir, 'primary');
    const replica = join(this.dir, 'replica');
    // initdb's pg_hba trusts local connections, replication ones from 127.0.0.1 included; wal_level is replica by default.
    await this.pg('initdb', ['-D', primary, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    await this.startServer(primary, this.primaryPort);
    await this.pg('pg_basebackup', [
      ...['-h', '127.0.0.1', '-p', String(this.primaryPort), '-U', 'postgres'],
      ...['-D', replica, '-R', '-X', 'stream', '--no-sync'],
    ]);
    await this.startServer(replica, this.replicaPort);
  }

  /** Runs one statement on a server (a connection of its own). */
  async query<T = Record<string, unknown>>(port: number, sql: string, params: unknown[] = [], database = 'verigate') {
    const client = new pg.Client({ connectionString: this.url(port, database) });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Stops the replica (fast shutdown): its clients' connections drop. */
  async stopReplica(): Promise<void> {
    await this.stopServer(join(this.dir, 'replica'));
  }

  /** Stops both servers and removes the directory; safe after a failed start. */
  async dispose(): Promise<void> {
    for (const data of [...this.started].reverse()) await this.stopServer(data).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async startServer(data: string, port: number): Promise<void> {
    const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off`;
    this.started.push(data);
    await this.pg('pg_ctl', ['-D', data, '-o', options, '-l', `${data}.log`, '-w', 'start']);
  }

  private async stopServer(data: string): Promise<void> {
    if (!this.started.includes(data)) return;
    await this.pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    this.started = this.started.filter((d) => d !== data);
  }

  private pg(tool: string, args: string[]) {
    const command = join(BIN, tool);
    return process.getuid?.() === 0
      ? run('runuser', ['-u', 'postgres', '--', command, ...args], { cwd: this.dir })
      : run(command, args, { cwd: this.dir });
  }
}
