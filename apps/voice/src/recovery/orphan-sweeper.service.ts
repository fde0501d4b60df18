import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { VOICE_WORKER_STALE_SECONDS } from '#libs/contracts';
import { APP_LOGGER, JsonLogger, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { CallSessionsRepository } from '#libs/persistence';

/**
 * Beyond ring timeout + longest call + this, a session still `calling` has been lost track of.
 * Longer than the worker's own retries to record a call's end (~2 minutes).
 */
const STALE_CALL_MARGIN_S = 300;

/**
 * A worker killed mid-call (SIGKILL, host lost) cannot report its calls' ends. Any live voice
 * worker finds sessions still `calling` whose worker stopped heart-beating and ends them with
 * stateCode 8000 (internal error), so each still gets its disconnect event and exactly one CDR.
 * The call is never placed again: the callee may already have heard the code.
 */
@Injectable()
export class OrphanSweeperService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly sessions: CallSessionsRepository,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.voice.orphanSweepSeconds === 0) return;
    this.timer = setInterval(() => void this.sweep(), this.config.voice.orphanSweepSeconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Ends every orphaned call found now; returns how many this sweeper ended. */
  async sweep(): Promise<number> {
    try {
      let ended = 0;
      const longestCall = this.config.voice.ringTimeoutSeconds + this.config.voice.maxCallSeconds + STALE_CALL_MARGIN_S;
      for (const call of await this.sessions.findOrphans(VOICE_WORKER_STALE_SECONDS, longestCall)) {
        // Another sweeper may end it first; `finish` is a compare-and-set, so only one CDR exists.
        if (await this.sessions.finish(call, { kind: 'internal', reason: 'voice worker lost during the call' })) {
          ended += 1;
          this.logger.warn('orphaned call ended', { sessionId: call.sessionId });
        }
      }
      return ended;
    } catch (error) {
      this.logger.warn('orphan sweep failed', { error: (error as Error).message });
      return 0;
    }
  }
}
