/**
 * A query-string value a listing cannot use (a time that is not one, a cursor that is garbage).
 * The management API answers it as any invalid field: 400 INVALID_FIELD "`field` must be `rule`".
 */
export class InvalidFilterValue extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${field} must be ${rule}`);
    this.name = 'InvalidFilterValue';
  }
}

/** An optional ISO 8601 time of a query string. */
function optionalTime(name: string, value: string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new InvalidFilterValue(name, 'an ISO 8601 time');
  return d;
}

/** The WHERE clause of a listing, built condition by condition with `$n` placeholders. */
export class SqlFilter {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  /** Adds a condition; every `?` in it stands for `value`. */
  add(sql: string, value: unknown): void {
    this.params.push(value);
    this.clauses.push(sql.replaceAll('?', `$${this.params.length}`));
  }

  /** `from` (inclusive) and `to` (exclusive) of a query string, ISO 8601 times, on `column`. */
  addTimeRange(column: string, from: string | undefined, to: string | undefined): void {
    const fromTime = optionalTime('from', from);
    const toTime = optionalTime('to', to);
    if (fromTime) this.add(`${column} >= ?`, fromTime);
    if (toTime) this.add(`${column} < ?`, toTime);
  }

  /** Adds a parameter that is no condition (e.g. LIMIT); returns its placeholder. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  get where(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

/** SQL of a time as the keyset cursor holds it (UTC, microseconds: exact, unlike a JS Date). */
export const cursorTimeSql = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** JSON paging cursor: the time (UTC, microseconds) and id of the last row of a page. */
const CURSOR = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)\|([0-9a-f-]{36})$/;

/**
 * Keyset paging of a listing ordered by (`timeColumn` DESC, id DESC): `before` is the
 * `nextBefore` of the previous page, or an ISO 8601 time (rows strictly older).
 */
export function addBefore(filter: SqlFilter, before: string | undefined, timeColumn: string, idColumn = 'id'): void {
  if (before === undefined || before === '') return;
  const cursor = CURSOR.exec(Buffer.from(before, 'base64url').toString('utf8'));
  if (cursor) {
    filter.clauses.push(
      `(${timeColumn}, ${idColumn}) < (${filter.param(cursor[1])}::timestamptz, ${filter.param(cursor[2])}::uuid)`,
    );
    return;
  }
  const time = new Date(before);
  if (Number.isNaN(time.getTime())) throw new InvalidFilterValue('before', 'a nextBefore value or an ISO 8601 time');
  filter.add(`${timeColumn} < ?::timestamptz`, time.toISOString());
}

/** `nextBefore` of a full page (its last row's cursor time and id); null when the page is the last. */
export function nextBefore(rows: readonly { cursor_time: string; id: string }[], take: number): string | null {
  const last = rows[rows.length - 1];
  return rows.length === take && last ? Buffer.from(`${last.cursor_time}|${last.id}`).toString('base64url') : null;
}
