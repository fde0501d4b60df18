import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import sip, { type NameAddr, type Remote, type SipMessage, type SipUri } from 'sip';
import digest from 'sip/digest.js';
import type { CallEnding } from '#libs/contracts';
import type { JsonLogger } from '#libs/runtime';
import type { Carrier, CallProgress, CallRequest } from '../carrier.js';
import { encodeG711, SILENCE_BYTE, type G711Codec } from '../../media/g711.js';
import { assemblePlay, DigitPrompts, playCount, promptLanguage, SAMPLES_PER_MS } from '../../media/prompt.js';
import { RtpPortsExhausted, RtpSession, SAMPLES_PER_PACKET } from '../../media/rtp.js';
import type { ToneCache } from '../../media/tone-cache.js';
import { buildOffer, mediaAddressRefusal, parseAnswer } from './sdp.js';
import { freeUdpPort, localAddressTowards, SipStack } from './sip-stack.js';

export interface SipCarrierOptions {
  /** The trunk or PBX every INVITE goes to (UDP). */
  trunk: { host: string; port: number };
  username: string | null;
  password: string | null;
  /** Local SIP port; 0 = any free port. */
  localPort: number;
  bindAddress: string;
  /** Address put in Via, Contact and SDP; null = the local address that routes to the trunk. */
  publicAddress: string | null;
  rtpPorts: { min: number; max: number };
  codecs: readonly G711Codec[];
  /** Domain of the From URI (caller-id); null = the trunk's host. */
  fromDomain: string | null;
  /** Send numbers without their leading `+` (some PBXs want digits only). */
  stripPlus: boolean;
  /** VERIGATE_RTP_ALLOW_PRIVATE: RTP may go to loopback/private/link-local addresses an SDP names. */
  allowPrivateMedia: boolean;
}

/** How long to wait for the answer to our BYE before calling the call ended anyway. */
const BYE_WAIT_MS = 2000;
/**
 * After a CANCEL on shutdown, how long to wait for the INVITE's final response before the call is
 * let go (instead of timer C's 32 s): well inside the consumer's 15 s drain. The INVITE transaction
 * runs on, so a late 200 OK is still ACKed and hung up while close() waits.
 */
const ABORT_GIVE_UP_MS = 4000;
/** How long close() waits for open INVITE transactions and BYEs before it closes the SIP port anyway. */
const CLOSE_WAIT_MS = 8000;

function tag(): string {
  return randomBytes(6).toString('hex');
}

function firstContact(m: SipMessage): string | SipUri | undefined {
  const contact = m.headers.contact;
  return Array.isArray(contact) && contact.length ? contact[0]!.uri : undefined;
}

/** Q.850 cause of a `Reason: Q.850;cause=N` header (RFC 3326), if the far end sent one. */
export function reasonQ850(m: SipMessage): number | undefined {
  const raw = m.headers.reason;
  const text = Array.isArray(raw) ? raw.join(',') : typeof raw === 'string' ? raw : undefined;
  const match = text ? /Q\.850\s*;\s*cause\s*=\s*(\d+)/i.exec(text) : null;
  return match ? Number(match[1]) : undefined;
}

/**
 * The `sip` carrier: a SIP user agent client towards one trunk (SPEC §3.1). INVITE with an SDP offer
 * of PCMU/PCMA; 1xx → alerting; 2xx → ACK, answer, the prompt as G.711 RTP, then BYE; a final
 * failure → its status; ring timeout → CANCEL (→ 487); 401/407 → one retry with digest
 * credentials; BYE from the callee ends the prompt. Aborting (worker shutdown) CANCELs a ringing
 * call and BYEs an answered one.
 */
export class SipCarrier implements Carrier {
  readonly name = 'sip';
  private stack?: SipStack;
  private starting?: Promise<SipStack>;
  private trunkAddress?: string;
  private readonly dialogs = new Map<string, SipCall>();
  /** Calls with something still open on the wire (see SipCall.idle). */
  private readonly calls = new Set<SipCall>();

  constructor(
    private readonly options: SipCarrierOptions,
    private readonly tones: ToneCache,
    private readonly digits: DigitPrompts,
    private readonly logger: JsonLogger,
  ) {}

  /** Binds the SIP port (done by the first call otherwise). */
  start(): Promise<SipStack> {
    this.starting ??= (async () => {
      const { host, port } = this.options.trunk;
      this.trunkAddress = isIP(host) ? host : (await lookup(host, { family: 4 })).address;
      const publicAddress = this.options.publicAddress
        ?? (this.options.bindAddress !== '0.0.0.0' ? this.options.bindAddress : await localAddressTowards(this.trunkAddress, port));
      const localPort = this.options.localPort || (await freeUdpPort(this.options.bindAddress));
      this.stack = await SipStack.start({
        port: localPort,
        bindAddress: this.options.bindAddress,
        publicAddress,
        onRequest: (rq, remote) => this.onRequest(rq, remote),
        onStrayResponse: (rs) => this.dialogs.get(String(rs.headers['call-id']))?.onStrayResponse(rs),
        onError: (error) => this.logger.warn('SIP transport error', { error: (error as Error)?.message ?? String(error) }),
      });
      this.logger.info('SIP carrier ready', { trunk: `${host}:${port}`, local: `${publicAddress}:${localPort}`, rtp: this.options.rtpPorts, codecs: this.options.codecs });
      return this.stack;
    })();
    this.starting.catch(() => { this.starting = undefined; });
    return this.starting;
  }

  /**
   * Closes the SIP port once no call has anything left on the wire (an INVITE without its final
   * response, a BYE, the ACK and BYE of a late 200 OK), or after CLOSE_WAIT_MS at the most.
   */
  async close(): Promise<void> {
    const open = [...this.calls].map((c) => c.idle());
    if (open.length) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(open), new Promise<void>((resolve) => { timer = setTimeout(resolve, CLOSE_WAIT_MS); })]);
      clearTimeout(timer);
    }
    this.stack?.close();
    this.stack = undefined;
    this.starting = undefined;
  }

  get localPort(): number | undefined {
    return this.stack?.localPort;
  }

  private onRequest(rq: SipMessage, remote: Remote): void {
    if (rq.method === 'ACK') return;
    const call = this.dialogs.get(String(rq.headers['call-id']));
    if (rq.method === 'OPTIONS' && !call) {
      const rs = sip.makeResponse(rq, 200, 'OK');
      rs.headers.allow = 'INVITE, ACK, CANCEL, BYE, OPTIONS';
      this.stack?.respond(rs);
      return;
    }
    if (!call) {
      this.stack?.respond(sip.makeResponse(rq, rq.method === 'INVITE' ? 403 : 481, rq.method === 'INVITE' ? 'Forbidden' : 'Call/Transaction Does Not Exist'));
      return;
    }
    call.onRequest(rq, remote);
  }

  async placeCall(request: CallRequest, progress: CallProgress, signal: AbortSignal): Promise<CallEnding> {
    const log = this.logger.child({ sessionId: request.sessionId });
    // The audio first: a call whose prompt cannot be built must not ring anyone.
    const play = await this.buildPlay(request, log);
    const stack = await this.start();
    let rtp: RtpSession;
    try {
      rtp = await RtpSession.open(this.options.rtpPorts, this.options.bindAddress);
    } catch (error) {
      if (error instanceof RtpPortsExhausted) return { kind: 'no-ports' };
      throw error;
    }
    const call = new SipCall(stack, this.options, this.trunkAddress!, request, rtp, play, progress, log);
    this.dialogs.set(call.callId, call);
    this.calls.add(call);
    void call.idle().then(() => this.calls.delete(call));
    try {
      return await call.run(signal);
    } finally {
      rtp.close();
      // Late retransmissions (200 OK, BYE) still find the call for a little while.
      setTimeout(() => this.dialogs.delete(call.callId), 32_000).unref();
    }
  }

  private async buildPlay(request: CallRequest, log: JsonLogger): Promise<Int16Array> {
    const [preTone, posTone, digits] = await Promise.all([
      this.tones.get(request.appKey, request.preTone),
      request.posTone ? this.tones.get(request.appKey, request.posTone) : Promise.resolve(null),
      this.digits.forCode(request.verifyCode, promptLanguage(request.languageType)),
    ]);
    // Approved at accept time, withdrawn since: the code is still worth hearing.
    if (!preTone) log.warn('pre-tone not found or no longer approved; playing the code without it', { tone: request.preTone });
    if (request.posTone && !posTone) log.warn('post-tone not found or no longer approved; playing the code without it', { tone: request.posTone });
    return assemblePlay({ preTone: preTone ?? new Int16Array(0), digits, posTone });
  }
}

type CallState = 'calling' | 'proceeding' | 'answered' | 'ending' | 'ended';

/** One outgoing call: the INVITE client transaction(s), then the dialog. */
class SipCall {
  readonly callId: string;
  private readonly fromTag = tag();
  private cseq = randomInt(1, 10_000);
  private invite!: SipMessage;
  private state: CallState = 'calling';
  private authTried = false;
  private cancelReason?: 'ring-timeout' | 'aborted';
  private cancelSent = false;
  private heardFromTrunk = false;
  private alerted = false;
  private dialog?: { remoteTag: NameAddr; target: string | SipUri; route: NameAddr[]; ack: SipMessage };
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
    this.ended = new Promise((resolve) => { this.settle = resolve; });
  }

  /** Resolves when the call ended and nothing of it is left open on the wire. */
  idle(): Promise<void> {
    if (this.openWork === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
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

  private buildInvite(): SipMessage {
    const { host, port } = this.options.trunk;
    const uri = `sip:${this.number(this.request.callee)}@${host}${port === 5060 ? '' : `:${port}`}`;
    return {
      method: 'INVITE',
      uri,
      headers: {
        to: { uri, params: {} },
        from: { uri: `sip:${this.number(this.request.caller)}@${this.options.fromDomain ?? host}`, params: { tag: this.fromTag } },
        'call-id': this.callId,
        cseq: { method: 'INVITE', seq: this.cseq },
        contact: [{ uri: `sip:verigate@${this.stack.publicAddress}:${this.stack.localPort}`, params: {} }],
        'max-forwards': 70,
        allow: 'INVITE, ACK, CANCEL, BYE, OPTIONS',
        'user-agent': 'Verigate',
        'content-type': 'application/sdp',
      },
      content: buildOffer({ address: this.stack.publicAddress, port: this.rtp.port, codecs: this.options.codecs, sessionId: this.sdpSession, version: this.sdpVersion }),
    };
  }

  async run(signal: AbortSignal): Promise<CallEnding> {
    const onAbort = () => this.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal.aborted) this.finish({ kind: 'internal', reason: 'call cancelled before it was placed' });
      else {
        this.invite = this.buildInvite();
        this.sendInvite();
        this.ringTimer = setTimeout(() => this.cancel('ring-timeout'), this.request.ringTimeoutMs);
      }
      return await this.ended;
    } finally {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(this.ringTimer);
    }
  }

  private sendInvite(): void {
    const invite = sip.copyMessage(this.invite, true);
    this.invite = invite;
    this.log.info('SIP INVITE', { callId: this.callId, rtpPort: this.rtp.port, cseq: this.cseq });
    // Open until its final response (a made-up 408 at timer B at the latest).
    this.openWork++;
    let open = true;
    this.stack.request(invite, this.trunk, (rs) => {
      if (open && (rs.status ?? 0) >= 200) {
        open = false;
        // After this response's handling has had its chance to start an ACK/BYE.
        queueMicrotask(() => this.release());
      }
      this.onInviteResponse(invite, rs);
    });
  }

  private finish(ending: CallEnding): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    clearTimeout(this.ringTimer);
    this.settle(ending);
    this.release(); // the run's own share of openWork
  }

  private onInviteResponse(invite: SipMessage, rs: SipMessage): void {
    const status = rs.status ?? 0;
    if (invite !== this.invite) {
      // A 2xx to a superseded INVITE (before the authenticated retry) would be a second dialog: end it.
      if (status >= 200 && status < 300) this.ackAndBye(rs);
      return;
    }
    if (status >= 100 && rs.headers.to?.params?.tag !== undefined) this.heardFromTrunk = true;
    if (status < 200) return this.onProvisional(rs);
    if (status < 300) {
      this.onSuccess(rs).catch((error) => {
        this.log.error('answered call failed', { error: (error as Error).message });
        this.finish({ kind: 'internal', reason: `answered call failed: ${(error as Error).message}` });
        this.sendBye().catch(() => undefined);
      });
      return;
    }
    this.onFailure(rs);
  }

  private onProvisional(rs: SipMessage): void {
    this.heardFromTrunk = true;
    if (this.state === 'calling') this.state = 'proceeding';
    if (this.cancelReason && !this.cancelSent) return this.sendCancel();
    if ((rs.status === 180 || rs.status === 183) && !this.alerted) {
      this.alerted = true;
      this.log.info('SIP ringing', { status: rs.status });
      void this.progress.onAlerting().catch((error) => this.log.warn('could not record alerting', { error: (error as Error).message }));
    }
  }

  private onFailure(rs: SipMessage): void {
    const status = rs.status!;
    if ((status === 401 || status === 407) && !this.authTried && this.options.username && this.options.password && !this.cancelReason) {
      this.authTried = true;
      this.heardFromTrunk = true;
      this.cseq += 1;
      const next = sip.copyMessage(this.invite, true);
      next.headers.cseq = { method: 'INVITE', seq: this.cseq };
      delete next.headers.via;
      digest.signRequest({}, next, rs, { user: this.options.username, password: this.options.password });
      this.log.info('SIP digest challenge answered', { status });
      this.invite = next;
      this.sendInvite();
      return;
    }
    this.log.info('SIP final response', { status, reason: rs.reason });
    if (this.cancelReason === 'aborted') return this.finish({ kind: 'internal', reason: 'call cancelled while ringing' });
    // Timer B of the transaction layer (a made-up 408 without a To tag): nothing ever came back.
    if (status === 408 && !this.heardFromTrunk && !rs.headers.to?.params?.tag) return this.finish({ kind: 'unreachable', reason: 'no response from the SIP trunk' });
    if (this.cancelReason === 'ring-timeout') return this.finish({ kind: 'ring-timeout' });
    const q850 = reasonQ850(rs);
    this.finish({ kind: 'sip-final', sipStatus: status, ...(q850 !== undefined ? { q850 } : {}) });
  }

  private buildAck(rs: SipMessage): NonNullable<SipCall['dialog']> {
    const target = firstContact(rs) ?? this.invite.uri!;
    const route = (Array.isArray(rs.headers['record-route']) ? [...rs.headers['record-route']] : []).reverse();
    const ack: SipMessage = {
      method: 'ACK',
      uri: target,
      headers: {
        to: rs.headers.to,
        from: this.invite.headers.from,
        'call-id': this.callId,
        cseq: { method: 'ACK', seq: this.cseq },
        'max-forwards': 70,
        ...(route.length ? { route } : {}),
      },
    };
    return { remoteTag: rs.headers.to!, target, route, ack };
  }

  /** Where in-dialog requests go: the first Route, else the remote target. */
  private async dialogDestination(dialog = this.dialog): Promise<{ address: string; port: number }> {
    const next = dialog?.route[0]?.uri ?? dialog?.target;
    if (!next) return this.trunk;
    const uri = sip.parseUri(next);
    const address = isIP(uri.host) ? uri.host : (await lookup(uri.host, { family: 4 })).address;
    return { address, port: Number(uri.port) || 5060 };
  }

  private async sendAck(dialog = this.dialog): Promise<void> {
    if (!dialog) return;
    const destination = await this.dialogDestination(dialog);
    if (dialog === this.dialog) this.peerAddress = destination.address;
    this.stack.request(sip.copyMessage(dialog.ack, true), destination);
  }

  /** A 2xx we do not want (cancelled, aborted, a stale INVITE): confirm it and hang up at once. */
  private ackAndBye(rs: SipMessage): void {
    const dialog = this.buildAck(rs);
    void this.track(this.sendAck(dialog).then(() => this.sendBye(dialog)))
      .catch((error) => this.log.warn('could not hang up an unwanted 2xx', { error: (error as Error).message }));
  }

  private async onSuccess(rs: SipMessage): Promise<void> {
    this.heardFromTrunk = true;
    if (this.dialog) {
      // A retransmitted 200 OK (our ACK was lost) only gets the ACK again; a 2xx of another
      // branch (a forking proxy) would be a second dialog: end it.
      if (rs.headers.to?.params?.tag === this.dialog.remoteTag.params?.tag) return this.sendAck();
      return this.ackAndBye(rs);
    }
    if (this.state === 'ended') return this.ackAndBye(rs); // answered after we gave up
    // Everything up to the first await is synchronous: a retransmission of this 200 arriving while
    // the ACK goes out finds the dialog and the new state, and cannot start the prompt a second time.
    const dialog = this.buildAck(rs);
    this.dialog = dialog;
    clearTimeout(this.ringTimer);
    const answer = this.cancelReason ? undefined : parseAnswer(rs.content ?? '', this.options.codecs);
    if (!answer || 'error' in answer || answer.hold) {
      this.state = 'ending';
      await this.sendAck();
      if (!answer) {
        // Answered just as we gave up: hang up at once.
        await this.sendBye();
        return this.finish(this.cancelReason === 'ring-timeout' ? { kind: 'ring-timeout' } : { kind: 'internal', reason: 'call cancelled while ringing' });
      }
      const reason = 'error' in answer ? answer.error : 'the answer puts the call on hold (c=0.0.0.0)';
      this.log.warn('unusable SDP answer; hanging up', { reason });
      await this.sendBye();
      return this.finish({ kind: 'internal', reason: `unusable SDP answer: ${reason}` });
    }
    const refusal = mediaAddressRefusal(answer.address, this.options.allowPrivateMedia);
    if (refusal) {
      // The answer is not acceptable here: ACK (RFC 3261 requires it), no packet sent, BYE; the
      // call ends as a 488 Not Acceptable Here would (8103, Q.850 65) in the one SIP→state table.
      this.state = 'ending';
      await this.sendAck();
      this.log.warn('media address refused; hanging up', { reason: refusal });
      await this.sendBye();
      return this.finish({ kind: 'sip-final', sipStatus: 488 });
    }
    this.state = 'answered';
    this.rtp.connect(answer.address, answer.port, answer.codec);
    await this.sendAck();
    this.log.info('SIP answered', { codec: answer.codec, rtp: `${answer.address}:${answer.port}` });
    try {
      await this.progress.onAnswer();
    } catch (error) {
      this.log.warn('could not record answer', { error: (error as Error).message });
    }
    await this.speak();
  }

  /** Plays the prompt; ends by our BYE (prompt done, or aborted) or the callee's. */
  private async speak(): Promise<void> {
    const codec = this.rtp.codec!;
    const audio = this.encode(codec);
    const playMs = this.play.length / SAMPLES_PER_MS;
    const plays = playCount(this.request.times, playMs, this.request.maxCallMs);
    const result = await this.rtp.play(audio, plays, this.request.maxCallMs, this.remoteHangup.signal);
    this.log.info('prompt sent', { packets: result.packets, interrupted: result.interrupted, plays, codec, ...(result.error ? { error: result.error } : {}) });
    if (this.state === 'ended') return; // the callee hung up (BYE answered in onRequest)
    const aborted = this.cancelReason === 'aborted';
    this.state = 'ending';
    await this.sendBye();
    if (result.error) return this.finish({ kind: 'internal', reason: `media failed: ${result.error}` });
    this.finish(aborted ? { kind: 'internal', reason: 'call ended by the platform during the prompt' } : { kind: 'completed', by: 'platform' });
  }

  private encode(codec: G711Codec): Uint8Array {
    const bytes = encodeG711(this.play, codec);
    const rest = bytes.length % SAMPLES_PER_PACKET;
    if (rest === 0) return bytes;
    const padded = new Uint8Array(bytes.length + SAMPLES_PER_PACKET - rest).fill(SILENCE_BYTE[codec]);
    padded.set(bytes);
    return padded;
  }

  private async sendBye(dialog = this.dialog): Promise<void> {
    if (!dialog) return;
    this.cseq += 1;
    const bye: SipMessage = {
      method: 'BYE',
      uri: dialog.target,
      headers: {
        to: dialog.remoteTag,
        from: this.invite.headers.from,
        'call-id': this.callId,
        cseq: { method: 'BYE', seq: this.cseq },
        'max-forwards': 70,
        ...(dialog.route.length ? { route: dialog.route } : {}),
      },
    };
    const destination = await this.dialogDestination(dialog);
    await this.track(new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, BYE_WAIT_MS);
      this.stack.request(bye, destination, (rs) => {
        if ((rs.status ?? 0) >= 200) {
          clearTimeout(timer);
          this.log.info('SIP BYE answered', { status: rs.status });
          resolve();
        }
      });
    }));
  }

  private sendCancel(): void {
    this.cancelSent = true;
    const cancel: SipMessage = {
      method: 'CANCEL',
      uri: this.invite.uri,
      headers: {
        via: this.invite.headers.via,
        to: this.invite.headers.to,
        from: this.invite.headers.from,
        'call-id': this.callId,
        cseq: { method: 'CANCEL', seq: this.cseq },
        'max-forwards': 70,
      },
    };
    this.log.info('SIP CANCEL', { reason: this.cancelReason });
    this.stack.request(cancel, this.trunk);
    // A trunk that never answers the INVITE after our CANCEL (RFC 3261 timer C territory): give up
    // after 64×T1, or much sooner on shutdown, so the call ends within the consumer's drain.
    setTimeout(() => {
      if (this.state === 'calling' || this.state === 'proceeding') {
        this.finish(this.cancelReason === 'aborted' ? { kind: 'internal', reason: 'call cancelled while ringing' } : { kind: 'ring-timeout' });
      }
    }, this.cancelReason === 'aborted' ? ABORT_GIVE_UP_MS : 32_000).unref();
  }

  /** Gives up ringing: CANCEL now, or as soon as a provisional response allows it (RFC 3261 §9.1). */
  private cancel(reason: 'ring-timeout' | 'aborted'): void {
    if (this.state !== 'calling' && this.state !== 'proceeding') return;
    this.cancelReason ??= reason;
    if (this.state === 'proceeding' && !this.cancelSent) return this.sendCancel();
    // Nothing heard yet, so no CANCEL may be sent. A trunk silent for the whole ring time is
    // unreachable; on shutdown, wait briefly for a provisional response, then let the call go (the
    // INVITE transaction runs on: a late 200 OK is ACKed and hung up at once).
    if (reason === 'ring-timeout' && !this.heardFromTrunk) {
      this.log.info('SIP trunk silent for the whole ring time');
      return this.finish({ kind: 'unreachable', reason: 'no response from the SIP trunk' });
    }
    if (reason === 'aborted') {
      setTimeout(() => {
        if (this.state === 'calling') this.finish({ kind: 'internal', reason: 'call cancelled while ringing' });
      }, 2000).unref();
    }
  }

  private abort(): void {
    if (this.state === 'calling' || this.state === 'proceeding') return this.cancel('aborted');
    if (this.state === 'answered') {
      this.cancelReason = 'aborted';
      this.remoteHangup.abort(); // stops the RTP stream; speak() sends the BYE
    }
  }

  /**
   * Whether an in-dialog request belongs to this dialog (RFC 3261 §12.2.2): the From tag is the
   * callee's, the To tag ours, and it comes from the trunk or the dialog's next hop.
   */
  private inDialog(rq: SipMessage, remote: Remote): boolean {
    if (!this.dialog) return false;
    const remoteTag = this.dialog.remoteTag.params?.tag;
    return remoteTag !== undefined
      && rq.headers.from?.params?.tag === remoteTag
      && rq.headers.to?.params?.tag === this.fromTag
      && (remote.address === this.trunkAddress || remote.address === this.peerAddress);
  }

  onRequest(rq: SipMessage, remote: Remote): void {
    if ((rq.method === 'BYE' || rq.method === 'INVITE') && !this.inDialog(rq, remote)) {
      this.log.warn('SIP in-dialog request refused: not this dialog', { method: rq.method, from: remote.address });
      this.stack.respond(sip.makeResponse(rq, 481, 'Call/Transaction Does Not Exist'));
      return;
    }
    if (rq.method === 'BYE') {
      this.stack.respond(sip.makeResponse(rq, 200, 'OK'));
      if (this.state === 'answered') {
        this.log.info('SIP BYE from the callee');
        this.finish({ kind: 'completed', by: 'callee' });
        this.remoteHangup.abort();
      }
      return;
    }
    if (rq.method === 'INVITE' && this.state === 'answered') {
      // A re-INVITE: the callee's media may move (a PBX re-routing media, a session refresh). Keep our
      // codec; follow the new address and port when the offer has them; without an offer, re-offer ours.
      const codec = this.rtp.codec!;
      if (rq.content) {
        const offer = parseAnswer(rq.content, [codec]);
        const refusal = 'error' in offer ? offer.error : offer.hold ? null : mediaAddressRefusal(offer.address, this.options.allowPrivateMedia);
        if (refusal || 'error' in offer) {
          this.log.warn('re-INVITE refused', { reason: refusal });
          this.stack.respond(sip.makeResponse(rq, 488, 'Not Acceptable Here'));
          return;
        }
        if (offer.hold) {
          this.rtp.hold();
          this.log.info('SIP re-INVITE: on hold');
        } else {
          this.rtp.connect(offer.address, offer.port, codec);
          this.log.info('SIP re-INVITE: media moved', { rtp: `${offer.address}:${offer.port}` });
        }
      }
      const rs = sip.makeResponse(rq, 200, 'OK');
      rs.headers.contact = [{ uri: `sip:verigate@${this.stack.publicAddress}:${this.stack.localPort}`, params: {} }];
      rs.headers['content-type'] = 'application/sdp';
      rs.content = buildOffer({ address: this.stack.publicAddress, port: this.rtp.port, codecs: [codec], sessionId: this.sdpSession, version: ++this.sdpVersion });
      this.stack.respond(rs);
      return;
    }
    this.stack.respond(sip.makeResponse(rq, rq.method === 'OPTIONS' ? 200 : 405, rq.method === 'OPTIONS' ? 'OK' : 'Method Not Allowed'));
  }

  onStrayResponse(rs: SipMessage): void {
    if (rs.headers.cseq?.method === 'INVITE' && (rs.status ?? 0) >= 200 && (rs.status ?? 0) < 300 && this.dialog) this.sendAck().catch(() => undefined);
  }
}
