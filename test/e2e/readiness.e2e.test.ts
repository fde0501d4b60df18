import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { DatabaseProbe } from '#libs/platform';
import { expectEventually, TestInfrastructure } from '#libs/testing';
import { createGateway } from '../../apps/gateway/src/main.js';

/**
 * Readiness (`/health`) checks PostgreSQL on a connection of its own: a burst that holds every
 * connection of the app's pool must not make the instance look down (a load balancer would drop
 * every gateway at once), while a database that is really unreachable must.
 */
describe('readiness of PostgreSQL', () => {
  const infra = new TestInfrastructure();
  let gateway: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    gateway = await createGateway(infra.config(), infra.logger('gateway'));
    await gateway.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(gateway.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await gateway?.close();
    await infra.dispose();
  });

  it('stays ready while every connection of the pool is busy for longer than the health timeout', async () => {
    const dataSource = gateway.get(DataSource);
    const poolSize = (dataSource.driver as unknown as { master: { options: { max: number } } }).master.options.max;
    // Every pooled connection sleeps 4 s, twice the health check's 2 s timeout, and more wait.
    const burst = Array.from({ length: poolSize + 5 }, () => dataSource.query('SELECT pg_sleep(4)'));
    await expectEventually(async () => {
      const [{ busy }] = await infra.query<{ busy: number }>(
        `SELECT count(*)::int AS busy FROM pg_stat_activity WHERE datname = current_database() AND query = 'SELECT pg_sleep(4)' AND state = 'active'`,
      );
      expect(busy).toBe(poolSize);
    });
    const response = await fetch(`${baseUrl}/health`);
    const report = (await response.json()) as { checks: Record<string, string> };
    expect(report.checks.postgres).toBe('up');
    expect(response.status).toBe(200);
    await Promise.all(burst);
  });

  it('reconnects after its connection is cut', async () => {
    expect((await fetch(`${baseUrl}/health`)).status).toBe(200);
    const [{ terminated }] = await infra.query<{ terminated: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS terminated FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'verigate-readiness'`,
    );
    expect(terminated).toBe(1);
    await expectEventually(async () => {
      expect((await fetch(`${baseUrl}/health`)).status).toBe(200);
    });
  });

  it('reports a database it cannot reach as down', async () => {
    const probe = new DatabaseProbe({ ...infra.config(), databaseUrl: 'postgres://postgres@127.0.0.1:1/verigate' });
    await expect(probe.check()).rejects.toThrow();
    await probe.onApplicationShutdown();
  });
});
