import type { DeliveryReceipt, ReceiptStatus } from '../sms-provider.js';

/**
 * deliver_sm → DeliveryReceipt. Pure. A receipt is flagged in esm_class (message type bits 2..5)
 * and carries the de-facto standard text `id:… sub:… dlvrd:… submit date:… done date:… stat:… err:…`
 * (SMPP 3.4 appendix B); the receipted_message_id / message_state TLVs win when present.
 */

/** The deliver_sm fields we read, as the smpp package decodes them. */
export interface DeliverSmFields {
  esm_class?: number;
  /** A Buffer, a string, or the package's decoded `{ udh?, message }`. */
  short_message?: unknown;
  message_payload?: unknown;
  receipted_message_id?: unknown;
  message_state?: unknown;
}

const MESSAGE_TYPE_MASK = 0x3c;
/** MC delivery receipt (0x04), SME delivery acknowledgement (0x08), intermediate notification (0x20). */
const RECEIPT_TYPES = new Set([0x04, 0x08, 0x20]);

const STAT: Record<string, ReceiptStatus> = {
  DELIVRD: 'delivered',
  UNDELIV: 'undeliverable',
  EXPIRED: 'expired',
  REJECTD: 'failed',
  DELETED: 'failed',
  ACCEPTD: 'accepted',
  UNKNOWN: 'unknown',
};

/** SMPP 3.4 §5.2.28 message_state values. */
const MESSAGE_STATE: Record<number, ReceiptStatus> = {
  2: 'delivered',
  3: 'expired',
  4: 'failed',
  5: 'undeliverable',
  6: 'accepted',
  7: 'unknown',
  8: 'failed',
};

/** The receipt in a deliver_sm, or null when it is not one (a mobile-originated SMS) or names no id. */
export function parseDeliveryReceipt(pdu: DeliverSmFields): DeliveryReceipt | null {
  if (!RECEIPT_TYPES.has((pdu.esm_class ?? 0) & MESSAGE_TYPE_MASK)) return null;
  const text = textOf(pdu.short_message) || textOf(pdu.message_payload);
  const fields = receiptFields(text);

  const tlvId = typeof pdu.receipted_message_id === 'string' ? pdu.receipted_message_id.trim() : '';
  const providerId = tlvId || fields.get('id') || '';
  if (!providerId) return null;

  const state = typeof pdu.message_state === 'number' ? MESSAGE_STATE[pdu.message_state] : undefined;
  const stat = fields.get('stat')?.toUpperCase();
  const status = state ?? (stat !== undefined ? STAT[stat] : undefined) ?? 'unknown';
  return {
    providerId,
    status,
    doneAt: parseReceiptDate(fields.get('done date')),
    errorCode: fields.get('err') ?? null,
  };
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  if (value && typeof value === 'object' && 'message' in value) return textOf((value as { message: unknown }).message);
  return '';
}

/** key → value for the known keys, keys lower-cased; `text:` ends the scan (it is free text). */
function receiptFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  const body = text.split(/\btext:/i)[0] ?? '';
  const pattern = /\b(id|sub|dlvrd|submit date|done date|stat|err)\s*:\s*(\S*)/gi;
  for (const match of body.matchAll(pattern)) {
    const key = match[1]!.toLowerCase().replace(/\s+/, ' ');
    if (!fields.has(key) && match[2]) fields.set(key, match[2]);
  }
  return fields;
}

/** YYMMDDhhmm[ss], taken as UTC (the SMSC's zone is not stated in the text); null when malformed. */
export function parseReceiptDate(value: string | undefined): Date | null {
  const m = value?.match(/^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((part) => Number(part ?? 0)) as number[];
  const date = new Date(Date.UTC(2000 + year!, month! - 1, day!, hour!, minute!, second!));
  // Reject 991399… style garbage that Date.UTC would silently roll over.
  return date.getUTCMonth() === month! - 1 && date.getUTCDate() === day! && hour! < 24 && minute! < 60 && second! < 60
    ? date
    : null;
}
