import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import { expectEventually } from '#libs/testing';
import { Platform, type TestApp } from './support/platform.js';
import { insertCdrsForSessions } from './support/cdr-fixtures.js';

/**
 * The CSV export of CDRs at volume: 100,000 CDRs of two apps (90,000 of app A, 10,000 of app B,
 * interleaved, call starts shuffled in time), streamed over HTTP and checked row by row as the
 * chunks arrive (never the whole body in memory). The gateway runs in this process, so the memory
 * sampled while streaming is the gateway's plus this client's: it is logged, not asserted. Reading
 * the figures: `heapUsed` peaks include garbage V8 has not collected yet; the heap left after a
 * full GC mid-download is what the export actually holds.
 */

const TOTAL = 100_000;
/** Sessions vol-000001 … vol-100000; every tenth belongs to app B. */
const isAppB = (g: number) => g % 10 === 0;
const COUNT_B = TOTAL / 10;
const COUNT_A = TOTAL - COUNT_B;
/**
 * Call start of session g: 2025-03-01T00:00:00Z + ((g·7919) mod 50,000) s. As g·7919 mod 100,000 is a
 * permutation of 0…99,999, every second of the ~14 h span holds exactly two calls (ties, broken by
 * the CDR id), and session numbers are not in time order.
 */
const BASE_MS = Date.UTC(2025, 2, 1);
const offsetSeconds = (g: number) => (g * 7919) % 50_000;
const startText = (g: number) =>
  new Date(BASE_MS + offsetSeconds(g) * 1000).toISOString().slice(0, 19).replace('T', ' ');
const stateCodeOf = (g: number) => (g % 7 === 0 ? 8102 : 0);
const calleeOf = (g: number) => `+86139${String(g).padStart(8, '0')}`;
const USER_DATA: Record<number, string> = { 1: 'order 7, "gift"', 2: '=SUM(A1:A9)', 3: 'two\r\nlines', 4: '"quoted"' };
const userDataOf = (g: number) => USER_DATA[g] ?? `u${g}`;

const HEADER = [
  'direction',
  'spId',
  'appKey',
  'icid',
  'bindNum',
  'sessionId',
  'callerNum',
  'calleeNum',
  'callOutStartTime',
  'callOutAlertingTime',
  'callOutAnswerTime',
  'callEndTime',
  'callOutUnaswRsn',
  'sipStatusCode',
  'ulFailReason',
  'serviceType',
  'hostName',
  'userData',
  'stateCode',
];
const COL = Object.fromEntries(HEADER.map((name, i) => [name, i])) as Record<string, number>;

/** A full garbage collection (before each baseline, and for the heap-held figures), when V8 lets us have one. */
const gc: (() => void) | undefined = (() => {
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
})();

/**
 * Incremental RFC 4180 parser: text in, in pieces of any size (a quoted cell, a quote pair or a
 * CRLF may straddle two pieces), whole records out. Throws on anything malformed: a bare LF or CR,
 * a quote inside an unquoted cell, text after a closing quote.
 */
class CsvParser {
  private state: 'start' | 'plain' | 'quoted' | 'quote' | 'cr' = 'start';
  private field = '';
  private record: string[] = [];
  private static readonly SPECIAL = /[",\r\n]/g;

  constructor(private readonly onRecord: (fields: string[]) => void) {}

  feed(text: string): void {
    let i = 0;
    const n = text.length;
    while (i < n) {
      switch (this.state) {
        case 'start':
          if (text[i] === '"') {
            this.state = 'quoted';
            i++;
          } else this.state = 'plain';
          break;
        case 'plain': {
          CsvParser.SPECIAL.lastIndex = i;
          const match = CsvParser.SPECIAL.exec(text);
          if (!match) {
            this.field += text.slice(i);
            return;
          }
          const j = match.index;
          this.field += text.slice(i, j);
          const c = text[j];
          if (c === ',') {
            this.endField();
            this.state = 'start';
          } else if (c === '\r') {
            this.endField();
            this.state = 'cr';
          } else
            throw new Error(
              `malformed CSV: ${JSON.stringify(c)} in an unquoted cell after ${JSON.stringify(this.record)}`,
            );
          i = j + 1;
          break;
        }
        case 'quoted': {
          const q = text.indexOf('"', i);
          if (q < 0) {
            this.field += text.slice(i);
            return;
          }
          this.field += text.slice(i, q);
          this.state = 'quote';
          i = q + 1;
          break;
        }
        case 'quote': {
          const c = text[i++];
          if (c === '"') {
            this.field += '"';
            this.state = 'quoted';
          } else if (c === ',') {
            this.endField();
            this.state = 'start';
          } else if (c === '\r') {
            this.endField();
            this.state = 'cr';
          } else throw new Error(`malformed CSV: ${JSON.stringify(c)} after a closing quote`);
          break;
        }
        case 'cr':
          if (text[i++] !== '\n') throw new Error('malformed CSV: CR without LF');
          this.onRecord(this.record);
          this.record = [];
          this.state = 'start';
          break;
      }
    }
  }

  /** The body must end exactly after a record's CRLF. */
  end(): void {
    if (this.state !== 'start' || this.field !== '' || this.record.length)
      throw new Error(`CSV ends mid-record (${this.state})`);
  }

  private endField(): void {
    this.record.push(this.field);
    this.field = '';
  }
}

interface MemorySample {
  rss: number;
  heapUsed: number;
  /** heapUsed right after a full GC */ live?: number;
}
interface ExportFigures {
  rows: number;
  bytes: number;
  ms: number;
  chunks: number;
  baseline: MemorySample;
  peak: MemorySample;
}

const mib = (bytes: number) => (bytes / 1048576).toFixed(1);

/**
 * Samples this process's memory every 50 ms until stopped. `live()` forces a full GC and records
 * the heap left after it: the memory actually held at that point, rather than garbage not yet
 * collected.
 */
function sampleMemory(): { baseline: MemorySample; live(): void; stop(): MemorySample } {
  gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  const baseline: MemorySample = { rss, heapUsed };
  const peak: MemorySample = { ...baseline };
  const sample = () => {
    const now = process.memoryUsage();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed);
  };
  const timer = setInterval(sample, 50);
  const live = () => {
    if (!gc) return;
    gc();
    peak.live = Math.max(peak.live ?? 0, process.memoryUsage().heapUsed);
  };
  return {
    baseline,
    live,
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

describe('CDR CSV export at volume', () => {
  const platform = new Platform();
  let appA: TestApp;
  let appB: TestApp;
  const figures: string[] = [];

  beforeAll(async () => {
    await platform.start({}, { voice: false, notifier: false });
    appA = await platform.createApp('+8675528000031');
    appB = await platform.createApp('+8675528000032');
    const started = Date.now();
    await platform.infra.query(
      `
      INSERT INTO call_sessions (id, app_id, app_key, display_nbr, requested_display_nbr, callee_nbr, language_type, pre_tone, times,
                                 user_data, state, event_seq, state_code, started_at, ended_at)
      SELECT 'vol-' || lpad(g::text, 6, '0'), a.id, a.app_key, a.nbr, a.nbr, '+86139' || lpad(g::text, 8, '0'), 2, 'welcome.wav', 1,
             CASE g WHEN 1 THEN 'order 7, "gift"' WHEN 2 THEN '=SUM(A1:A9)' WHEN 3 THEN E'two\\r\\nlines' WHEN 4 THEN '"quoted"' ELSE 'u' || g END,
             'ended', 4, CASE WHEN g % 7 = 0 THEN 8102 ELSE 0 END,
             timestamptz '2025-03-01 00:00:00Z' + ((g * 7919) % 50000) * interval '1 second',
             timestamptz '2025-03-01 00:00:10Z' + ((g * 7919) % 50000) * interval '1 second' + (g % 50) * interval '1 second'
        FROM generate_series(1, ${TOTAL}) g
        JOIN (SELECT id, app_key, CASE app_key WHEN $1 THEN '+8675528000031' ELSE '+8675528000032' END AS nbr FROM apps WHERE app_key IN ($1, $2)) a
          ON a.app_key = CASE WHEN g % 10 = 0 THEN $2 ELSE $1 END`,
      [appA.appKey, appB.appKey],
    );
    await insertCdrsForSessions(platform.infra, 'vol-%');
    await platform.infra.query('ANALYZE cdrs');
    console.log(
      `inserted ${TOTAL} call sessions and CDRs (${COUNT_A} app A, ${COUNT_B} app B) in ${Date.now() - started} ms`,
    );
  }, 60_000);

  afterAll(async () => {
    if (figures.length)
      process.stdout.write(
        `\nCDR CSV export figures (gateway in the test process${gc ? ', full GC before each baseline' : ''}):\n${figures.join('\n')}\n\n`,
      );
    await platform.stop();
  });

  /**
   * Runs one export and checks it as it streams: status, content type, header, well-formed CSV
   * (19 cells per record), each data record handed to `check`. Returns the figures, logged too.
   */
  async function streamExport(
    label: string,
    query: string,
    check: (cells: string[], index: number) => void,
    gcEveryRows?: number,
  ): Promise<ExportFigures> {
    let rows = 0;
    let header: string[] | undefined;
    const parser = new CsvParser((cells) => {
      if (!header) {
        header = cells;
        expect(header).toEqual(HEADER);
        return;
      }
      if (cells.length !== HEADER.length)
        throw new Error(`record ${rows + 1} has ${cells.length} cells: ${JSON.stringify(cells)}`);
      check(cells, rows++);
      if (gcEveryRows && rows % gcEveryRows === 0) memory.live();
    });
    const memory = sampleMemory();
    const started = performance.now();
    let bytes = 0;
    let chunks = 0;
    let peak: MemorySample;
    try {
      const response = await platform.admin('GET', `/cdrs?format=csv&${query}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const reader = response.body!.getReader();
      const decoder = new TextDecoder('utf-8', { fatal: true });
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          bytes += value.byteLength;
          chunks++;
          parser.feed(decoder.decode(value, { stream: true }));
        }
      } catch (error) {
        await reader.cancel().catch(() => undefined); // a failed check must not leave the response open
        throw error;
      }
      parser.feed(decoder.decode());
      parser.end();
    } finally {
      peak = memory.stop();
    }
    const ms = performance.now() - started;
    expect(header).toEqual(HEADER);
    const { baseline } = memory;
    const line =
      `${label}: ${rows} rows, ${mib(bytes)} MiB in ${chunks} chunks, ${(ms / 1000).toFixed(2)} s, ${Math.round(rows / (ms / 1000))} rows/s; ` +
      `rss ${mib(baseline.rss)} → peak ${mib(peak.rss)} MiB (+${mib(peak.rss - baseline.rss)}), ` +
      `heapUsed ${mib(baseline.heapUsed)} → peak ${mib(peak.heapUsed)} MiB (+${mib(peak.heapUsed - baseline.heapUsed)})` +
      (peak.live === undefined
        ? ''
        : `; heap after a full GC every ${gcEveryRows} rows: peak ${mib(peak.live)} MiB (+${mib(peak.live - baseline.heapUsed)})`);
    console.log(line);
    figures.push(`  ${line}`);
    return { rows, bytes, ms, chunks, baseline, peak };
  }

  /** Per-record checks shared by every export: the cells are those of session g, wherever it comes. */
  function recordChecker(expectApp: (g: number) => boolean) {
    const seen = new Uint8Array(TOTAL + 1);
    const digest = createHash('md5');
    let lastStart = '';
    return {
      check(cells: string[], index: number) {
        const sessionId = cells[COL.sessionId!]!;
        const match = /^vol-(\d{6})$/.exec(sessionId);
        if (!match) throw new Error(`record ${index + 1}: unexpected sessionId ${JSON.stringify(sessionId)}`);
        const g = Number(match[1]);
        if (seen[g]) throw new Error(`record ${index + 1}: sessionId ${sessionId} exported twice`);
        seen[g] = 1;
        if (!expectApp(g)) throw new Error(`record ${index + 1}: ${sessionId} does not match the filter`);
        const start = cells[COL.callOutStartTime!]!;
        if (start < lastStart)
          throw new Error(
            `record ${index + 1}: ${sessionId} starts ${start}, before the previous record (${lastStart})`,
          );
        lastStart = start;
        const app = isAppB(g) ? appB : appA;
        const expected: Record<string, string> = {
          appKey: app.appKey,
          callerNum: app.displayNbr,
          calleeNum: calleeOf(g),
          callOutStartTime: startText(g),
          stateCode: String(stateCodeOf(g)),
          sipStatusCode: stateCodeOf(g) === 0 ? '200' : '486',
          icid: `icid-${sessionId}`,
          userData: userDataOf(g).startsWith('=') ? `'${userDataOf(g)}` : userDataOf(g),
        };
        for (const [name, value] of Object.entries(expected)) {
          if (cells[COL[name]!] !== value)
            throw new Error(
              `record ${index + 1} (${sessionId}): ${name} is ${JSON.stringify(cells[COL[name]!])}, expected ${JSON.stringify(value)}`,
            );
        }
        digest.update(index === 0 ? sessionId : `,${sessionId}`);
      },
      /** The order of the session ids, hashed. */
      digest: () => digest.digest('hex'),
    };
  }

  /** The documented order (oldest call start first; ties by CDR id) as PostgreSQL sees it, hashed. */
  async function expectedOrder(where: string, params: unknown[]): Promise<{ digest: string; count: number }> {
    const [row] = await platform.infra.query<{ digest: string; count: number }>(
      `SELECT md5(string_agg(session_id, ',' ORDER BY call_start, id)) AS digest, count(*)::int AS count FROM cdrs WHERE ${where}`,
      params,
    );
    return row!;
  }

  let small: ExportFigures;

  it('streams the 10,000 CDRs of app B (all time)', async () => {
    // Warm-up first (JIT, connection pool), so that the 10k and 100k figures compare like with like.
    await streamExport('warm-up (app B, first hour)', `appKey=${appB.appKey}&to=2025-03-01T01:00:00Z`, () => undefined);
    const records = recordChecker(isAppB);
    small = await streamExport('10k (app B, all time)', `appKey=${appB.appKey}`, records.check);
    expect(small.rows).toBe(COUNT_B);
    expect(records.digest()).toBe((await expectedOrder('app_key = $1', [appB.appKey])).digest);
  }, 30_000);

  it(`streams all ${TOTAL} CDRs in order, each session once, with their fields and CSV quoting`, async () => {
    const records = recordChecker(() => true);
    const specials = new Map<string, string[]>();
    const big = await streamExport('100k (no filter)', '', (cells, index) => {
      records.check(cells, index);
      const id = cells[COL.sessionId!]!;
      if (id <= 'vol-000004') specials.set(id, cells);
    });
    expect(big.rows).toBe(TOTAL);
    expect(big.chunks).toBeGreaterThan(10); // arrived in pieces, not as one buffered body
    expect(records.digest()).toBe((await expectedOrder('true', [])).digest);
    // Cells that must be quoted (comma, quotes, CRLF) or neutralised (formula) came back intact.
    expect([...specials.keys()].sort()).toEqual(['vol-000001', 'vol-000002', 'vol-000003', 'vol-000004']);
    expect(specials.get('vol-000001')).toEqual([
      '0',
      'verigate',
      appA.appKey,
      'icid-vol-000001',
      appA.displayNbr,
      'vol-000001',
      appA.displayNbr,
      calleeOf(1),
      startText(1),
      startText(1),
      startText(1),
      new Date(BASE_MS + (offsetSeconds(1) + 11) * 1000).toISOString().slice(0, 19).replace('T', ' '),
      '0',
      '200',
      '0',
      '001',
      'test-host',
      'order 7, "gift"',
      '0',
    ]);
    expect(specials.get('vol-000002')![COL.userData!]).toBe("'=SUM(A1:A9)");
    expect(specials.get('vol-000003')![COL.userData!]).toBe('two\r\nlines');
    expect(specials.get('vol-000004')![COL.userData!]).toBe('"quoted"');
    // Not asserted (the test process holds the gateway, the client and Jest): growth for 10× the rows.
    console.log(
      `peak growth 10k → 100k: rss +${mib(small.peak.rss - small.baseline.rss)} → +${mib(big.peak.rss - big.baseline.rss)} MiB, ` +
        `heapUsed +${mib(small.peak.heapUsed - small.baseline.heapUsed)} → +${mib(big.peak.heapUsed - big.baseline.heapUsed)} MiB`,
    );
  }, 30_000);

  it(`streams the ${COUNT_A} CDRs of app A (all time), and only them`, async () => {
    const records = recordChecker((g) => !isAppB(g));
    const result = await streamExport('90k (app A, all time)', `appKey=${appA.appKey}`, records.check);
    expect(result.rows).toBe(COUNT_A);
    expect(records.digest()).toBe((await expectedOrder('app_key = $1', [appA.appKey])).digest);
  }, 30_000);

  it('streams a time range (both apps): from inclusive, to exclusive', async () => {
    const from = '2025-03-01T02:00:00Z';
    const to = '2025-03-01T05:00:00Z';
    const inRange = (g: number) => offsetSeconds(g) >= 2 * 3600 && offsetSeconds(g) < 5 * 3600;
    const records = recordChecker(inRange);
    let first = '';
    let last = '';
    const result = await streamExport('time range (both apps, 3 h)', `from=${from}&to=${to}`, (cells, index) => {
      records.check(cells, index);
      if (index === 0) first = cells[COL.callOutStartTime!]!;
      last = cells[COL.callOutStartTime!]!;
    });
    expect(result.rows).toBe(3 * 3600 * 2); // two calls in every second of the range
    expect(first).toBe('2025-03-01 02:00:00');
    expect(last).toBe('2025-03-01 04:59:59');
    expect(records.digest()).toBe((await expectedOrder('call_start >= $1 AND call_start < $2', [from, to])).digest);
  }, 30_000);

  it('heap held while streaming 10k and 100k rows (full GCs during the download; logged, not asserted)', async () => {
    // Ten full GCs in each download, at every tenth of its rows, the gateway's pipeline mid-flight.
    const small = await streamExport(
      '10k (app B), 10 full GCs',
      `appKey=${appB.appKey}`,
      recordChecker(isAppB).check,
      COUNT_B / 10,
    );
    const big = await streamExport('100k (no filter), 10 full GCs', '', recordChecker(() => true).check, TOTAL / 10);
    expect([small.rows, big.rows]).toEqual([COUNT_B, TOTAL]);
    if (gc) {
      console.log(
        `heap held while streaming (after full GC): 10k +${mib(small.peak.live! - small.baseline.heapUsed)} MiB, ` +
          `100k +${mib(big.peak.live! - big.baseline.heapUsed)} MiB`,
      );
    }
  }, 30_000);

  it('holds the cursor open while the client does not read (backpressure), then finishes', async () => {
    const response = await platform.admin('GET', '/cdrs?format=csv');
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    let bytes = 0;
    let done = false;
    try {
      bytes += (await reader.read()).value!.byteLength;
      // Not reading for a second: a buffering server would have run the whole query by then (the
      // 100k export takes under two seconds when read at full speed); a streaming one is still at it.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const running = await platform.infra.query(`SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND query LIKE 'SELECT fee_info, state_code FROM cdrs%' AND state <> 'idle'`);
      expect(running).toHaveLength(1);
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        bytes += chunk.value.byteLength;
      }
      done = true;
    } finally {
      if (!done) await reader.cancel(); // else the open response would hold the gateway's close
    }
    expect(bytes).toBeGreaterThan(20 * 1048576);
    await expectEventually(async () => {
      const open = await platform.infra.query(`SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND query LIKE 'SELECT fee_info, state_code FROM cdrs%' AND state <> 'idle'`);
      expect(open).toHaveLength(0);
    });
  }, 30_000);
});
