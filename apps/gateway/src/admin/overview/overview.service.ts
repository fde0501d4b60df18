import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { VOICE_WORKER_STALE_SECONDS } from '#libs/contracts';
import { VoiceWorkersRepository } from '#libs/persistence';
import { METRIC_PREFIX, Metrics } from '#libs/runtime';
import { minuteStarts, onMinutes, refusedByCode, type OverviewSeries } from './overview-figures.js';
import { OVERVIEW_SERIES, OverviewRepository } from './overview.repository.js';

/** The figures of the operator console's Overview (GET /admin/v1/overview). */
@Injectable()
export class OverviewService {
  /** verigate_api_requests_total lives in this gateway process: it counts what this process answered since then. */
  private readonly startedAt = new Date();

  constructor(
    private readonly overview: OverviewRepository,
    private readonly workers: VoiceWorkersRepository,
    private readonly metrics: Metrics,
  ) {}

  async figures(minutes: number) {
    const starts = minuteStarts(new Date(), minutes);
    const [rows, webhooks, ports] = await Promise.all([
      this.overview.perMinute(starts[0]!),
      this.overview.webhookQueue(),
      this.workers.portsAndBusyCalls(VOICE_WORKER_STALE_SECONDS),
    ]);
    const series = Object.fromEntries(
      OVERVIEW_SERIES.map((name) => [name, onMinutes(starts, rows[name])]),
    ) as OverviewSeries;
    return {
      generatedAt: new Date(),
      minutes: starts,
      series,
      webhooks,
      voicePorts: { total: ports.ports, busy: ports.busy, idle: Math.max(0, ports.ports - ports.busy) },
      refused: { since: this.startedAt, byCode: await this.refused() },
    };
  }

  private async refused() {
    const counter = this.metrics.registry.getSingleMetric(`${METRIC_PREFIX}api_requests_total`) as
      Counter<string> | undefined;
    if (!counter) return [];
    return refusedByCode((await counter.get()).values);
  }
}
