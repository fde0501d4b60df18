import { ResultCodes, type ResultCodeName, type ResultCodeRow } from '#libs/contracts';
import type { AppLimits, InternationalRules } from '#libs/persistence';
import type { PlatformConfig } from '#libs/runtime';
import { startsWithAny } from '../policy/number-ranges.js';

/**
 * Pure call-admission policy built from the app's limits and the platform's controls: which
 * windowed counters an accepted call takes, and the number rules (blocked prefixes, international
 * calls). The counters themselves are taken atomically in PostgreSQL (verigate_take_counters).
 */

export interface CounterClaim {
  key: string;
  limit: number;
  windowSeconds: number;
  /** The result code (its name in ResultCodes) when the counter is at its limit. */
  refusal: ResultCodeName;
}

type Controls = PlatformConfig['controls'];

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

/** The counters one accepted call takes, in key order (a fixed order avoids lock waits in a cycle). */
export function callCounterClaims(
  appId: string,
  limits: AppLimits,
  controls: Controls,
  call: { displayNbr: string; calleeNbr: string },
): CounterClaim[] {
  const claims: CounterClaim[] = [];
  const add = (key: string, limit: number | null | undefined, windowSeconds: number, refusal: ResultCodeName) => {
    if (limit !== null && limit !== undefined) claims.push({ key, limit, windowSeconds, refusal });
  };
  add('sp:calls', controls.spCallsPerDay, DAY, 'SP_CALL_LIMIT');
  add(
    'service-number:' + call.displayNbr,
    controls.serviceNumberCallsPerMinute,
    MINUTE,
    'SERVICE_NUMBER_FREQUENCY_LIMIT',
  );
  add(`app:${appId}:calls`, limits.callsPerDay, DAY, 'APP_CALL_LIMIT');
  add(`app:${appId}:display:${call.displayNbr}`, limits.displayNumberCallsPerDay, DAY, 'DISPLAY_NUMBER_CALL_LIMIT');
  add(`app:${appId}:caller:${call.displayNbr}`, limits.callerCallsPerMinute, MINUTE, 'CALLER_FREQUENCY_LIMIT');
  add(`app:${appId}:callee:${call.calleeNbr}`, limits.calleeCallsPerHour, HOUR, 'CALLEE_FREQUENCY_LIMIT');
  return claims.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The counters every authenticated API request takes: the app's API quota and the platform's flow limit. */
export function requestCounterClaims(appId: string, limits: AppLimits, controls: Controls): CounterClaim[] {
  const claims: CounterClaim[] = [];
  if (limits.apiPerMinute !== undefined)
    claims.push({
      key: `app:${appId}:api`,
      limit: limits.apiPerMinute,
      windowSeconds: MINUTE,
      refusal: 'API_QUOTA_EXCEEDED',
    });
  if (controls.platformRequestsPerSecond !== null) {
    claims.push({
      key: 'platform:requests',
      limit: controls.platformRequestsPerSecond,
      windowSeconds: 1,
      refusal: 'PLATFORM_FLOW_LIMIT',
    });
  }
  return claims.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * International rules: with home prefixes set, a callee outside them is an international
 * call-out (1013112) and a display number outside them presents a foreign caller to the callee's
 * network, an international call-in (1013111); each is refused unless the app allows it.
 */
export function internationalRefusal(
  rules: InternationalRules | null,
  defaultHomePrefixes: readonly string[],
  call: { displayNbr: string; calleeNbr: string },
): ResultCodeRow | null {
  const effective: InternationalRules = rules ?? {
    homePrefixes: [...defaultHomePrefixes],
    allowCallout: false,
    allowCallin: false,
  };
  if (effective.homePrefixes.length === 0) return null;
  if (!effective.allowCallout && !startsWithAny(call.calleeNbr, effective.homePrefixes))
    return ResultCodes.INTERNATIONAL_CALLOUT_FORBIDDEN;
  if (!effective.allowCallin && !startsWithAny(call.displayNbr, effective.homePrefixes))
    return ResultCodes.INTERNATIONAL_CALLIN_FORBIDDEN;
  return null;
}

/** The counters as the four parallel arrays verigate_take_counters takes. */
export function counterArrays(claims: readonly CounterClaim[]): [string[], number[], number[], string[]] {
  return [
    claims.map((c) => c.key),
    claims.map((c) => c.limit),
    claims.map((c) => c.windowSeconds),
    claims.map((c) => c.refusal),
  ];
}
