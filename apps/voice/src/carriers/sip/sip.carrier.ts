import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import sip, { type Remote, type SipMessage } from 'sip';
import type { CallEnding } from '#libs/contracts';
import type { JsonLogger } from '#libs/runtime';
import type { Carrier, CallProgress, CallRequest } from '../carrier.js';
import { assemblePlay, DigitPrompts, promptLanguage } from '../../media/prompt.js';
import { RtpPortsExhausted, RtpSession } from '../../media/rtp.js';
import type { ToneCache } from '../../media/tone-cache.js';
import { SipCall } from './sip-call.js';
import type { SipCarrierOptions } from './sip-carrier-options.js';
import { freeUdpPort, localAddressTowards, SipStack } from './sip-stack.js';

export type { SipCarrierOptions } from './sip-carrier-options.js';
export { reasonQ850 } from './sip-messages.js';

/** How long close() waits for open INVITE transactions and BYEs before it closes the SIP port anyway. */
const CLOSE_WAIT_MS = 8000;

/**
 * The `sip` carrier: a SIP user agent client towards one trunk (docs/contract.md#the-call). INVITE with an SDP offer
 * of PCMU/PCMA; 1xx → alerting; 2xx → ACK, answer, the prompt as G.711 RTP, then BYE; a final
 * failure → its status; ring timeout → CANCEL (→ 487); 401/407 → one retry with digest
 * credentials; BYE from the callee ends the prompt. Aborting (worker shutdown) CANCELs a ringing
 * call and BYEs an answered one. Each call is a SipCall (sip-call.ts), whose decisions are the pure
 * state machine of sip-call-core.ts.
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
      const publicAddress =
        this.options.publicAddress ??
        (this.options.bindAddress !== '0.0.0.0'
          ? this.options.bindAddress
          : await localAddressTowards(this.trunkAddress, port));
      const localPort = this.options.localPort || (await freeUdpPort(this.options.bindAddress));
      this.stack = await SipStack.start({
        port: localPort,
        bindAddress: this.options.bindAddress,
        publicAddress,
        onRequest: (rq, remote) => this.onRequest(rq, remote),
        onStrayResponse: (rs) => this.dialogs.get(String(rs.headers['call-id']))?.onStrayResponse(rs),
        onError: (error) =>
          this.logger.warn('SIP transport error', { error: (error as Error)?.message ?? String(error) }),
      });
      this.logger.info('SIP carrier ready', {
        trunk: `${host}:${port}`,
        local: `${publicAddress}:${localPort}`,
        rtp: this.options.rtpPorts,
        codecs: this.options.codecs,
      });
      return this.stack;
    })();
    this.starting.catch(() => {
      this.starting = undefined;
    });
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
      await Promise.race([
        Promise.all(open),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, CLOSE_WAIT_MS);
        }),
      ]);
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
      this.stack?.respond(
        sip.makeResponse(
          rq,
          rq.method === 'INVITE' ? 403 : 481,
          rq.method === 'INVITE' ? 'Forbidden' : 'Call/Transaction Does Not Exist',
        ),
      );
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
      // No pre-tone (''): a verification API call speaks the built-in digits alone.
      request.preTone ? this.tones.get(request.appKey, request.preTone) : Promise.resolve(null),
      request.posTone ? this.tones.get(request.appKey, request.posTone) : Promise.resolve(null),
      this.digits.forCode(request.verifyCode, promptLanguage(request.languageType)),
    ]);
    // Approved at accept time, withdrawn since: the code is still worth hearing.
    if (request.preTone && !preTone)
      log.warn('pre-tone not found or no longer approved; playing the code without it', { tone: request.preTone });
    if (request.posTone && !posTone)
      log.warn('post-tone not found or no longer approved; playing the code without it', { tone: request.posTone });
    return assemblePlay({ preTone: preTone ?? new Int16Array(0), digits, posTone });
  }
}
