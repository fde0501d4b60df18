import { randomInt, randomUUID } from 'node:crypto';
import sip, { type Remote, type SipMessage } from 'sip';
import type { CallEnding } from '#libs/contracts';
import type { JsonLogger } from '#libs/runtime';
import type { CallProgress, CallRequest } from '../carrier.js';
import { playCount, SAMPLES_PER_MS } from '../../media/prompt.js';
import type { RtpSession } from '../../media/rtp.js';
import { encodePrompt } from './prompt-audio.js';
import { buildOffer } from './sdp.js';
import { initialSipCallState, sipCallTransition } from './sip-call-core.js';
import type { SipCallEffect, SipCallEvent, SipCallState } from './sip-call-core-types.js';
import {
  authenticatedInvite,
  buildBye,
  buildCancel,
  buildInvite,
  dialogOf,
  okWithOffer,
  tag,
  type DialogRoute,
} from './sip-messages.js';
import type { SipCarrierOptions } from './sip-carrier-options.js';
import { belongsToDialog, dialogDestination } from './sip-dialog.js';
import type { SipStack } from './sip-stack.js';

/** How long to wait for the answer to our BYE before calling the call ended anyway. */
const BYE_WAIT_MS = 2000;

type OnError = (error: unknown) => void;

/**
 * One outgoing call: the I/O shell around the pure core (sip-call-core.ts). It feeds what sip.js,
 * the timers and the RTP player report into the core and carries out the effects it returns, in
 * order, awaiting those that take time. It also builds the messages (CSeq, Via, SDP version) and
 * counts what is still open on the wire, for close().
 */
export class SipCall {
  readonly callId: string;
  private readonly fromTag = tag();
  private cseq = randomInt(1, 10_000);
  private invite!: SipMessage;
  private state: SipCallState;
  private dialog?: DialogRoute;
  private remoteHangup = new AbortController();
  private settle!: (ending: CallEnding) => void;
  private readonly ended: Promise<CallEnding>;
  private ringTimer?: NodeJS.Timeout;
  private readonly sdpSession = randomInt(1, 2 ** 31);
  private sdpVersion = this.sdpSession;
  /** Where in-dialog requests may come from: the trunk and the dialog's next hop. */
  private peerAddress?: string;
  /** Things still open on the wire: the run itself, the current INVITE transaction, BYEs in flight. */
  private openWork = 1;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly stack: SipStack,
    private readonly options: SipCarrierOptions,
    private readonly trunkAddress: string,
    private readonly request: CallRequest,
    private readonly rtp: RtpSession,
    private readonly play: Int16Array,
    private readonly progress: CallProgress,
    private readonly log: JsonLogger,
  ) {
    this.callId = `${randomUUID()}@${stack.publicAddress}`;
    this.ended = new Promise((resolve) => {
      this.settle = resolve;
    });
    this.state = initialSipCallState({
      codecs: options.codecs,
      allowPrivateMedia: options.allowPrivateMedia,
      canAuthenticate: Boolean(options.username && options.password),
      ringTimeoutMs: request.ringTimeoutMs,
    });
  }

  /** Resolves when the call ended and nothing of it is left open on the wire. */
  idle(): Promise<void> {
    if (this.openWork === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async run(signal: AbortSignal): Promise<CallEnding> {
    const onAbort = () => this.dispatch({ type: 'abort' });
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      this.dispatch({ type: 'start', aborted: signal.aborted });
      return await this.ended;
    } finally {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(this.ringTimer);
    }
  }

  onRequest(rq: SipMessage, remote: Remote): void {
    this.dispatch({
      type: 'request',
      request: rq,
      inDialog: this.inDialog(rq, remote),
      from: remote.address,
      ...(this.rtp.codec ? { codec: this.rtp.codec } : {}),
    });
  }

  onStrayResponse(rs: SipMessage): void {
    this.dispatch({ type: 'stray-response', response: rs }, () => undefined);
  }

  /**
   * Feeds one event to the core and carries out its effects. With `onError`, a failure of any
   * effect (sync or async) goes there; without, a synchronous one is thrown to the caller.
   */
  private dispatch(event: SipCallEvent, onError?: OnError): void {
    if (!onError) {
      this.perform(this.step(event))?.catch(() => undefined);
      return;
    }
    try {
      this.perform(this.step(event))?.catch(onError);
    } catch (error) {
      // Same microtask turn as a rejected promise's handler would get: onError never runs synchronously.
      void Promise.resolve().then(() => onError(error));
    }
  }

  private step(event: SipCallEvent): SipCallEffect[] {
    const { state, effects } = sipCallTransition(this.state, event);
    this.state = state;
    return effects;
  }

  /** Runs effects in order: synchronously until one returns a promise, then after it settles. */
  private perform(effects: SipCallEffect[], from = 0): Promise<void> | void {
    for (let i = from; i < effects.length; i++) {
      const pending = this.execute(effects[i]!);
      if (pending) return pending.then(() => this.perform(effects, i + 1));
    }
  }

  private execute(effect: SipCallEffect): Promise<void> | void {
    switch (effect.type) {
      case 'send-invite':
        return this.sendInvite(effect.gen, effect.challenge);
      case 'send-cancel':
        this.stack.request(buildCancel(this.invite, this.callId, this.cseq), this.trunk);
        return;
      case 'start-timer': {
        const timer = setTimeout(() => this.dispatch(effect.event), effect.ms);
        if (effect.timer === 'ring') this.ringTimer = timer;
        if (effect.unref) timer.unref();
        return;
      }
      case 'clear-ring-timer':
        clearTimeout(this.ringTimer);
        return;
      case 'establish-dialog':
        this.dialog = dialogOf(effect.response, this.invite, this.callId, this.cseq);
        return;
      case 'send-ack':
        return this.sendAck();
      case 'ack-and-bye':
        return this.ackAndBye(effect.response);
      case 'send-bye': {
        const bye = this.sendBye();
        const then = effect.then;
        return then ? bye.then(() => this.perform(this.step(then))) : bye;
      }
      case 'connect-media':
        this.rtp.connect(effect.address, effect.port, effect.codec);
        return;
      case 'hold-media':
        this.rtp.hold();
        return;
      case 'record-alerting':
        void this.progress
          .onAlerting()
          .catch((error) => this.log.warn('could not record alerting', { error: (error as Error).message }));
        return;
      case 'record-answer':
        return this.recordAnswer();
      case 'play-prompt':
        return this.speak();
      case 'stop-prompt':
        this.remoteHangup.abort(); // stops the RTP stream
        return;
      case 'settle':
        this.settle(effect.ending);
        this.release(); // the run's own share of openWork
        return;
      case 'respond':
        this.stack.respond(sip.makeResponse(effect.request, effect.status, effect.reason));
        return;
      case 'respond-reinvite': {
        const sdp = buildOffer({
          address: this.stack.publicAddress,
          port: this.rtp.port,
          codecs: [effect.codec],
          sessionId: this.sdpSession,
          version: ++this.sdpVersion,
        });
        this.stack.respond(okWithOffer(effect.request, this.stack.publicAddress, this.stack.localPort, sdp));
        return;
      }
      case 'log':
        // Without fields, none are passed: warn/error would log an `undefined` argument as context.
        if (effect.fields) this.log[effect.level](effect.message, effect.fields);
        else this.log[effect.level](effect.message);
        return;
    }
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.openWork++;
    return work.finally(() => this.release());
  }

  private release(): void {
    if (--this.openWork > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private number(n: string): string {
    return this.options.stripPlus ? n.replace(/^\+/, '') : n;
  }

  private get trunk() {
    return { address: this.trunkAddress, port: this.options.trunk.port };
  }

  private sendInvite(gen: number, challenge?: SipMessage): void {
    if (!challenge) {
      this.invite = buildInvite({
        trunk: this.options.trunk,
        callee: this.number(this.request.callee),
        caller: this.number(this.request.caller),
        fromDomain: this.options.fromDomain,
        fromTag: this.fromTag,
        callId: this.callId,
        cseq: this.cseq,
        publicAddress: this.stack.publicAddress,
        localPort: this.stack.localPort,
        sdp: buildOffer({
          address: this.stack.publicAddress,
          port: this.rtp.port,
          codecs: this.options.codecs,
          sessionId: this.sdpSession,
          version: this.sdpVersion,
        }),
      });
    } else {
      this.cseq += 1;
      this.invite = authenticatedInvite(this.invite, challenge, this.cseq, {
        user: this.options.username!,
        password: this.options.password!,
      });
      this.log.info('SIP digest challenge answered', { status: challenge.status });
    }
    const invite = sip.copyMessage(this.invite, true);
    this.invite = invite;
    this.log.info('SIP INVITE', { callId: this.callId, rtpPort: this.rtp.port, cseq: this.cseq });
    // Open until its final response (a made-up 408 at timer B at the latest).
    this.openWork++;
    let open = true;
    this.stack.request(invite, this.trunk, (rs) => {
      const status = rs.status ?? 0;
      if (open && status >= 200) {
        open = false;
        // After this response's handling has had its chance to start an ACK/BYE.
        queueMicrotask(() => this.release());
      }
      // A 2xx starts the ACK, the prompt and the BYE: whatever fails on that way ends the call.
      const answered = status >= 200 && status < 300;
      this.dispatch(
        { type: 'invite-response', gen, response: rs },
        answered
          ? (error) => this.dispatch({ type: 'answer-failed', message: (error as Error).message }, () => undefined)
          : undefined,
      );
    });
  }

  private dialogDestination(dialog = this.dialog): Promise<{ address: string; port: number }> {
    return dialogDestination(dialog, this.trunk);
  }

  private async sendAck(dialog = this.dialog): Promise<void> {
    if (!dialog) return;
    const destination = await this.dialogDestination(dialog);
    if (dialog === this.dialog) this.peerAddress = destination.address;
    this.stack.request(sip.copyMessage(dialog.ack, true), destination);
  }

  /** A 2xx we do not want (cancelled, aborted, a stale INVITE): confirm it and hang up at once. */
  private ackAndBye(rs: SipMessage): void {
    const dialog = dialogOf(rs, this.invite, this.callId, this.cseq);
    void this.track(this.sendAck(dialog).then(() => this.sendBye(dialog))).catch((error) =>
      this.log.warn('could not hang up an unwanted 2xx', { error: (error as Error).message }),
    );
  }

  private async recordAnswer(): Promise<void> {
    try {
      await this.progress.onAnswer();
    } catch (error) {
      this.log.warn('could not record answer', { error: (error as Error).message });
    }
  }

  /** Plays the prompt until its end, the longest call, an abort or the callee's BYE. */
  private async speak(): Promise<void> {
    const codec = this.rtp.codec!;
    const audio = encodePrompt(this.play, codec);
    const playMs = this.play.length / SAMPLES_PER_MS;
    const plays = playCount(this.request.times, playMs, this.request.maxCallMs);
    const result = await this.rtp.play(audio, plays, this.request.maxCallMs, this.remoteHangup.signal);
    return this.perform(this.step({ type: 'prompt-done', result, plays, codec }));
  }

  private async sendBye(dialog = this.dialog): Promise<void> {
    if (!dialog) return;
    this.cseq += 1;
    const bye = buildBye(dialog, this.invite, this.callId, this.cseq);
    const destination = await this.dialogDestination(dialog);
    await this.track(
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, BYE_WAIT_MS);
        this.stack.request(bye, destination, (rs) => {
          if ((rs.status ?? 0) >= 200) {
            clearTimeout(timer);
            this.log.info('SIP BYE answered', { status: rs.status });
            resolve();
          }
        });
      }),
    );
  }

  private inDialog(rq: SipMessage, remote: Remote): boolean {
    return belongsToDialog(rq, remote, this.dialog, this.fromTag, [this.trunkAddress, this.peerAddress]);
  }
}
