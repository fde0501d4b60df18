import { Controller, Get, Res } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { platformHealthChecks } from '#libs/platform';
import { runChecks } from '#libs/runtime';

/** Readiness: PostgreSQL answers and RabbitMQ is connected (503 otherwise), as for every app. */
@Controller('health')
export class HealthController {
  constructor(private readonly moduleRef: ModuleRef) {}

  @Get()
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    // strict: false — DataSource and Broker come from the global PlatformModule, not this module.
    const report = await runChecks(
      platformHealthChecks({
        get: ((token: never) => this.moduleRef.get(token, { strict: false })) as ModuleRef['get'],
      }),
    );
    reply.status(report.status === 'ok' ? 200 : 503);
    return report;
  }

  @Get('live')
  live() {
    return { status: 'ok' };
  }
}
