/**
 * The port every SMS vendor adapter implements (one class per vendor: log, smpp, http). The
 * send use-case knows nothing of protocols: it hands over a rendered text and gets back the
 * provider's message ids, or a SmsSubmitError saying whether trying again may help.
 */

/** One verification message, rendered. `text` holds the code: never log it. */
export interface OutgoingSms {
  /** The platform's id of the message (sms_messages.id). */
  messageId: string;
  /** The mobile as the client gave it (the provider adds any prefix it needs). */
  to: string;
  text: string;
}

export interface SubmitResult {
  /** The provider's ids, one per segment in order (an SMSC gives one per submit_sm). */
  providerIds: string[];
}

/** Final or intermediate delivery states a provider can report. */
export type ReceiptStatus = 'delivered' | 'undeliverable' | 'expired' | 'failed' | 'accepted' | 'unknown';

/** A delivery receipt (SMPP deliver_sm with a receipt; an HTTP gateway's callback). */
export interface DeliveryReceipt {
  /** The id the provider returned for the segment (submit_sm_resp message_id). */
  providerId: string;
  status: ReceiptStatus;
  /** When the provider says the message reached its final state. */
  doneAt: Date | null;
  /** The provider's error code, as text (SMPP `err:`), if any. */
  errorCode: string | null;
}

/**
 * A refused or failed submission. `transient`: the same message may succeed later (throttled,
 * connection lost, timeout, SMSC busy) — the use-case retries it; otherwise it is final.
 */
export class SmsSubmitError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    /** The provider's own code, e.g. `ESME_RINVDSTADR` or an HTTP status. */
    readonly providerCode: string | null = null,
  ) {
    super(message);
  }
}

/**
 * Called for every receipt; resolves once the receipt is committed. A provider acknowledges a
 * receipt to its peer only after that (SMPP: deliver_sm_resp), so a crash before the commit
 * makes the peer send it again.
 */
export type ReceiptHandler = (receipt: DeliveryReceipt) => Promise<void>;

export interface SmsProvider {
  readonly name: 'log' | 'smpp' | 'http';
  /** Connects (and keeps reconnecting) in the background; receipts go to `onReceipt`. */
  start(onReceipt: ReceiptHandler): Promise<void>;
  /** Submits one message (every segment); rejects with SmsSubmitError. */
  submit(sms: OutgoingSms): Promise<SubmitResult>;
  /** True when the provider can take submissions now (for health and for holding work back). */
  isReady(): boolean;
  /** Stops taking submissions, waits for outstanding ones (bounded), then disconnects. */
  stop(): Promise<void>;
}

/** Injection token of the configured provider. */
export const SMS_PROVIDER = Symbol('SMS_PROVIDER');
