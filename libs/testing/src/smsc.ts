import type { AddressInfo } from 'node:net';
import smpp, { type PDU, type Session } from 'smpp';

/** One submit_sm as it arrived on the wire (decoded here from the raw octets, not by the package). */
export interface SmscSubmit {
  sessionId: number;
  sourceAddr: string;
  sourceTon: number;
  sourceNpi: number;
  destination: string;
  destTon: number;
  destNpi: number;
  esmClass: number;
  dataCoding: number;
  registeredDelivery: number;
  /** The User Data Header octets (length octet included), or null. */
  udh: Buffer | null;
  /** The short_message octets after the UDH. */
  payload: Buffer;
  text: string;
  /** From an 8- or 16-bit concatenation UDH. */
  concat: { reference: number; total: number; seq: number } | null;
  /** The command_status answered. */
  status: number;
  /** Assigned when accepted (status 0). */
  messageId: string | null;
  receivedAt: number;
}

/** A whole message: accepted parts reassembled in sequence order. */
export interface SmscMessage {
  destination: string;
  text: string;
  /** The message ids of the parts, in sequence order. */
  messageIds: string[];
  /** False while parts are missing. */
  complete: boolean;
}

export interface SmscReceiptResponse {
  messageId: string;
  commandStatus: number;
  at: number;
}

export interface TestSmscOptions {
  systemId?: string;
  password?: string;
  autoReceipt?: 'DELIVRD' | 'UNDELIV' | null;
}

export type ReceiptStat = 'DELIVRD' | 'UNDELIV' | 'EXPIRED' | 'REJECTD' | 'DELETED' | 'ACCEPTD' | 'UNKNOWN';

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
    const groups: { destination: string; key: string | null; total: number; parts: Map<number, SmscSubmit> }[] = [];
    const open = new Map<string, (typeof groups)[number]>();
    for (const submit of this.submits) {
      if (submit.messageId === null) continue;
      if (!submit.concat) {
        groups.push({ destination: submit.destination, key: null, total: 1, parts: new Map([[1, submit]]) });
        continue;
      }
      const key = `${submit.sessionId}|${submit.destination}|${submit.concat.reference}|${submit.concat.total}`;
      let group = open.get(key);
      // A reused reference (wrapped, or a resubmission) starts a new message once a part repeats.
      if (!group || group.parts.has(submit.concat.seq)) {
        group = { destination: submit.destination, key, total: submit.concat.total, parts: new Map() };
        groups.push(group);
        open.set(key, group);
      }
      group.parts.set(submit.concat.seq, submit);
    }
    return groups.map((group) => {
      const parts = [...group.parts.entries()].sort(([a], [b]) => a - b).map(([, submit]) => submit);
      return {
        destination: group.destination,
        text: parts.map((p) => p.text).join(''),
        messageIds: parts.map((p) => p.messageId!),
        complete: parts.length === group.total,
      };
    });
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
    return target && this.live.has(target) && target.bound ? target : [...this.live].find((candidate) => candidate.bound);
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
    this.sendReceiptOn(s, receipt.messageId, receipt.stat).then((status) => {
      s.receiptsInFlight.delete(receipt);
      if (status !== 0) setTimeout(() => this.autoSendReceipt(receipt), 500).unref();
    }, () => {
      s.receiptsInFlight.delete(receipt);
      this.undelivered.push(receipt);
    });
  }

  /** Sends a mobile-originated SMS (a deliver_sm that is no receipt); resolves with the response status. */
  sendMo(from: string, text: string): Promise<number> {
    const s = [...this.live].find((candidate) => candidate.bound);
    if (!s) return Promise.reject(new Error('TestSmsc: no bound session for an MO message'));
    return this.request(s, new smpp.PDU('deliver_sm', { source_addr: from, esm_class: 0, data_coding: 0, short_message: Buffer.from(text, 'ascii') }));
  }

  /** Sends unbind on every bound session, as an SMSC going down would; resolves with the unbind_resp statuses. */
  unbindSessions(): Promise<number[]> {
    return Promise.all([...this.live].filter((s) => s.bound).map((s) => {
      s.bound = false;
      return this.request(s, new smpp.PDU('unbind'));
    }));
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

type SubmitFields = Omit<SmscSubmit, 'sessionId' | 'status' | 'messageId' | 'receivedAt'>;

/** Decodes submit_sm mandatory parameters from the raw PDU (SMPP 3.4 §4.4.1). */
function parseSubmitSm(pdu: Buffer): SubmitFields {
  let at = 16;
  const cstring = (): string => {
    const end = pdu.indexOf(0, at);
    const value = pdu.toString('latin1', at, end);
    at = end + 1;
    return value;
  };
  const octet = (): number => pdu[at++]!;
  cstring(); // service_type
  const sourceTon = octet();
  const sourceNpi = octet();
  const sourceAddr = cstring();
  const destTon = octet();
  const destNpi = octet();
  const destination = cstring();
  const esmClass = octet();
  at += 2; // protocol_id, priority_flag
  cstring(); // schedule_delivery_time
  cstring(); // validity_period
  const registeredDelivery = octet();
  at += 1; // replace_if_present_flag
  const dataCoding = octet();
  at += 1; // sm_default_msg_id
  const smLength = octet();
  const shortMessage = pdu.subarray(at, at + smLength);
  let udh: Buffer | null = null;
  let concat: SmscSubmit['concat'] = null;
  let payload = shortMessage;
  if (esmClass & 0x40) {
    udh = shortMessage.subarray(0, shortMessage[0]! + 1);
    payload = shortMessage.subarray(udh.length);
    concat = concatenation(udh);
  }
  const text = dataCoding === 0x08 ? Buffer.from(payload).swap16().toString('utf16le') : dataCoding === 0 ? decodeGsm(payload) : payload.toString('latin1');
  return { sourceAddr, sourceTon, sourceNpi, destination, destTon, destNpi, esmClass, dataCoding, registeredDelivery, udh, payload, text, concat };
}

/** The concatenation information element (IEI 00: 8-bit reference, 08: 16-bit) of a UDH. */
function concatenation(udh: Buffer): SmscSubmit['concat'] {
  let at = 1;
  while (at + 1 < udh.length) {
    const iei = udh[at]!;
    const length = udh[at + 1]!;
    const data = udh.subarray(at + 2, at + 2 + length);
    if (iei === 0x00 && length === 3) return { reference: data[0]!, total: data[1]!, seq: data[2]! };
    if (iei === 0x08 && length === 4) return { reference: data.readUInt16BE(0), total: data[2]!, seq: data[3]! };
    at += 2 + length;
  }
  return null;
}

// The GSM 03.38 tables again, on purpose: the test server must not share the encoder's code.
const GSM =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXT: Record<number, string> = { 0x0a: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2f: '\\', 0x3c: '[', 0x3d: '~', 0x3e: ']', 0x40: '|', 0x65: '€' };

/** Unpacked septets (one per octet) → text; unknown values become U+FFFD so a test sees them. */
function decodeGsm(bytes: Buffer): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) {
    const septet = bytes[i]!;
    if (septet === 0x1b) text += GSM_EXT[bytes[++i] ?? -1] ?? '\ufffd';
    else text += septet < 0x80 ? GSM[septet] : '\ufffd';
  }
  return text;
}

function receiptDate(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(date.getUTCFullYear() % 100)}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}`;
}
