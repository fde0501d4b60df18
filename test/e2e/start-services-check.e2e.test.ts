import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * `npm start` (scripts/start.mjs, run from dist/ after the build) on a machine where a service is
 * missing: it names the service, its address without the password and the command that brings
 * it up, starts no app, and exits non-zero.
 */
const root = join(import.meta.dirname, '..', '..');

/** A port nothing listens on: one the kernel just handed out and that was closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function runStart(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'scripts/start.mjs')], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm start without a service', () => {
  it('names RabbitMQ, its URL without the password and the command that starts it, and exits non-zero', async () => {
    const port = await closedPort();
    const result = await runStart({ RABBITMQ_URL: `amqp://guest:not-to-be-printed@127.0.0.1:${port}` });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`RabbitMQ is not reachable at amqp://***@127.0.0.1:${port}`);
    expect(result.stderr).toContain('npm run services');
    expect(result.stderr).toContain('docker compose up -d postgres rabbitmq');
    expect(result.stderr).not.toContain('PostgreSQL is not reachable');
    expect(`${result.stdout}${result.stderr}`).not.toContain('not-to-be-printed');
    expect(result.stdout).not.toContain('gateway  |'); // no app was started
  });

  it('names PostgreSQL the same way, and RabbitMQ only when no node of its list answers', async () => {
    const port = await closedPort();
    const rabbitPort = await closedPort();
    const result = await runStart({
      DATABASE_URL: `postgres://postgres:pg-secret@127.0.0.1:${port}/verigate`,
      // One closed node beside the machine's own: RabbitMQ counts as there.
      RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${rabbitPort},amqp://guest:guest@127.0.0.1:5672`,
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`PostgreSQL is not reachable at postgres://***@127.0.0.1:${port}/verigate`);
    expect(result.stderr).not.toContain('RabbitMQ is not reachable');
    expect(result.stderr).toContain('npm run services');
    expect(result.stderr).not.toContain('pg-secret');
  });
});
