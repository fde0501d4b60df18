import type { AddressInfo } from 'node:net';
import smpp, { type PDU, type Session } from 'smpp';
import { parseSubmitSm, reassembleMessages, receiptDate } from './smsc-pdu.js';
import type { ReceiptStat, SmscMessage, SmscReceiptResponse, SmscSubmit, TestSmscOptions } from './smsc-types.js';

export type { ReceiptStat, SmscMessage, SmscReceiptResponse, SmscSubmit, TestSmscOptions } from './smsc-types.js';

interface SmscSession {
  id: number;
  session: Session;
  bound: boolean;
  /** Automatic receipts sent on this session and not answered yet. */
  receiptsInFlight: Set<PendingReceipt>;
}

interface PendingReceipt {
  messageId: string;
  stat: ReceiptStat;
}

const ESME_RINVBNDSTS = 0x04;
const ESME_RBINDFAIL = 0x0d;
const ESME_RTHROTTLED = 0x58;

/**
 * A real SMPP 3.4 server (the `smpp` package) on 127.0.0.1 for tests: accepts bind_transceiver with
 * one system_id/password, records every submit_sm from its raw octets, and can throttle, fail,
 * hold responses, send delivery receipts and drop connections on demand.
 */
export class TestSmsc {
  readonly submits: SmscSubmit[] = [];
  readonly receiptResponses: SmscReceiptResponse[] = [];
  /** Every bind attempt, accepted or not. */
  readonly binds: { systemId: string; interfaceVersion: number; accepted: boolean }[] = [];
  enquireLinks = 0;
  unbinds = 0;
  /** Connections accepted since start. */
  connections = 0;
  /** submit_sm received and not yet answered, now and at most. */
  outstanding = 0;
  maxOutstanding = 0;
  autoReceipt: 'DELIVRD' | 'UNDELIV' | null;
  private readonly systemId: string;
  private readonly password: string;
  private readonly server = smpp.createServer({}, (session) => this.accept(session));
  private readonly live = new Set<SmscSession>();
  private readonly messageSession = new Map<string, SmscSession>();
  private nextSessionId = 0;
  private nextMessageId = 0;
  private throttleCount = 0;
  private failures: { count: number; status: number } | null = null;
  private holding = false;
  /** Automatic receipts waiting for a bound session. */
  private readonly undelivered: PendingReceipt[] = [];
  private held: { s: SmscSession; respond: () => void }[] = [];

  constructor(options: TestSmscOptions = {}) {
    this.systemId = options.systemId ?? 'verigate';
    this.password = options.password ?? 'secret';
    this.autoReceipt = options.autoReceipt ?? null;
  }

  /** Listens on a loopback port (0: an ephemeral one); resolves with it. */
  async start(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Open connections (bound or not). */
  get sessions(): number {
    return this.live.size;
  }

  get boundSessions(): number {
    return [...this.live].filter((s) => s.bound).length;
  }

  /** The next `n` submit_sm get ESME_RTHROTTLED. */
  throttleNext(n: number): void {
    this.throttleCount = n;
  }

  /** The next `n` submit_sm get `status`. */
  failNext(n: number, status: number): void {
    this.failures = { count: n, status };
  }

  /** While true, submit_sm responses wait; false sends the held ones in order. */
  holdResponses(hold: boolean): void {
    this.holding = hold;
    if (!hold) for (const { respond } of this.held.splice(0)) respond();
  }

  /** Destroys every connection, as an SMSC restart would. */
  dropConnections(): void {
    for (const s of this.live) s.session.destroy();
  }

  /** Accepted submits reassembled into messages, in order of their first part. */
  messages(): SmscMessage[] {
    return reassembleMessages(this.submits);
  }

  /** Sends a delivery receipt for `messageId`; resolves with the client's deliver_sm_resp status. */
  sendReceipt(messageId: string, stat: ReceiptStat): Promise<number> {
    const s = this.receiptSession(messageId);
    if (!s) return Promise.reject(new Error('TestSmsc: no bound session for a receipt'));
    return this.sendReceiptOn(s, messageId, stat);
  }

  /** The session that submitted the message if it is still bound, else any bound one. */
  private receiptSession(messageId: string): SmscSession | undefined {
    const target = this.messageSession.get(messageId);
    return target && this.live.has(target) && target.bound
      ? target
      : [...this.live].find((candidate) => candidate.bound);
  }

  private sendReceiptOn(s: SmscSession, messageId: string, stat: ReceiptStat): Promise<number> {
    const submit = this.submits.find((x) => x.messageId === messageId);
    const date = receiptDate(new Date());
    const text = `id:${messageId} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:${date} done date:${date} stat:${stat} err:000 text:`;
    const pdu = new smpp.PDU('deliver_sm', {
      source_addr: submit?.destination ?? '',
      destination_addr: submit?.sourceAddr ?? '',
      esm_class: 0x04,
      data_coding: 0,
      short_message: Buffer.from(text, 'ascii'),
    });
    return this.request(s, pdu).then((status) => {
      this.receiptResponses.push({ messageId, commandStatus: status, at: Date.now() });
      return status;
    });
  }

  /**
   * An automatic receipt, delivered as a real SMSC does: kept while no session is bound or its
   * connection dies before the answer (sent again at the next bind), and sent again half a second
   * after a non-zero deliver_sm_resp.
   */
  private autoSendReceipt(receipt: PendingReceipt): void {
    const s = this.receiptSession(receipt.messageId);
    if (!s) {
      this.undelivered.push(receipt);
      return;
    }
    s.receiptsInFlight.add(receipt);
    this.sendReceiptOn(s, receipt.messageId, receipt.stat).then(
      (status) => {
        s.receiptsInFlight.delete(receipt);
        if (status !== 0) setTimeout(() => this.autoSendReceipt(receipt), 500).unref();
      },
      () => {
        s.receiptsInFlight.delete(receipt);
        this.undelivered.push(receipt);
      },
    );
  }

  /** Sends a mobile-originated SMS (a deliver_sm that is no receipt); resolves with the response status. */
  sendMo(from: string, text: string): Promise<number> {
    const s = [...this.live].find((candidate) => candidate.bound);
    if (!s) return Promise.reject(new Error('TestSmsc: no bound session for an MO message'));
    return this.request(
      s,
      new smpp.PDU('deliver_sm', {
        source_addr: from,
        esm_class: 0,
        data_coding: 0,
        short_message: Buffer.from(text, 'ascii'),
      }),
    );
  }

  /** Sends unbind on every bound session, as an SMSC going down would; resolves with the unbind_resp statuses. */
  unbindSessions(): Promise<number[]> {
    return Promise.all(
      [...this.live]
        .filter((s) => s.bound)
        .map((s) => {
          s.bound = false;
          return this.request(s, new smpp.PDU('unbind'));
        }),
    );
  }

  private request(s: SmscSession, pdu: PDU): Promise<number> {
    return new Promise((resolve, reject) => {
      const sent = s.session.send(pdu, (response) => resolve(response.command_status));
      if (!sent) reject(new Error('TestSmsc: connection gone'));
    });
  }

  private accept(session: Session): void {
    const s: SmscSession = { id: ++this.nextSessionId, session, bound: false, receiptsInFlight: new Set() };
    this.connections++;
    this.live.add(s);
    // Capture the octets the package reads for each PDU, to decode short_message ourselves.
    const socket = session.socket;
    const read = socket.read.bind(socket);
    let raw: Buffer[] = [];
    socket.read = ((size?: number) => {
      const chunk = read(size) as Buffer | null;
      if (chunk) raw.push(chunk);
      return chunk;
    }) as typeof socket.read;
    session.on('pdu', (pdu: PDU) => {
      const bytes = Buffer.concat(raw);
      raw = [];
      this.onPdu(s, pdu, bytes);
    });
    session.on('error', () => session.destroy());
    socket.on('close', () => {
      this.live.delete(s);
      for (const receipt of s.receiptsInFlight) this.undelivered.push(receipt);
      s.receiptsInFlight.clear();
      // Its held responses can never be sent: settle them so `outstanding` stays true.
      for (const entry of this.held.filter((h) => h.s === s)) {
        this.held.splice(this.held.indexOf(entry), 1);
        entry.respond();
      }
    });
  }

  private onPdu(s: SmscSession, pdu: PDU, bytes: Buffer): void {
    if (pdu.isResponse()) return;
    const { session } = s;
    switch (pdu.command) {
      case 'bind_transceiver': {
        const accepted = pdu.system_id === this.systemId && pdu.password === this.password;
        this.binds.push({ systemId: String(pdu.system_id), interfaceVersion: Number(pdu.interface_version), accepted });
        s.bound = accepted;
        session.send(pdu.response(accepted ? { system_id: 'TESTSMSC' } : { command_status: ESME_RBINDFAIL }));
        // Store and forward: automatic receipts that found no bound session go out now.
        if (accepted) for (const receipt of this.undelivered.splice(0)) this.autoSendReceipt(receipt);
        break;
      }
      case 'enquire_link':
        this.enquireLinks++;
        session.send(pdu.response());
        break;
      case 'unbind':
        this.unbinds++;
        s.bound = false;
        session.send(pdu.response());
        break;
      case 'submit_sm':
        this.onSubmit(s, pdu, bytes);
        break;
      default:
        session.send(pdu.response({ command_status: 0x03 }));
    }
  }

  private onSubmit(s: SmscSession, pdu: PDU, bytes: Buffer): void {
    const fields = parseSubmitSm(bytes);
    let status = 0;
    if (!s.bound) status = ESME_RINVBNDSTS;
    else if (this.throttleCount > 0) {
      this.throttleCount--;
      status = ESME_RTHROTTLED;
    } else if (this.failures && this.failures.count > 0) {
      this.failures.count--;
      status = this.failures.status;
    }
    const messageId = status === 0 ? (++this.nextMessageId).toString(16).padStart(8, '0') : null;
    const submit: SmscSubmit = { sessionId: s.id, ...fields, status, messageId, receivedAt: Date.now() };
    this.submits.push(submit);
    if (messageId) this.messageSession.set(messageId, s);
    this.outstanding++;
    this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding);
    const respond = (): void => {
      this.outstanding--;
      if (!this.live.has(s)) return;
      s.session.send(pdu.response(messageId ? { message_id: messageId } : { command_status: status }));
      if (messageId && this.autoReceipt) this.autoSendReceipt({ messageId, stat: this.autoReceipt });
    };
    if (this.holding) this.held.push({ s, respond });
    else respond();
  }
}
