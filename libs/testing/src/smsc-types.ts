/** What the test SMSC (smsc.ts) records and answers: submits as they arrived, messages, receipts. */
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
