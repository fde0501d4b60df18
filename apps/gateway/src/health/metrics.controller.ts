import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Metrics, metricsAuthorized, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';

/** Prometheus scrape endpoint (text format 0.0.4); behind VERIGATE_METRICS_TOKEN when it is set. */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    if (!metricsAuthorized(authorization, this.config.metricsToken)) {
      await reply
        .status(401)
        .header('www-authenticate', 'Bearer')
        .header('content-type', 'text/plain')
        .send('metrics need Authorization: Bearer <VERIGATE_METRICS_TOKEN>\n');
      return;
    }
    const text = await this.metrics.text();
    await reply
      .status(200)
      .header('content-type', this.metrics.contentType)
      .header('cache-control', 'no-store')
      .send(text);
  }
}
