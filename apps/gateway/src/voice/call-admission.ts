import type { RestHours } from '#libs/persistence';
import type { BlockList } from 'node:net';
import { listContains } from '../http/client-address.js';

/**
 * Pure admission rules of callVerify that depend only on the app's settings, the client and the
 * clock. Kept free of I/O so each rule is unit-tested on its own.
 */

/** No whitelist (null) allows every address; otherwise the client must match an address or CIDR. */
export function ipAllowed(whitelist: BlockList | null, clientIp: string): boolean {
  return whitelist === null || listContains(whitelist, clientIp);
}

/** Minutes since midnight of `now` in the time zone `tz`. */
function minutesIn(now: Date, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value);
  return hour * 60 + minute;
}

/**
 * Whether `now` falls in the app's rest hours (calls forbidden: 1013121). `from` is inclusive,
 * `to` exclusive; a range that crosses midnight (22:00–08:00) is handled; from == to means none.
 */
export function inRestHours(restHours: RestHours | null, now: Date): boolean {
  if (!restHours) return false;
  const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const from = toMinutes(restHours.from);
  const to = toMinutes(restHours.to);
  if (from === to) return false;
  const current = minutesIn(now, restHours.tz);
  return from < to ? current >= from && current < to : current >= from || current < to;
}
