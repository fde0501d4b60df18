import { randomInt } from 'node:crypto';
import smpp, { type PDU, type Session } from 'smpp';
import type { JsonLogger, SmppConfig } from '#libs/runtime';
import {
  SmsSubmitError,
  type OutgoingSms,
  type ReceiptHandler,
  type SmsProvider,
  type SubmitResult,
} from '../sms-provider.js';
import { parseDeliveryReceipt, type DeliverSmFields } from './delivery-receipt.js';
import { encodeSms } from './encoding.js';
import { initialSmppState, smppTransition } from './smpp-core.js';
import {
  DEFAULT_TIMINGS,
  type SmppEffect,
  type SmppEvent,
  type SmppState,
  type SmppTimer,
  type SmppTimings,
} from './smpp-core-types.js';

export type { SmppTimings } from './smpp-core-types.js';

type Effect = SmppEffect<Session, PDU>;
type Event = SmppEvent<Session, PDU>;

/**
 * SMPP 3.4 ESME over one bind_transceiver connection: submits every segment of a message within a
 * window, paces itself on SMSC throttling, keeps the link alive and reconnects forever, and hands
 * delivery receipts to the use-case, acknowledging each only once it is stored.
 *
 * At-least-once: when the connection drops with a submit_sm outstanding, the message is rejected as
 * transient and the use-case resubmits every segment, so a segment the SMSC did accept is sent twice.
 *
 * This class is the I/O shell: the decisions are smpp-core.ts's. It feeds the smpp library's
 * callbacks and the timers into the core and carries out the effects it returns, in order.
 */
export class SmppProvider implements SmsProvider {
  readonly name = 'smpp' as const;
  private readonly log: JsonLogger;
  private state: SmppState<Session>;
  private onReceipt: ReceiptHandler | null = null;
  private readonly timers = new Map<SmppTimer, NodeJS.Timeout>();
  /** The promises of segments submitted and not yet answered, by message then segment. */
  private readonly pending = new Map<
    number,
    { resolve(providerId: string): void; reject(error: SmsSubmitError): void }[]
  >();
  private nextMessage = 0;
  private reference = randomInt(256);
  /** Woken on bind, on stop and whenever the number of outstanding submits drops. */
  private readonly waiters = new Set<() => void>();
  private onStopped: (() => void) | null = null;

  constructor(
    private readonly config: SmppConfig,
    logger: JsonLogger,
    timings: Partial<SmppTimings> = {},
  ) {
    this.log = logger.child({ provider: 'smpp', smsc: `${config.host}:${config.port}`, systemId: config.systemId });
    this.state = initialSmppState({
      ...DEFAULT_TIMINGS,
      ...timings,
      window: config.window,
      responseTimeoutMs: config.responseTimeoutMs,
      enquireLinkSeconds: config.enquireLinkSeconds,
    });
  }

  async start(onReceipt: ReceiptHandler): Promise<void> {
    this.onReceipt = onReceipt;
    this.dispatch({ type: 'start', now: Date.now() });
  }

  isReady(): boolean {
    return this.state.bound && !this.state.stopping;
  }

  async submit(sms: OutgoingSms): Promise<SubmitResult> {
    if (this.state.stopping || !this.onReceipt) throw new SmsSubmitError('SMPP provider is not running', true);
    let encoded;
    try {
      encoded = encodeSms(sms.text, this.nextReference());
    } catch (error) {
      throw new SmsSubmitError((error as Error).message, false);
    }
    if (!this.state.bound)
      await this.waitFor(() => this.state.bound || this.state.stopping, this.config.responseTimeoutMs);
    if (this.state.stopping) throw new SmsSubmitError('SMPP provider is stopping', true);
    if (!this.state.bound) throw new SmsSubmitError('SMPP not bound', true);

    const source = sourceAddress(this.config.sourceAddr);
    const message = this.nextMessage++;
    const handlers: { resolve(providerId: string): void; reject(error: SmsSubmitError): void }[] = [];
    const results = encoded.segments.map(
      (_, i) =>
        new Promise<string>((resolve, reject) => {
          handlers[i] = { resolve, reject };
        }),
    );
    this.pending.set(message, handlers);
    const segments = encoded.segments.map((segment) => ({
      ...source,
      dest_addr_ton: this.config.destPrefix ? 1 : 0,
      dest_addr_npi: 1,
      destination_addr: this.config.destPrefix + sms.to,
      esm_class: segment.esmClass,
      registered_delivery: 1,
      data_coding: encoded.dataCoding,
      short_message: segment.shortMessage,
    }));
    this.dispatch({ type: 'submit', message, segments, now: Date.now() });
    try {
      const providerIds = await Promise.all(results);
      this.log.info('smpp message submitted', { messageId: sms.messageId, segments: providerIds.length, providerIds });
      return { providerIds };
    } finally {
      this.pending.delete(message);
    }
  }

  async stop(): Promise<void> {
    if (this.state.stopping) return;
    const stopped = new Promise<void>((resolve) => {
      this.onStopped = resolve;
    });
    this.dispatch({ type: 'stop' });
    await stopped;
  }

  private dispatch(event: Event): void {
    const { state, effects } = smppTransition<Session, PDU>(this.state, event);
    this.state = state;
    for (const effect of effects) this.execute(effect);
  }

  private execute(effect: Effect): void {
    switch (effect.type) {
      case 'open-session':
        return this.open();
      case 'destroy':
        effect.session.destroy();
        return;
      case 'destroy-and-wait':
        effect.session.destroy(() => this.dispatch({ type: 'destroyed' }));
        return;
      case 'send':
        return this.send(effect);
      case 'respond': {
        const response = effect.pdu.response(effect.status === undefined ? {} : { command_status: effect.status });
        const session = effect.session;
        if (effect.thenClose) session.send(response, () => session.close());
        else session.send(response);
        return;
      }
      case 'store-receipt':
        void this.storeReceipt(effect);
        return;
      case 'start-timer':
        return this.startTimer(effect);
      case 'clear-timer':
        clearTimeout(this.timers.get(effect.timer));
        this.timers.delete(effect.timer);
        return;
      case 'resolve':
        this.pending.get(effect.message)?.[effect.segment]?.resolve(effect.providerId);
        return;
      case 'reject': {
        const error = new SmsSubmitError(
          effect.error.message,
          effect.error.transient,
          effect.error.providerCode ?? null,
        );
        for (const job of effect.jobs) this.pending.get(job.message)?.[job.segment]?.reject(error);
        return;
      }
      case 'wait-drain': {
        const session = effect.session;
        void this.waitFor(
          () => this.state.outstandingSubmits === 0 || this.state.session !== session,
          this.state.settings.stopDrainMs,
        ).then(() => this.dispatch({ type: 'drained' }));
        return;
      }
      case 'wake':
        for (const check of [...this.waiters]) check();
        return;
      case 'stopped':
        this.onStopped?.();
        return;
      case 'log':
        this.log[effect.level](effect.message, effect.fields);
        return;
    }
  }

  private open(): void {
    const { host, port, tls } = this.config;
    const session = smpp.connect({ host, port, tls });
    this.dispatch({ type: 'opened', session, now: Date.now() });
    session.on(tls ? 'secureConnect' : 'connect', () => this.dispatch({ type: 'connected', session }));
    session.on('pdu', (pdu: PDU) => this.dispatch({ type: 'pdu', session, now: Date.now(), incoming: incoming(pdu) }));
    session.on('error', (error: Error) => this.dispatch({ type: 'session-error', session, message: error.message }));
    session.on('close', () => this.dispatch({ type: 'closed', session }));
  }

  /** Writes a request; the core hears whether it went out (tracked for the watchdog) and its response. */
  private send(effect: Extract<Effect, { type: 'send' }>): void {
    const { session, requestId, request } = effect;
    const params =
      effect.pdu.command === 'bind_transceiver'
        ? {
            system_id: this.config.systemId,
            password: this.config.password,
            system_type: this.config.systemType,
            interface_version: 0x34,
          }
        : effect.pdu.params;
    const pdu = params ? new smpp.PDU(effect.pdu.command, params) : new smpp.PDU(effect.pdu.command);
    const sent = session.send(pdu, (response) => {
      this.dispatch({
        type: 'response',
        requestId,
        request,
        session,
        status: response.command_status,
        messageId: response.message_id,
        now: Date.now(),
      });
    });
    this.dispatch(
      sent ? { type: 'sent', requestId, request, now: Date.now() } : { type: 'unsent', requestId, request, session },
    );
  }

  private async storeReceipt(effect: Extract<Effect, { type: 'store-receipt' }>): Promise<void> {
    const { session, pdu, receipt } = effect;
    let error: string | undefined;
    try {
      await this.onReceipt!(receipt);
    } catch (failure) {
      error = (failure as Error).message;
    }
    this.dispatch({
      type: 'receipt-stored',
      session,
      pdu,
      providerId: receipt.providerId,
      ...(error !== undefined ? { error } : {}),
    });
  }

  private startTimer(effect: Extract<Effect, { type: 'start-timer' }>): void {
    const session = effect.session;
    const fire = (): void => {
      const now = Date.now();
      switch (effect.timer) {
        case 'connect':
          return this.dispatch({ type: 'connect-timeout', session: session! });
        case 'enquire':
          return this.dispatch({ type: 'enquire-tick', session: session!, now });
        case 'pause':
          this.timers.delete('pause');
          return this.dispatch({ type: 'pause-over', now });
        case 'reconnect':
          return this.dispatch({ type: 'connect' });
        case 'watchdog':
          return this.dispatch({ type: 'watchdog-tick', now });
        case 'unbind':
          return this.dispatch({ type: 'unbind-over' });
      }
    };
    this.timers.set(effect.timer, effect.repeat ? setInterval(fire, effect.ms) : setTimeout(fire, effect.ms));
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

  private nextReference(): number {
    this.reference = (this.reference + 1) & 0xff;
    return this.reference;
  }
}

function incoming(pdu: PDU): {
  pdu: PDU;
  command: string;
  isResponse: boolean;
  deliver?: { receipt: ReturnType<typeof parseDeliveryReceipt>; esmClass: unknown };
} {
  const base = { pdu, command: pdu.command, isResponse: pdu.isResponse() };
  return pdu.command === 'deliver_sm' && !base.isResponse
    ? { ...base, deliver: { receipt: parseDeliveryReceipt(pdu as DeliverSmFields), esmClass: pdu.esm_class } }
    : base;
}

/** Alphanumeric sender → TON 5 NPI 0; digits → international TON 1 NPI 1 (ISDN); none → 0/0. */
function sourceAddress(addr: string): Record<string, unknown> {
  if (!addr) return { source_addr_ton: 0, source_addr_npi: 0, source_addr: '' };
  if (/^\+?\d+$/.test(addr)) return { source_addr_ton: 1, source_addr_npi: 1, source_addr: addr.replace(/^\+/, '') };
  return { source_addr_ton: 5, source_addr_npi: 0, source_addr: addr };
}
