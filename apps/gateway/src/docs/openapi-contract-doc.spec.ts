import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ADMIN_ERRORS, callOutcome, ResultCodes, SDK_ERRORS, type CallEnding } from '#libs/contracts';

/**
 * docs/contract.md copies the code tables for readers (the OpenAPI document is built from the
 * tables themselves). These keep the copies in step: same codes, same HTTP statuses, nothing extra.
 */
const contract = readFileSync('docs/contract.md', 'utf8');

/** The table rows (cells trimmed) of the section under `<a id="anchor">`, up to the next anchor. */
function tableRows(anchor: string): string[][] {
  const start = contract.indexOf(`<a id="${anchor}"></a>`);
  if (start < 0) throw new Error(`docs/contract.md has no anchor ${anchor}`);
  const end = contract.indexOf('<a id="', start + 1);
  return contract
    .slice(start, end < 0 ? undefined : end)
    .split('\n')
    .filter((line) => line.startsWith('|') && !line.startsWith('|---'))
    .slice(1) // the header row
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim().replace(/^`|`$/g, '')),
    );
}

describe('docs/contract.md tables', () => {
  it('lists every callVerify result code with the HTTP status of its row', () => {
    const documented = tableRows('result-codes-callverify').map(([status, code, key]) => `${key} ${code} ${status}`);
    const code = Object.entries(ResultCodes).map(([key, row]) => `${key} ${row.code} ${row.httpStatus}`);
    expect(documented.sort()).toEqual(code.sort());
  });

  it('lists every SDK error code with its HTTP status', () => {
    const documented = tableRows('sdk-error-codes').map(([code, status]) => `${code} ${status}`);
    expect(documented.sort()).toEqual(
      Object.entries(SDK_ERRORS)
        .map(([code, row]) => `${code} ${row.httpStatus}`)
        .sort(),
    );
  });

  it('lists every management API error code with its HTTP status', () => {
    const documented = tableRows('admin-error-codes').map(([code, status]) => `${code} ${status}`);
    expect(documented.sort()).toEqual(
      Object.entries(ADMIN_ERRORS)
        .map(([code, row]) => `${code} ${row.httpStatus}`)
        .sort(),
    );
  });

  it('lists the state code and description of every way a call ends', () => {
    const endings: CallEnding[] = [
      { kind: 'completed', by: 'callee' },
      { kind: 'ring-timeout' },
      { kind: 'unreachable', reason: 'test' },
      { kind: 'no-ports' },
      { kind: 'internal', reason: 'test' },
      ...[400, 401, 403, 404, 407, 408, 410, 480, 484, 485, 486, 488, 501, 502, 503, 504, 600, 603, 604, 606, 699].map(
        (sipStatus): CallEnding => ({ kind: 'sip-final', sipStatus }),
      ),
    ];
    const fromCode = [
      ...new Set(endings.map((ending) => callOutcome(ending)).map((o) => `${o.stateCode} ${o.stateDesc}`)),
    ];
    const documented = tableRows('state-codes').map(([stateCode, stateDesc]) => `${stateCode} ${stateDesc}`);
    expect(documented.sort()).toEqual(fromCode.sort());
  });
});
