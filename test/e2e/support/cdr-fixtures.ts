import type { TestInfrastructure } from '#libs/testing';

/**
 * CDRs for ended call sessions inserted by a test (ids LIKE `idPattern`), with FeeInfo built the
 * way the voice worker builds it: answered when state_code is 0, busy (486 / Q.850 17) otherwise.
 * Set-based, so 100k rows take seconds.
 */
export async function insertCdrsForSessions(infra: TestInfrastructure, idPattern: string): Promise<void> {
  await infra.query(
    `
    INSERT INTO cdrs (session_id, app_key, caller_num, callee_num, call_start, call_end, state_code, fee_info)
    SELECT s.id, s.app_key, s.display_nbr, s.callee_nbr, s.started_at, s.ended_at, s.state_code, json_build_object(
             'direction', 0, 'spId', 'verigate', 'appKey', s.app_key, 'icid', 'icid-' || s.id, 'bindNum', s.display_nbr,
             'sessionId', s.id, 'callerNum', s.display_nbr, 'calleeNum', s.callee_nbr,
             'callOutStartTime', to_char(s.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
             'callOutAlertingTime', to_char(s.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
             'callOutAnswerTime', CASE WHEN s.state_code = 0 THEN to_char(s.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') ELSE '' END,
             'callEndTime', to_char(s.ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
             'callOutUnaswRsn', CASE WHEN s.state_code = 0 THEN 0 ELSE 17 END, 'sipStatusCode', CASE WHEN s.state_code = 0 THEN 200 ELSE 486 END,
             'ulFailReason', 0, 'serviceType', '001', 'hostName', 'test-host', 'userData', s.user_data)
      FROM call_sessions s WHERE s.id LIKE $1`,
    [idPattern],
  );
}
