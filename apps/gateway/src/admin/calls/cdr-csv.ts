import type { Transform } from 'node:stream';
import type { FeeInfo } from '#libs/contracts';
import { csvLine, csvStream } from '../csv.js';

/** Every FeeInfo field, in the order of libs/contracts (the compiler checks none is missing). */
const FEE_INFO_KEYS = {
  direction: true,
  spId: true,
  appKey: true,
  icid: true,
  bindNum: true,
  sessionId: true,
  callerNum: true,
  calleeNum: true,
  callOutStartTime: true,
  callOutAlertingTime: true,
  callOutAnswerTime: true,
  callEndTime: true,
  callOutUnaswRsn: true,
  sipStatusCode: true,
  ulFailReason: true,
  serviceType: true,
  hostName: true,
  userData: true,
} as const satisfies Record<keyof FeeInfo, true>;

export const FEE_INFO_FIELDS = Object.keys(FEE_INFO_KEYS) as (keyof FeeInfo)[];

/** The export's columns: the FeeInfo fields, then the call's stateCode. */
export const CDR_CSV_COLUMNS: readonly string[] = [...FEE_INFO_FIELDS, 'stateCode'];

export function cdrCsvLine(feeInfo: Partial<Record<keyof FeeInfo, unknown>> | null, stateCode: unknown): string {
  const cells: unknown[] = FEE_INFO_FIELDS.map((f) => feeInfo?.[f]);
  cells.push(stateCode);
  return csvLine(cells);
}

export interface CdrCsvRow {
  fee_info: Partial<Record<keyof FeeInfo, unknown>> | null;
  state_code: number | null;
}

/** Rows (objects) in, CSV text out: the header line, then one line per CDR. */
export function cdrCsvStream(): Transform {
  return csvStream<CdrCsvRow>(CDR_CSV_COLUMNS, (row) => cdrCsvLine(row.fee_info, row.state_code));
}
