import type { FeeInfo } from './messaging.js';
import { callOutcome, type CallEnding } from './call-outcomes.js';
import { formatUtc } from './time.js';

/** What the voice worker knows of a finished call. */
export interface FinishedCall {
  sessionId: string;
  appKey: string;
  spId: string;
  icid: string;
  displayNbr: string;
  calleeNbr: string;
  userData: string | null;
  hostName: string;
  startedAt: Date;
  alertingAt: Date | null;
  answeredAt: Date | null;
  endedAt: Date;
  ending: CallEnding;
}

/** Voice verification calls are outbound from the platform (direction 0) of service type 001. */
export const VOICE_VERIFICATION_SERVICE_TYPE = '001';

export function buildFeeInfo(call: FinishedCall): FeeInfo {
  const outcome = callOutcome(call.ending);
  return {
    direction: 0,
    spId: call.spId,
    appKey: call.appKey,
    icid: call.icid,
    bindNum: call.displayNbr,
    sessionId: call.sessionId,
    callerNum: call.displayNbr,
    calleeNum: call.calleeNbr,
    callOutStartTime: formatUtc(call.startedAt),
    callOutAlertingTime: call.alertingAt ? formatUtc(call.alertingAt) : '',
    callOutAnswerTime: call.answeredAt ? formatUtc(call.answeredAt) : '',
    callEndTime: formatUtc(call.endedAt),
    callOutUnaswRsn: outcome.callOutUnaswRsn,
    sipStatusCode: outcome.sipStatusCode,
    ulFailReason: outcome.ulFailReason,
    serviceType: VOICE_VERIFICATION_SERVICE_TYPE,
    hostName: call.hostName,
    userData: call.userData ?? '',
  };
}
