import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { TestInfrastructure } from '#libs/testing';

/** Jest runs from the repository root (where dist/ is built). */
const ROOT = process.cwd();

/** A free TCP port on this machine (taken by the OS, then released for the caller). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export type AppName = 'gateway' | 'captcha' | 'sms' | 'voice' | 'notifier';

/**
 * One built app (`npm run build` first) as a real process, on the test's own database and AMQP
 * namespace: what a rolling restart or an orchestrator's SIGTERM acts on. Its JSON log lines are kept.
 */
export class AppProcess {
  readonly lines: Array<Record<string, unknown>> = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  private constructor(
    readonly name: AppName,
    readonly port: number,
    env: Record<string, string>,
  ) {
    this.child = spawn(process.execPath, [join(ROOT, 'dist/apps', name, 'src/main.js')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      for (const line of parts) {
        try {
          this.lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          this.lines.push({ msg: line });
        }
      }
    };
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', onData);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Starts `name` and resolves once it has logged that it started. `port`: the gateway's PORT or the worker's health port. */
  static async start(name: AppName, infra: TestInfrastructure, env: Record<string, string> = {}): Promise<AppProcess> {
    if (!existsSync(join(ROOT, 'dist/apps', name, 'src/main.js')))
      throw new Error(`dist/apps/${name} is missing: run \`npm run build\` before these tests`);
    const port = await freePort();
    const app = new AppProcess(name, port, {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: infra.databaseUrl,
      ...(process.env.RABBITMQ_URL ? { RABBITMQ_URL: process.env.RABBITMQ_URL } : {}),
      VERIGATE_AMQP_NAMESPACE: infra.id,
      VERIGATE_WEBHOOK_ALLOW_PRIVATE: 'true',
      LOG_LEVEL: 'info',
      ...(name === 'gateway' ? { PORT: String(port) } : { VERIGATE_HEALTH_PORT: String(port) }),
      ...env,
    });
    const started = name === 'gateway' ? 'gateway listening' : `${name} started`;
    const deadline = Date.now() + 30_000;
    while (!app.logged(started)) {
      const exit = await Promise.race([app.exited, new Promise((resolve) => setTimeout(resolve, 50))]);
      if (exit || Date.now() > deadline) {
        app.child.kill('SIGKILL');
        throw new Error(`${name} did not start: ${JSON.stringify(app.lines.slice(-5))}`);
      }
    }
    return app;
  }

  logged(msg: string): boolean {
    return this.lines.some((line) => line.msg === msg);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  signal(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.child.kill(signal);
  }

  /** The exit, or an error if it has not come within `timeoutMs` (the process is then killed). */
  async exit(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(
          new Error(
            `${this.name} did not exit within ${timeoutMs} ms; last lines: ${JSON.stringify(this.lines.slice(-5))}`,
          ),
        );
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** For afterAll: makes sure nothing is left running. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
