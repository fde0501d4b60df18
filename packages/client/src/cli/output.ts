/** How the CLI prints an answer: JSON for scripts, readable lines for people. */

const scalar = (value: unknown): string =>
  value === null || value === undefined
    ? '-'
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value as string | number | boolean);

/** Rows of objects as aligned columns (the columns of the first row's scalar fields; the rest as JSON). */
function table(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '(none)\n';
  const columns = Object.keys(rows[0]!);
  const cells = [columns, ...rows.map((row) => columns.map((c) => scalar(row[c])))];
  const widths = columns.map((_, i) => Math.min(40, Math.max(...cells.map((r) => r[i]!.length))));
  return (
    cells
      .map((r) =>
        r
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readable(value: unknown): string {
  if (Array.isArray(value)) return value.every(isRecord) ? table(value) : value.map(scalar).join('\n') + '\n';
  if (!isRecord(value)) return `${scalar(value)}\n`;
  // A page ({items, count, nextBefore}): the items as a table, then the paging fields.
  if (Array.isArray(value.items)) {
    const { items, ...rest } = value;
    return (
      readable(items) +
      Object.entries(rest)
        .map(([k, v]) => `${k}: ${scalar(v)}\n`)
        .join('')
    );
  }
  return Object.entries(value)
    .map(([k, v]) => `${k}: ${scalar(v)}\n`)
    .join('');
}

export function render(value: unknown, asJson: boolean): string {
  if (value === undefined) return asJson ? '' : 'done\n';
  return asJson ? `${JSON.stringify(value, null, 2)}\n` : readable(value);
}
