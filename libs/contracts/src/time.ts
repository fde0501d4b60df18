/** `yyyy-MM-dd HH:mm:ss` in UTC: the seed's timestamp format for events and CDRs. */
export function formatUtc(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}
