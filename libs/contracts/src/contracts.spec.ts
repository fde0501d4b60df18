import { describe, expect, it } from '@jest/globals';
import { buildFeeInfo } from './fee-info.js';
import { callOutcome } from './call-outcomes.js';
import { ResultCodes, resultBody } from './result-codes.js';
import { formatUtc } from './time.js';

describe('result-code table (表6)', () => {
  const rows = Object.values(ResultCodes);

  it('holds every code of the seed once, except 1010010 which the seed lists under 401 and 403', () => {
    const codes = rows.map((r) => r.code);
    expect(codes.filter((c) => c === '1010010')).toHaveLength(2);
    expect(new Set(codes).size).toBe(codes.length - 1);
    // The seed's 60 distinct codes, "0", 1010010 twice, and the verification API's 3 codes of its own.
    expect(codes).toHaveLength(65);
    expect(codes.filter((c) => ['1013130', '1020180', '1020181'].includes(c))).toHaveLength(3);
  });

  it.each([
    ['0', 200],
    ['1023006', 400],
    ['1023038', 400],
    ['1010013', 401],
    ['1010003', 403],
    ['1020176', 403],
    ['1020001', 500],
    ['1020154', 500],
    ['1020150', 500],
    ['1020151', 500],
    ['1023002', 500],
  ])('%s stands under HTTP %i', (code, status) => {
    expect(rows.find((r) => r.code === code)?.httpStatus).toBe(status);
  });

  it('keeps 1010010 as 401 invalid digest and 403 flow limit', () => {
    expect(ResultCodes.INVALID_DIGEST).toMatchObject({ code: '1010010', httpStatus: 401 });
    expect(ResultCodes.PLATFORM_FLOW_LIMIT).toMatchObject({ code: '1010010', httpStatus: 403 });
  });

  it('builds the wire body, with a precise detail when given', () => {
    expect(resultBody(ResultCodes.SUCCESS)).toEqual({ resultcode: '0', resultdesc: 'Success' });
    expect(resultBody(ResultCodes.PARAMETER_ERROR, 'times must be an integer from 0 to 9')).toEqual({
      resultcode: '1020001',
      resultdesc: 'Parameter error: times must be an integer from 0 to 9',
    });
    expect(resultBody(ResultCodes.PARAMETER_ERROR, 'x'.repeat(300)).resultdesc).toHaveLength(128);
  });
});

describe('call outcomes (SIP final response → stateCode / Q.850)', () => {
  it.each([
    [486, 8102, 17],
    [600, 8102, 17],
    [404, 8100, 1],
    [480, 8101, 19],
    [408, 8101, 18],
    [603, 8004, 21],
    [503, 8103, 41],
    [500, 8103, 31],
  ])('SIP %i → stateCode %i, cause %i', (sipStatus, stateCode, q850) => {
    expect(callOutcome({ kind: 'sip-final', sipStatus })).toMatchObject({
      stateCode,
      callOutUnaswRsn: q850,
      sipStatusCode: sipStatus,
    });
  });

  it("maps the platform's own endings", () => {
    expect(callOutcome({ kind: 'completed', by: 'platform' })).toEqual({
      stateCode: 0,
      stateDesc: 'Normal call clearing',
      sipStatusCode: 200,
      callOutUnaswRsn: 0,
      ulFailReason: 0,
    });
    expect(callOutcome({ kind: 'ring-timeout' })).toMatchObject({ stateCode: 8003, sipStatusCode: 487 });
    expect(callOutcome({ kind: 'no-ports' })).toMatchObject({ stateCode: 7109 });
    expect(callOutcome({ kind: 'internal', reason: 'x' })).toMatchObject({ stateCode: 8000 });
  });
});

describe('FeeInfo', () => {
  const base = {
    sessionId: 's1',
    appKey: 'k',
    spId: 'sp',
    icid: 'i1',
    displayNbr: '+8675528000088',
    calleeNbr: '+8613800000021',
    userData: null,
    hostName: 'h',
    startedAt: new Date('2026-11-28T10:00:00.500Z'),
  };

  it('describes an answered call', () => {
    const fee = buildFeeInfo({
      ...base,
      alertingAt: new Date('2026-11-28T10:00:01Z'),
      answeredAt: new Date('2026-11-28T10:00:05Z'),
      endedAt: new Date('2026-11-28T10:00:20Z'),
      ending: { kind: 'completed', by: 'platform' },
    });
    expect(fee).toEqual({
      direction: 0,
      spId: 'sp',
      appKey: 'k',
      icid: 'i1',
      bindNum: '+8675528000088',
      sessionId: 's1',
      callerNum: '+8675528000088',
      calleeNum: '+8613800000021',
      callOutStartTime: '2026-11-28 10:00:00',
      callOutAlertingTime: '2026-11-28 10:00:01',
      callOutAnswerTime: '2026-11-28 10:00:05',
      callEndTime: '2026-11-28 10:00:20',
      callOutUnaswRsn: 0,
      sipStatusCode: 200,
      ulFailReason: 0,
      serviceType: '001',
      hostName: 'h',
      userData: '',
    });
  });

  it('describes a busy callee', () => {
    const fee = buildFeeInfo({
      ...base,
      userData: 'u',
      alertingAt: null,
      answeredAt: null,
      endedAt: new Date('2026-11-28T10:00:01Z'),
      ending: { kind: 'sip-final', sipStatus: 486 },
    });
    expect(fee).toMatchObject({
      callOutAlertingTime: '',
      callOutAnswerTime: '',
      sipStatusCode: 486,
      callOutUnaswRsn: 17,
      ulFailReason: 4,
      userData: 'u',
    });
  });

  it('formats times as UTC yyyy-MM-dd HH:mm:ss', () => {
    expect(formatUtc(new Date('2019-01-24T03:04:24.999Z'))).toBe('2019-01-24 03:04:24');
  });

  it("a Q.850 cause given by the far end (Reason header) is the CDR's; an invalid one is ignored", () => {
    expect(callOutcome({ kind: 'sip-final', sipStatus: 486, q850: 34 })).toMatchObject({
      stateCode: 8102,
      sipStatusCode: 486,
      callOutUnaswRsn: 34,
    });
    expect(callOutcome({ kind: 'sip-final', sipStatus: 486, q850: 999 })).toMatchObject({ callOutUnaswRsn: 17 });
    expect(callOutcome({ kind: 'sip-final', sipStatus: 401 })).toMatchObject({ stateCode: 8103, callOutUnaswRsn: 21 });
    expect(callOutcome({ kind: 'sip-final', sipStatus: 407 })).toMatchObject({ stateCode: 8103, callOutUnaswRsn: 21 });
  });
});
