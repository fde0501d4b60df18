/**
 * Names and payloads of everything that crosses RabbitMQ. Exchange and queue names are logical;
 * the messaging lib prefixes them with the configured namespace (tests use one per run).
 */
export const Exchanges = {
  /** Commands to workers (direct). */
  commands: 'verigate.commands',
  /** Call events and CDRs (topic, routing keys `call.<eventType>`). */
  callEvents: 'verigate.call-events',
  /** SMS delivery-status events (topic, routing keys `sms.<status>`). */
  smsEvents: 'verigate.sms-events',
} as const;

export const RoutingKeys = {
  placeCall: 'voice.place-call',
  sendSms: 'sms.send',
  callEvent: (eventType: CallEventType | 'fee') => `call.${eventType}`,
} as const;

export const Queues = {
  voiceCalls: 'voice.place-call',
  notifierCallEvents: 'notifier.call-events',
  smsSend: 'sms.send',
  notifierSmsEvents: 'notifier.sms-events',
} as const;

/** Command: the voice worker places the call of an accepted session. */
export interface PlaceCallCommand {
  sessionId: string;
}

export const CALL_EVENT_TYPES = ['callout', 'alerting', 'answer', 'disconnect'] as const;
export type CallEventType = (typeof CALL_EVENT_TYPES)[number];

/** The seed's statusInfo of a call-status notification. */
export interface StatusInfo {
  sessionId: string;
  timestamp: string;
  caller: string;
  called: string;
  userData?: string;
  stateCode?: number;
  stateDesc?: string;
}

/** Event: a call changed state (published by the voice worker, one per call_events row). */
export interface CallEventMessage {
  /** call_events.id: unique, used for idempotent consumption. */
  eventId: string;
  sessionId: string;
  appKey: string;
  /** 1-based order of the event within its session. */
  seq: number;
  eventType: CallEventType;
  /** Decoded statusUrl of the session, if the customer gave one. */
  statusUrl: string | null;
  body: { eventType: CallEventType; statusInfo: StatusInfo };
}

/** Event: the CDR of a finished call (routing key `call.fee`). */
export interface CallFeeMessage {
  cdrId: string;
  sessionId: string;
  appKey: string;
  feeUrl: string | null;
  body: { eventType: 'fee'; feeLst: FeeInfo[] };
}

/** Huawei's FeeInfo for a voice verification call (the fields this platform can fill truthfully). */
export interface FeeInfo {
  direction: number;
  spId: string;
  appKey: string;
  icid: string;
  bindNum: string;
  sessionId: string;
  callerNum: string;
  calleeNum: string;
  callOutStartTime: string;
  callOutAlertingTime: string;
  callOutAnswerTime: string;
  callEndTime: string;
  callOutUnaswRsn: number;
  sipStatusCode: number;
  ulFailReason: number;
  serviceType: string;
  hostName: string;
  userData: string;
}
