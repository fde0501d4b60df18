import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { VOICE_WORKER_HEARTBEAT_MS } from '#libs/contracts';
import { VoiceWorkersRepository } from '#libs/persistence';
import { APP_LOGGER, JsonLogger, Metrics, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';

/**
 * This worker's voice ports. The worker registers itself in `voice_workers` with its port count
 * and heart-beats its active-call count; the gateway's `idlePort` is the sum over live workers.
 */
@Injectable()
export class VoicePortsService implements OnApplicationBootstrap {
  readonly workerId: string;
  private active = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly workers: VoiceWorkersRepository,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
    metrics: Metrics,
  ) {
    this.workerId = `${config.hostName}:${process.pid}:${randomUUID().slice(0, 8)}`;
    metrics.gauge('voice_active_calls', 'Calls this voice worker is carrying now', [], (g) => g.set(this.active));
    metrics.gauge(
      'voice_idle_ports',
      'Voice ports of this worker not carrying a call (VERIGATE_VOICE_PORTS minus active calls)',
      [],
      (g) => g.set(Math.max(0, this.capacity - this.active)),
    );
    metrics.gauge('voice_ports', 'Voice ports of this worker (VERIGATE_VOICE_PORTS)', [], (g) => g.set(this.capacity));
  }

  get capacity(): number {
    return this.config.voice.ports;
  }

  get activeCalls(): number {
    return this.active;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.heartbeat();
    this.timer = setInterval(() => void this.heartbeat(), VOICE_WORKER_HEARTBEAT_MS);
    this.timer.unref();
  }

  acquire(): void {
    this.active += 1;
  }

  release(): void {
    this.active = Math.max(0, this.active - 1);
  }

  async heartbeat(): Promise<void> {
    try {
      await this.workers.heartbeat({
        id: this.workerId,
        hostName: this.config.hostName,
        ports: this.capacity,
        activeCalls: this.active,
      });
    } catch (error) {
      this.logger.warn('voice port heartbeat failed', { error: (error as Error).message });
    }
  }

  /** Leaves the pool (graceful stop): the gateway stops counting these ports at once. */
  async unregister(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.workers.unregister(this.workerId).catch(() => undefined);
  }
}
