import { randomInt } from 'node:crypto';
import smpp, { type PDU, type Session } from 'smpp';
import type { JsonLogger, SmppConfig } from '#libs/runtime';
import { SmsSubmitError, type OutgoingSms, type ReceiptHandler, type SmsProvider, type SubmitResult } from '../sms-provider.js';
import { parseDeliveryReceipt, type DeliverSmFields } from './delivery-receipt.js';
import { encodeSms } from './encoding.js';

const ESME_ROK = 0x00;
const ESME_RSYSERR = 0x08;
const ESME_RINVCMDID = 0x03;
const ESME_RMSGQFUL = 0x14;
const ESME_RSUBMITFAIL = 0x45;
const ESME_RTHROTTLED = 0x58;
const ESME_RX_T_APPN = 0x64;
/** The SMSC asks us to slow down: pause and resend the same PDU. */
const THROTTLING = new Set([ESME_RTHROTTLED, ESME_RMSGQFUL]);
/** Refusals where the same message may well pass later. */
const TRANSIENT = new Set([ESME_RSYSERR, ESME_RSUBMITFAIL, ...THROTTLING]);
const STATUS_NAMES = new Map(Object.entries(smpp.errors).map(([name, code]) => [code, name]));

/** Back-off and shutdown bounds; tests shorten them, production uses the defaults. */
export interface SmppTimings {
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  throttleBaseMs: number;
  throttleMaxMs: number;
  /** A message throttled for longer than this fails (transient) instead of waiting on. */
  throttleGiveUpMs: number;
  stopDrainMs: number;
  unbindWaitMs: number;
}

const DEFAULT_TIMINGS: SmppTimings = {
  reconnectBaseMs: 500,
  reconnectMaxMs: 30_000,
  throttleBaseMs: 1_000,
  throttleMaxMs: 16_000,
  throttleGiveUpMs: 60_000,
  stopDrainMs: 5_000,
  unbindWaitMs: 2_000,
};

/** One submit_sm to send (again, if throttled) until it gets a final answer. */
interface SegmentJob {
  /** FIFO position: a throttled PDU goes back to its place, not to the end. */
  order: number;
  params: Record<string, unknown>;
  queuedAt: number;
  sentAt: number;
  /** Every segment of the same message: one failure drops the others still queued. */
  siblings: SegmentJob[];
  resolve(providerId: string): void;
  reject(error: SmsSubmitError): void;
}

interface Request {
  sentAt: number;
  job: SegmentJob | null;
}

/**
 * SMPP 3.4 ESME over one bind_transceiver connection: submits every segment of a message within a
 * window, paces itself on SMSC throttling, keeps the link alive and reconnects forever, and hands
 * delivery receipts to the use-case, acknowledging each only once it is stored.
 *
 * At-least-once: when the connection drops with a submit_sm outstanding, the message is rejected as
 * transient and the use-case resubmits every segment, so a segment the SMSC did accept is sent twice.
 */
export class SmppProvider implements SmsProvider {
  readonly name = 'smpp' as const;
  private readonly log: JsonLogger;
  private readonly timings: SmppTimings;
  private onReceipt: ReceiptHandler | null = null;
  private session: Session | null = null;
  private bound = false;
  private stopping = false;
  /** Consecutive connection attempts without a bind; drives the back-off. */
  private attempts = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private connectTimer: NodeJS.Timeout | null = null;
  private enquireTimer: NodeJS.Timeout | null = null;
  private watchdogTimer: NodeJS.Timeout | null = null;
  private pauseTimer: NodeJS.Timeout | null = null;
  /** Requests sent on the current session and not yet answered, by sequence_number. */
  private readonly requests = new Map<number, Request>();
  private outstandingSubmits = 0;
  private readonly queue: SegmentJob[] = [];
  private nextOrder = 0;
  private lastReceivedAt = 0;
  private throttleMs = 0;
  private pausedUntil = 0;
  private pauseStartedAt = 0;
  private reference = randomInt(256);
  /** Woken on bind, on stop and whenever the number of outstanding submits drops. */
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly config: SmppConfig,
    logger: JsonLogger,
    timings: Partial<SmppTimings> = {},
  ) {
    this.log = logger.child({ provider: 'smpp', smsc: `${config.host}:${config.port}`, systemId: config.systemId });
    this.timings = { ...DEFAULT_TIMINGS, ...timings };
  }

  async start(onReceipt: ReceiptHandler): Promise<void> {
    this.onReceipt = onReceipt;
    const period = Math.min(1_000, Math.max(25, this.config.responseTimeoutMs / 4));
    this.watchdogTimer = setInterval(() => this.checkResponses(), period);
    this.connect();
  }

  isReady(): boolean {
    return this.bound && !this.stopping;
  }

  async submit(sms: OutgoingSms): Promise<SubmitResult> {
    if (this.stopping || !this.onReceipt) throw new SmsSubmitError('SMPP provider is not running', true);
    let encoded;
    try {
      encoded = encodeSms(sms.text, this.nextReference());
    } catch (error) {
      throw new SmsSubmitError((error as Error).message, false);
    }
    if (!this.bound) await this.waitFor(() => this.bound || this.stopping, this.config.responseTimeoutMs);
    if (this.stopping) throw new SmsSubmitError('SMPP provider is stopping', true);
    if (!this.bound) throw new SmsSubmitError('SMPP not bound', true);

    const source = sourceAddress(this.config.sourceAddr);
    const siblings: SegmentJob[] = [];
    const results = encoded.segments.map(
      (segment) =>
        new Promise<string>((resolve, reject) => {
          siblings.push({
            order: this.nextOrder++,
            params: {
              ...source,
              dest_addr_ton: this.config.destPrefix ? 1 : 0,
              dest_addr_npi: 1,
              destination_addr: this.config.destPrefix + sms.to,
              esm_class: segment.esmClass,
              registered_delivery: 1,
              data_coding: encoded.dataCoding,
              short_message: segment.shortMessage,
            },
            queuedAt: Date.now(),
            sentAt: 0,
            siblings,
            resolve,
            reject,
          });
        }),
    );
    this.queue.push(...siblings);
    this.pump();
    const providerIds = await Promise.all(results);
    this.log.info('smpp message submitted', { messageId: sms.messageId, segments: providerIds.length, providerIds });
    return { providerIds };
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    for (const job of this.queue.splice(0)) job.reject(new SmsSubmitError('SMPP provider is stopping', true));
    this.wake();
    const session = this.session;
    if (session) {
      await this.waitFor(() => this.outstandingSubmits === 0 || this.session !== session, this.timings.stopDrainMs);
      if (this.session === session && this.bound) {
        this.bound = false;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.timings.unbindWaitMs);
          const sent = this.send(session, new smpp.PDU('unbind'), null, () => {
            clearTimeout(timer);
            resolve();
          });
          if (!sent) {
            clearTimeout(timer);
            resolve();
          }
        });
        this.log.info('smpp unbound');
      }
      if (this.session === session) await new Promise<void>((resolve) => session.destroy(resolve));
    }
    for (const timer of [this.connectTimer, this.enquireTimer, this.pauseTimer]) if (timer) clearTimeout(timer);
    if (this.watchdogTimer) clearInterval(this.watchdogTimer);
  }

  private connect(): void {
    if (this.stopping) return;
    const { host, port, tls } = this.config;
    const session = smpp.connect({ host, port, tls });
    this.session = session;
    this.lastReceivedAt = Date.now();
    // A TCP connect or a bind that hangs counts like any unanswered request.
    this.connectTimer = setTimeout(() => {
      if (this.session !== session || this.bound) return;
      this.log.warn('smpp connect/bind timed out', { timeoutMs: this.config.responseTimeoutMs });
      session.destroy();
    }, this.config.responseTimeoutMs);
    session.on(tls ? 'secureConnect' : 'connect', () => this.bind(session));
    session.on('pdu', (pdu: PDU) => this.onPdu(session, pdu));
    // A socket error is followed by close; a PDU parse error leaves the package stuck, so destroy.
    session.on('error', (error: Error) => {
      this.log.warn('smpp connection error', { error: error.message });
      session.destroy();
    });
    session.on('close', () => this.onClose(session));
  }

  private bind(session: Session): void {
    const pdu = new smpp.PDU('bind_transceiver', {
      system_id: this.config.systemId,
      password: this.config.password,
      system_type: this.config.systemType,
      interface_version: 0x34,
    });
    this.send(session, pdu, null, (response) => {
      if (response.command_status !== ESME_ROK) {
        this.log.warn('smpp bind refused', { status: statusName(response.command_status), attempt: this.attempts + 1 });
        session.destroy();
        return;
      }
      if (this.connectTimer) clearTimeout(this.connectTimer);
      this.bound = true;
      this.attempts = 0;
      this.log.info('smpp bound', { interfaceVersion: '3.4' });
      this.enquireTimer = setInterval(() => this.enquireLink(session), this.config.enquireLinkSeconds * 1000);
      this.wake();
      this.pump();
    });
  }

  /** Sends a request and tracks it for the response watchdog; false when the socket is gone. */
  private send(session: Session, pdu: PDU, job: SegmentJob | null, onResponse: (response: PDU) => void): boolean {
    const sent = session.send(pdu, (response) => {
      this.requests.delete(pdu.sequence_number);
      onResponse(response);
    });
    if (sent) this.requests.set(pdu.sequence_number, { sentAt: Date.now(), job });
    return sent;
  }

  private enquireLink(session: Session): void {
    if (this.session !== session || !this.bound) return;
    // One probe at a time: an unanswered one is the watchdog's business.
    for (const request of this.requests.values()) if (request.job === null && Date.now() - request.sentAt < this.config.responseTimeoutMs) return;
    this.send(session, new smpp.PDU('enquire_link'), null, () => undefined);
  }

  /**
   * The link is dead when a request waits longer than responseTimeoutMs and nothing at all arrived
   * meanwhile, or when one waits three times that long (an SMSC that answers probes but sits on a submit).
   */
  private checkResponses(): void {
    const session = this.session;
    if (!session || this.requests.size === 0) return;
    const now = Date.now();
    const oldest = Math.min(...[...this.requests.values()].map((r) => r.sentAt));
    const limit = this.config.responseTimeoutMs;
    if ((now - oldest > limit && now - this.lastReceivedAt > limit) || now - oldest > 3 * limit) {
      this.log.warn('smpp no response, dropping the connection', { waitedMs: now - oldest, outstanding: this.requests.size });
      session.destroy();
    }
  }

  private onPdu(session: Session, pdu: PDU): void {
    if (this.session !== session) return;
    this.lastReceivedAt = Date.now();
    if (pdu.isResponse()) return; // answered through the send() callbacks
    switch (pdu.command) {
      case 'enquire_link':
        session.send(pdu.response());
        break;
      case 'deliver_sm':
        void this.onDeliverSm(session, pdu);
        break;
      case 'unbind':
        this.log.warn('smpp unbind from the SMSC');
        this.bound = false;
        session.send(pdu.response(), () => session.close());
        break;
      case 'alert_notification': // has no response
        break;
      default:
        session.send(pdu.response({ command_status: ESME_RINVCMDID }));
    }
  }

  private async onDeliverSm(session: Session, pdu: PDU): Promise<void> {
    const receipt = parseDeliveryReceipt(pdu as DeliverSmFields);
    if (!receipt) {
      // A mobile-originated message (or an unreadable receipt): not ours, but acknowledged so it is not resent.
      this.log.info('smpp deliver_sm ignored (not a receipt)', { esmClass: pdu.esm_class });
      session.send(pdu.response());
      return;
    }
    let status = ESME_ROK;
    try {
      await this.onReceipt!(receipt);
    } catch (error) {
      // Temporary application error: the SMSC delivers the receipt again later.
      status = ESME_RX_T_APPN;
      this.log.warn('smpp receipt not stored, asking the SMSC to retry', { providerId: receipt.providerId, error: (error as Error).message });
    }
    session.send(pdu.response(status === ESME_ROK ? {} : { command_status: status }));
  }

  private pump(): void {
    const session = this.session;
    if (!session || !this.bound) return;
    const wait = this.pausedUntil - Date.now();
    if (wait > 0) {
      this.pauseTimer ??= setTimeout(() => {
        this.pauseTimer = null;
        this.pump();
      }, wait);
      return;
    }
    while (this.outstandingSubmits < this.config.window && this.queue.length > 0) {
      const job = this.queue.shift()!;
      job.sentAt = Date.now();
      if (!this.send(session, new smpp.PDU('submit_sm', job.params), job, (response) => this.onSubmitResponse(job, response))) {
        // Not writable any more: the close handler fails the queue and reconnects.
        this.queue.unshift(job);
        session.destroy();
        return;
      }
      this.outstandingSubmits++;
    }
  }

  private onSubmitResponse(job: SegmentJob, response: PDU): void {
    this.outstandingSubmits--;
    const status = response.command_status;
    if (status === ESME_ROK) {
      this.throttleMs = 0;
      job.resolve(String(response.message_id ?? ''));
    } else if (THROTTLING.has(status) && Date.now() - job.queuedAt <= this.timings.throttleGiveUpMs) {
      this.throttle(job, status);
      this.requeue(job);
    } else {
      const transient = TRANSIENT.has(status);
      this.fail(job, new SmsSubmitError(`SMSC refused submit_sm: ${statusName(status)}`, transient, statusName(status)));
    }
    this.wake();
    this.pump();
  }

  /** Pauses all sending on this connection, doubling the pause while throttling goes on. */
  private throttle(job: SegmentJob, status: number): void {
    // Answers to PDUs sent before the current pause began are the same episode: do not escalate.
    if (job.sentAt <= this.pauseStartedAt) return;
    this.throttleMs = this.throttleMs ? Math.min(this.throttleMs * 2, this.timings.throttleMaxMs) : this.timings.throttleBaseMs;
    this.pauseStartedAt = Date.now();
    this.pausedUntil = this.pauseStartedAt + this.throttleMs;
    this.log.warn('smpp throttled, pausing submissions', { status: statusName(status), pauseMs: this.throttleMs });
  }

  private requeue(job: SegmentJob): void {
    const at = this.queue.findIndex((queued) => queued.order > job.order);
    this.queue.splice(at === -1 ? this.queue.length : at, 0, job);
  }

  /** Rejects a segment and drops its message's segments still queued (they would be wasted). */
  private fail(job: SegmentJob, error: SmsSubmitError): void {
    job.reject(error);
    for (const sibling of job.siblings) {
      const at = this.queue.indexOf(sibling);
      if (at !== -1) {
        this.queue.splice(at, 1);
        sibling.reject(error);
      }
    }
  }

  private onClose(session: Session): void {
    if (this.session !== session) return;
    this.session = null;
    const wasBound = this.bound;
    this.bound = false;
    for (const timer of [this.connectTimer, this.enquireTimer, this.pauseTimer]) if (timer) clearTimeout(timer);
    this.pauseTimer = null;
    this.throttleMs = 0;
    this.pausedUntil = 0;
    // Outstanding segments may have been accepted already; the use-case's retry then sends them twice.
    const lost = new SmsSubmitError('SMPP connection lost', true);
    const jobs = [...this.requests.values()].flatMap((r) => (r.job ? [r.job] : []));
    this.requests.clear();
    this.outstandingSubmits = 0;
    for (const job of [...jobs, ...this.queue.splice(0)]) job.reject(lost);
    if (wasBound) this.log.warn('smpp connection lost', { failedSegments: jobs.length });
    this.wake();
    if (this.stopping) return;
    const delayMs = Math.min(this.timings.reconnectBaseMs * 2 ** this.attempts, this.timings.reconnectMaxMs);
    this.attempts++;
    this.log.info('smpp reconnecting', { attempt: this.attempts, delayMs });
    this.reconnectTimer = setTimeout(() => this.connect(), delayMs);
  }

  private waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const check = (): void => {
        if (condition()) done();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  private wake(): void {
    for (const check of [...this.waiters]) check();
  }

  private nextReference(): number {
    this.reference = (this.reference + 1) & 0xff;
    return this.reference;
  }
}

/** Alphanumeric sender → TON 5 NPI 0; digits → international TON 1 NPI 1 (ISDN); none → 0/0. */
function sourceAddress(addr: string): Record<string, unknown> {
  if (!addr) return { source_addr_ton: 0, source_addr_npi: 0, source_addr: '' };
  if (/^\+?\d+$/.test(addr)) return { source_addr_ton: 1, source_addr_npi: 1, source_addr: addr.replace(/^\+/, '') };
  return { source_addr_ton: 5, source_addr_npi: 0, source_addr: addr };
}

function statusName(status: number): string {
  return STATUS_NAMES.get(status) ?? `0x${status.toString(16).padStart(8, '0')}`;
}
