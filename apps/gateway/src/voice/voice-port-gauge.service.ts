import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { VOICE_WORKER_STALE_SECONDS } from '#libs/contracts';

const REFRESH_MS = 250;

/**
 * `idlePort`: the platform's free voice ports = ports of live voice workers minus calls accepted
 * or in progress. Cached for 250 ms so asking costs no query per request.
 */
@Injectable()
export class VoicePortGauge {
  private cached?: { at: number; value: Promise<number> };

  constructor(private readonly dataSource: DataSource) {}

  idlePorts(): Promise<number> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < REFRESH_MS) return this.cached.value;
    const value = this.load();
    this.cached = { at: now, value };
    value.catch(() => (this.cached = undefined));
    return value;
  }

  private async load(): Promise<number> {
    const [row]: Array<{ ports: string; busy: string }> = await this.dataSource.query(
      `SELECT (SELECT COALESCE(sum(ports), 0) FROM voice_workers WHERE heartbeat_at > now() - ($1::int * interval '1 second')) AS ports,
              (SELECT count(*) FROM call_sessions WHERE state <> 'ended') AS busy`,
      [VOICE_WORKER_STALE_SECONDS],
    );
    return Math.max(0, Math.min(65535, Number(row!.ports) - Number(row!.busy)));
  }
}
