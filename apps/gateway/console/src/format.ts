/** How the console writes times, durations and records. */

/** "2026-12-03 18:44:26" in the browser's time zone; "—" for none. */
export function formatTime(value: string | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A datetime-local field's value ("2026-12-03T18:44") as an ISO 8601 time for the API; "" stays "". */
export function isoFromLocalInput(value: string): string {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

/** "12 300 ms" → "12.3 s"; milliseconds under a second stay milliseconds. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

/** A file name for a download: "cdrs-2026-12-03T18-44-26.csv". */
export function exportFileName(what: string, now: Date): string {
  return `${what}-${now.toISOString().slice(0, 19).replaceAll(':', '-')}.csv`;
}

/** Splits a text area's lines ("10.0.0.0/8\n192.0.2.1") into entries, blank lines dropped. */
export function lines(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** A number field's text: "" → null (unset), else the integer, or an Error naming the field. */
export function optionalInteger(name: string, text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const n = Number(trimmed);
  if (!Number.isInteger(n)) throw new Error(`${name} must be a whole number (or empty for the default)`);
  return n;
}
