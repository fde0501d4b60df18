/**
 * The wire side of the test SMSC (smsc.ts), decoded here from the raw octets rather than by the
 * `smpp` package or the platform's encoder: submit_sm fields, concatenation, GSM 03.38 text, and
 * the reassembly of accepted parts into messages.
 */
import type { SmscMessage, SmscSubmit } from './smsc-types.js';

/** Accepted submits reassembled into messages, in order of their first part. */
export function reassembleMessages(submits: readonly SmscSubmit[]): SmscMessage[] {
  const groups: { destination: string; key: string | null; total: number; parts: Map<number, SmscSubmit> }[] = [];
  const open = new Map<string, (typeof groups)[number]>();
  for (const submit of submits) {
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

type SubmitFields = Omit<SmscSubmit, 'sessionId' | 'status' | 'messageId' | 'receivedAt'>;

/** Decodes submit_sm mandatory parameters from the raw PDU (SMPP 3.4 §4.4.1). */
export function parseSubmitSm(pdu: Buffer): SubmitFields {
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
  const text =
    dataCoding === 0x08
      ? Buffer.from(payload).swap16().toString('utf16le')
      : dataCoding === 0
        ? decodeGsm(payload)
        : payload.toString('latin1');
  return {
    sourceAddr,
    sourceTon,
    sourceNpi,
    destination,
    destTon,
    destNpi,
    esmClass,
    dataCoding,
    registeredDelivery,
    udh,
    payload,
    text,
    concat,
  };
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
const GSM_EXT: Record<number, string> = {
  0x0a: '\f',
  0x14: '^',
  0x28: '{',
  0x29: '}',
  0x2f: '\\',
  0x3c: '[',
  0x3d: '~',
  0x3e: ']',
  0x40: '|',
  0x65: '€',
};

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

export function receiptDate(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(date.getUTCFullYear() % 100)}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}`;
}
