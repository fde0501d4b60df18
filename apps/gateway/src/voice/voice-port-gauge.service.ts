import { Injectable } from '@nestjs/common';
import { VOICE_WORKER_STALE_SECONDS } from '#libs/contracts';
import { VoiceWorkersRepository } from '#libs/persistence';

const REFRESH_MS = 250;

/**
 * `idlePort`: the platform's free voice ports = ports of live voice workers minus calls accepted
 * or in progress. Cached for 250 ms so asking costs no query per request.
 */
@Injectable()
export class VoicePortGauge {
  private cached?: { at: number; value: Promise<number> };

  constructor(private readonly workers: VoiceWorkersRepository) {}

  idlePorts(): Promise<number> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < REFRESH_MS) return this.cached.value;
    const value = this.load();
    this.cached = { at: now, value };
    value.catch(() => (this.cached = undefined));
    return value;
  }

  private async load(): Promise<number> {
    const { ports, busy } = await this.workers.portsAndBusyCalls(VOICE_WORKER_STALE_SECONDS);
    return Math.max(0, Math.min(65535, ports - busy));
  }
}
