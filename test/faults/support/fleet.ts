import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

export type AppName = 'gateway' | 'voice' | 'sms' | 'notifier' | 'captcha';

/** One app process started from dist/, its stdout and stderr written line by line to a file of its own. */
export class AppProcess {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  constructor(
    readonly name: AppName,
    readonly label: string,
    readonly healthUrl: string,
    private readonly child: ChildProcess,
    log: WriteStream,
  ) {
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        // Let the pipes drain what the process wrote last before closing its file.
        setTimeout(() => log.end(), 100);
        resolve({ code, signal });
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.exit === null;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGKILL; resolves once the process is gone. */
  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }
}

/**
 * The apps of the fault suite as separate processes. Each started process gets the next health
 * port of the suite's range, so a replacement can start while the process it replaces drains.
 */
export class Fleet {
  readonly processes: AppProcess[] = [];
  private nextHealthPort: number;
  private readonly generation = new Map<AppName, number>();

  constructor(
    private readonly root: string,
    readonly logDir: string,
    private readonly env: Record<string, string>,
    private readonly ports: { gateway: number; firstHealthPort: number; lastHealthPort: number },
  ) {
    mkdirSync(logDir, { recursive: true });
    this.nextHealthPort = ports.firstHealthPort;
  }

  /** Starts an app and waits until its health endpoint answers 200. */
  async start(name: AppName, timeoutMs = 60_000): Promise<AppProcess> {
    const n = (this.generation.get(name) ?? 0) + 1;
    this.generation.set(name, n);
    const label = `${name}-${n}`;
    let env: Record<string, string>;
    let healthUrl: string;
    if (name === 'gateway') {
      env = { ...this.env, PORT: String(this.ports.gateway) };
      healthUrl = `http://127.0.0.1:${this.ports.gateway}/health`;
    } else {
      if (this.nextHealthPort > this.ports.lastHealthPort) throw new Error('fault suite: out of health ports');
      const healthPort = this.nextHealthPort++;
      env = { ...this.env, VERIGATE_HEALTH_PORT: String(healthPort) };
      healthUrl = `http://127.0.0.1:${healthPort}/health`;
    }
    const child = spawn(process.execPath, [join(this.root, `dist/apps/${name}/src/main.js`)], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const app = new AppProcess(name, label, healthUrl, child, createWriteStream(join(this.logDir, `${label}.log`)));
    this.processes.push(app);
    await this.waitHealthy(app, timeoutMs);
    return app;
  }

  async waitHealthy(app: AppProcess, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!app.running)
        throw new Error(
          `${app.label} exited while starting (${JSON.stringify(app.exit)}); see ${this.logDir}/${app.label}.log`,
        );
      try {
        if ((await fetch(app.healthUrl, { signal: AbortSignal.timeout(2_000) })).status === 200) return;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`${app.label} not healthy after ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** The live process of an app (the newest, when a replacement runs beside a draining one). */
  current(name: AppName): AppProcess {
    const live = this.processes.filter((p) => p.name === name && p.running);
    if (live.length === 0) throw new Error(`no ${name} process is running`);
    return live[live.length - 1]!;
  }

  /** Every started process: SIGKILL (synchronous, for the 'exit' hook). */
  killAllSync(): void {
    for (const p of this.processes) p.signal('SIGKILL');
  }

  async stopAll(): Promise<void> {
    for (const p of this.processes) p.signal('SIGTERM');
    const gone = Promise.all(this.processes.map((p) => p.exited));
    const timedOut = await Promise.race([
      gone.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 20_000).unref()),
    ]);
    if (timedOut) await Promise.all(this.processes.map((p) => p.kill()));
  }

  /** Every line every process wrote, as (file, text) pairs. */
  logs(): { source: string; text: string }[] {
    return readdirSync(this.logDir)
      .filter((f) => f.endsWith('.log'))
      .map((f) => ({ source: f, text: readFileSync(join(this.logDir, f), 'utf8') }));
  }
}
