import { readFileSync } from 'node:fs';
import type { QueryRunner } from 'typeorm';

/**
 * The PL/pgSQL (and SQL) functions of the schema, one `CREATE OR REPLACE FUNCTION` per file in
 * ./functions (named after the function; an overload kept for a rolling upgrade says which).
 * The folder sits beside this module both in the sources (ts-jest) and in dist/ (`npm run build`
 * copies it), so one URL finds it in both. Listed in the order they are applied: a function
 * before the ones that call it (PostgreSQL resolves a PL/pgSQL body's names only when it runs,
 * but the order keeps a reader's path straight).
 */
export const SQL_FUNCTIONS = [
  'verigate_window_start',
  'verigate_take_counters',
  'verigate_take_voice_port',
  'verigate_check_callee',
  'verigate_auth_failure',
  'verigate_admit_sms.12-args',
  'verigate_admit_sms',
  'verigate_verify_sms_code',
  'verigate_sms_set_status',
  'verigate_sms_apply_receipts',
  'verigate_sms_submitted',
  'verigate_sms_receipt',
  // The verification API (1764900000000-verifications.ts applies them on databases that ran 1764800000000 already).
  'verigate_verification_event',
  'verigate_verification_call',
  'verigate_accept_verification',
  'verigate_check_verification',
  'verigate_resend_verification',
  'verigate_sweep_verifications',
] as const;

export type SqlFunctionFile = (typeof SQL_FUNCTIONS)[number];

const FUNCTIONS_DIR = new URL('./functions/', import.meta.url);

/** The text of one function's file (a `CREATE OR REPLACE FUNCTION` statement). */
export function sqlFunction(file: SqlFunctionFile): string {
  return readFileSync(new URL(`${file}.sql`, FUNCTIONS_DIR), 'utf8');
}

/** Creates or replaces the given functions, in the order given. */
export async function applySqlFunctions(
  q: QueryRunner,
  files: readonly SqlFunctionFile[] = SQL_FUNCTIONS,
): Promise<void> {
  for (const file of files) await q.query(sqlFunction(file));
}
