import { lines, optionalInteger } from './format.js';
import type { AppView, Permission, RestHours } from './types.js';

/** The editable settings of an app as the form holds them (text fields as typed). */
export interface AppSettingsForm {
  permissions: Permission[];
  ipWhitelist: string;
  restHoursOn: boolean;
  restFrom: string;
  restTo: string;
  restTz: string;
  voicePorts: string;
  limits: Record<string, string>;
  smsStatusUrl: string;
}

/** The limits the form offers (the API's `limits` names); empty means the platform default. */
export const LIMIT_FIELDS: ReadonlyArray<{ name: string; label: string }> = [
  { name: 'apiPerMinute', label: 'API calls per minute' },
  { name: 'callsPerDay', label: 'Calls per day' },
  { name: 'displayNumberCallsPerDay', label: 'Calls per display number per day' },
  { name: 'callerCallsPerMinute', label: 'Calls per caller per minute' },
  { name: 'calleeCallsPerHour', label: 'Calls per callee per hour' },
  { name: 'smsPerMobilePerHour', label: 'SMS per mobile per hour' },
  { name: 'smsPerMobilePerDay', label: 'SMS per mobile per day' },
  { name: 'smsDailyBudget', label: 'SMS daily budget' },
  { name: 'smsPerIpPerHour', label: 'SMS per IP per hour' },
];

export function formOf(app: AppView): AppSettingsForm {
  return {
    permissions: [...app.permissions],
    ipWhitelist: app.ipWhitelist.join('\n'),
    restHoursOn: app.restHours !== null,
    restFrom: app.restHours?.from ?? '22:00',
    restTo: app.restHours?.to ?? '08:00',
    restTz: app.restHours?.tz ?? 'UTC',
    voicePorts: app.voicePorts === null ? '' : String(app.voicePorts),
    limits: Object.fromEntries(LIMIT_FIELDS.map(({ name }) => [name, app.limits[name]?.toString() ?? ''])),
    smsStatusUrl: app.smsStatusUrl ?? '',
  };
}

/**
 * The PATCH body of the form: only what changed from `app`, so the audit entry names exactly the
 * changed fields. A limit left empty is removed (null); throws an Error naming a field it cannot read.
 */
export function patchOf(app: AppView, form: AppSettingsForm): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const permissions = [...form.permissions].sort();
  if (permissions.join() !== [...app.permissions].sort().join()) patch.permissions = permissions;
  const whitelist = lines(form.ipWhitelist);
  if (whitelist.join() !== app.ipWhitelist.join()) patch.ipWhitelist = whitelist;
  const restHours: RestHours | null = form.restHoursOn
    ? { from: form.restFrom, to: form.restTo, tz: form.restTz }
    : null;
  if (JSON.stringify(restHours) !== JSON.stringify(app.restHours)) patch.restHours = restHours;
  const voicePorts = optionalInteger('Voice ports', form.voicePorts);
  if (voicePorts !== app.voicePorts) patch.voicePorts = voicePorts;
  const limits: Record<string, number | null> = {};
  for (const { name, label } of LIMIT_FIELDS) {
    const value = optionalInteger(label, form.limits[name] ?? '');
    if (value !== (app.limits[name] ?? null)) limits[name] = value;
  }
  if (Object.keys(limits).length > 0) patch.limits = limits;
  // Shown with its credentials as ***@: left as shown, it is not sent (the stored one stays).
  const smsStatusUrl = form.smsStatusUrl.trim() || null;
  if (smsStatusUrl !== app.smsStatusUrl) patch.smsStatusUrl = smsStatusUrl;
  return patch;
}
