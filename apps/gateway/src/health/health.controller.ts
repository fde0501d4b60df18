import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Broker } from '#libs/messaging';
import { runChecks } from '#libs/runtime';

/** Readiness: PostgreSQL answers and RabbitMQ is connected (503 otherwise). */
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly broker: Broker,
  ) {}

  @Get()
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const report = await runChecks({
      postgres: async () => { await this.dataSource.query('SELECT 1'); },
      rabbitmq: async () => { if (!this.broker.isConnected) throw new Error('not connected'); },
    });
    reply.status(report.status === 'ok' ? 200 : 503);
    return report;
  }

  @Get('live')
  live() {
    return { status: 'ok' };
  }
}
