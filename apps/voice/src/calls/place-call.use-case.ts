import { Inject, Injectable } from '@nestjs/common';
import { callOutcome, type CallEnding } from '#libs/contracts';
import { SecretBox } from '#libs/auth';
import {
  APP_LOGGER,
  JsonLogger,
  Metrics,
  PLATFORM_CONFIG,
  secondsSince,
  SLOW_BUCKETS,
  type PlatformConfig,
} from '#libs/runtime';
import type { Disposition } from '#libs/messaging';
import { CARRIER, type Carrier } from '../carriers/carrier.js';
import { VoicePortsService } from '../ports/voice-ports.service.js';
import { CallSessionsRepository, type ClaimedCall } from '#libs/persistence';
import { CallStateMachine } from './call-state-machine.js';

/** ~2 minutes of retries (backoff up to 10 s) before giving the end of a call up to the sweeper. */
const FINISH_ATTEMPTS = 16;
/** A database blip while ringing or answering must not end the call: ~15 s of retries. */
const PROGRESS_ATTEMPTS = 6;

export interface PlaceCallCommandInput {
  sessionId: string;
  messageId: string;
}

/**
 * Places the call of one accepted session: claim (callout) → carrier → alerting / answer →
 * disconnect + CDR. Each step commits before the next; the command is acked only after the call
 * has ended and been recorded, so the queue's prefetch equals this worker's voice ports.
 */
@Injectable()
export class PlaceCallUseCase {
  private readonly live = new Map<string, AbortController>();
  private readonly placed;
  private readonly ended;
  private readonly duration;

  constructor(
    private readonly sessions: CallSessionsRepository,
    private readonly ports: VoicePortsService,
    @Inject(CARRIER) private readonly carrier: Carrier,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
    private readonly secretBox: SecretBox,
    metrics: Metrics,
  ) {
    this.placed = metrics.counter(
      'voice_calls_placed_total',
      'Calls this worker claimed and handed to its carrier (callout)',
    );
    this.ended = metrics.counter(
      'voice_calls_ended_total',
      'Calls ended and recorded, by the stateCode of their disconnect event',
      ['state_code'],
    );
    this.duration = metrics.histogram(
      'voice_call_duration_seconds',
      'From callout to the recorded end of a call',
      [],
      SLOW_BUCKETS,
    );
  }

  get liveCalls(): number {
    return this.live.size;
  }

  async execute(command: PlaceCallCommandInput): Promise<Disposition> {
    const log = this.logger.child({ sessionId: command.sessionId, messageId: command.messageId });
    const claim = await this.sessions.claim(command.sessionId, this.ports.workerId, (id) => this.live.has(id));
    if (claim.outcome === 'unknown-session') return { action: 'dead', reason: `unknown session ${command.sessionId}` };
    if (claim.outcome === 'already-handled') {
      log.info('duplicate place-call command skipped');
      return { action: 'ack' };
    }
    const call = claim.call;
    const machine = new CallStateMachine();
    machine.advance('callout');
    const controller = new AbortController();
    this.live.set(call.sessionId, controller);
    this.ports.acquire();
    log.info('call placed', { carrier: this.carrier.name, icid: call.icid });
    this.placed.inc();
    const startedNs = process.hrtime.bigint();
    try {
      const ending = await this.run(call, machine, controller.signal);
      await this.finishWithRetries(call, ending, log);
      const stateCode = callOutcome(ending).stateCode;
      this.ended.inc({ state_code: String(stateCode) });
      this.duration.observe(secondsSince(startedNs));
      log.info('call ended', {
        ending: ending.kind,
        stateCode,
        ...('sipStatus' in ending ? { sipStatus: ending.sipStatus } : {}),
      });
      return { action: 'ack' };
    } finally {
      this.ports.release();
      this.live.delete(call.sessionId);
    }
  }

  /**
   * The call has happened; its record must follow even through a database outage. `finish` is a
   * compare-and-set, so retrying is safe. If the database stays away for minutes, the error
   * propagates (the command is retried, finds the session taken and is acked) and the stale-call
   * sweeper ends the session later.
   */
  private async finishWithRetries(call: ClaimedCall, ending: CallEnding, log: JsonLogger): Promise<void> {
    await this.withRetries(() => this.sessions.finish(call, ending), FINISH_ATTEMPTS, log);
  }

  /** Each step is a compare-and-set, so repeating it after a database error is safe. */
  private async withRetries<T>(step: () => Promise<T>, attempts: number, log: JsonLogger = this.logger): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await step();
      } catch (error) {
        if (attempt >= attempts) throw error;
        log.warn('could not record a call step; retrying', { attempt, error: (error as Error).message });
        await new Promise((r) => setTimeout(r, Math.min(10_000, 250 * 2 ** attempt)));
      }
    }
  }

  private async run(call: ClaimedCall, machine: CallStateMachine, signal: AbortSignal): Promise<CallEnding> {
    let verifyCode: string;
    try {
      if (!call.verifyCodeSealed) return { kind: 'internal', reason: 'verification code missing' };
      verifyCode = this.secretBox.open(call.verifyCodeSealed);
    } catch {
      return { kind: 'internal', reason: 'verification code cannot be unsealed (master key changed?)' };
    }
    try {
      return await this.carrier.placeCall(
        {
          sessionId: call.sessionId,
          appKey: call.appKey,
          caller: call.displayNbr,
          callee: call.calleeNbr,
          languageType: call.languageType,
          verifyCode,
          preTone: call.preTone,
          posTone: call.posTone,
          times: call.times,
          maxCallMs: this.config.voice.maxCallSeconds * 1000,
          ringTimeoutMs: this.config.voice.ringTimeoutSeconds * 1000,
        },
        {
          onAlerting: async () => {
            if (!machine.can('alerting')) return;
            machine.advance('alerting');
            await this.withRetries(() => this.sessions.progress(call, 'alerting'), PROGRESS_ATTEMPTS);
          },
          onAnswer: async () => {
            if (!machine.can('answer')) return;
            machine.advance('answer');
            await this.withRetries(() => this.sessions.progress(call, 'answer'), PROGRESS_ATTEMPTS);
          },
        },
        signal,
      );
    } catch (error) {
      this.logger.error('carrier failed', { sessionId: call.sessionId, error });
      return { kind: 'internal', reason: (error as Error).message };
    }
  }

  /** Graceful stop: ends every live call (the carrier hangs up or cancels; events and CDRs say so). */
  abortAll(): void {
    for (const controller of this.live.values()) controller.abort();
  }
}
