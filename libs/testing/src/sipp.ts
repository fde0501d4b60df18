import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseRtpHeader } from '#libs/media';

/**
 * A UDP port in 25000–29999 that is free right now (random, then bound and released), so tests on
 * this machine, in this worktree or another, do not collide.
 */
export async function freeTestPort(taken: ReadonlySet<number> = new Set(), even = false): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    let port = randomInt(25000, 30000);
    if (even) port -= port % 2;
    if (taken.has(port)) continue;
    const socket = createSocket('udp4');
    const ok = await new Promise<boolean>((resolve) => {
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => resolve(true));
    });
    await new Promise<void>((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
    if (ok) return port;
  }
  throw new Error('no free UDP port in 25000-29999');
}

export interface SippResult {
  code: number | null;
  output: string;
}

/**
 * SIPp (Debian's sip-tester) as the callee: one call of a scenario from test/sipp/, on a random
 * loopback port. `-key name value` fills [name] in the scenario.
 */
export class SippUas {
  readonly exited: Promise<SippResult>;
  private readonly child: ChildProcess;
  private output = '';

  private constructor(
    readonly port: number,
    scenario: string,
    keys: Record<string, string | number>,
    mediaPort: number,
    calls: number,
  ) {
    const args = [
      '-sf',
      scenario,
      '-i',
      '127.0.0.1',
      '-p',
      String(port),
      '-mp',
      String(mediaPort),
      '-m',
      String(calls),
      '-nostdin',
      '-timeout',
      '30s',
      '-timeout_error',
    ];
    for (const [k, v] of Object.entries(keys)) args.push('-key', k, String(v));
    this.child = spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      stream.on('data', (chunk: Buffer) => {
        this.output = (this.output + chunk.toString('utf8')).slice(-20_000);
      });
    }
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => resolve({ code: -1, output: `${error.message}\n${this.output}` }));
      this.child.once('exit', (code) => resolve({ code, output: this.output }));
    });
  }

  /** The scenario file `name` of test/sipp/. */
  static scenario(name: string): string {
    const candidates = [
      join(process.cwd(), 'test/sipp', name),
      join(new URL('.', import.meta.url).pathname, '../../../test/sipp', name),
    ];
    const found = candidates.find((c) => existsSync(c));
    if (!found) throw new Error(`SIPp scenario ${name} not found`);
    return found;
  }

  /** `calls`: how many calls SIPp takes (concurrently) before it exits. */
  static async start(scenarioName: string, keys: Record<string, string | number> = {}, calls = 1): Promise<SippUas> {
    const port = await freeTestPort();
    const mediaPort = await freeTestPort(new Set([port]), true);
    const uas = new SippUas(port, SippUas.scenario(scenarioName), keys, mediaPort, calls);
    // SIPp binds its port at once; give it a moment, and fail early if it died.
    const early = await Promise.race([uas.exited, new Promise<null>((r) => setTimeout(() => r(null), 300))]);
    if (early) throw new Error(`sipp exited at start (${early.code}):\n${early.output.slice(-2000)}`);
    return uas;
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

export interface CapturedRtp {
  at: number;
  version: number;
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  payload: Buffer;
}

/** A UDP socket that records every RTP packet sent to it (the callee's ear). */
export class RtpCapture {
  readonly packets: CapturedRtp[] = [];
  private socket?: Socket;
  port = 0;

  async start(): Promise<this> {
    this.port = await freeTestPort(new Set(), true);
    this.socket = createSocket('udp4');
    this.socket.on('message', (b: Buffer) => {
      if (b.length < 12) return;
      const { version, marker, payloadType, sequence, timestamp, ssrc } = parseRtpHeader(b);
      this.packets.push({
        at: performance.now(),
        version,
        marker,
        payloadType,
        sequence,
        timestamp,
        ssrc,
        payload: b.subarray(12),
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.socket!.once('error', reject);
      this.socket!.bind(this.port, '127.0.0.1', () => resolve());
    });
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.socket ? this.socket.close(() => resolve()) : resolve()));
  }
}
