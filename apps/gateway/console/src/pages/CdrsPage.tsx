import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { queryString } from '../api.js';
import { ErrorNote, QueryState } from '../components/ErrorNote.js';
import { CALL_FILTERS, RecordFilters } from '../components/RecordFilters.js';
import { useSession } from '../context.js';
import { saveBlob } from '../download.js';
import { exportFileName } from '../format.js';
import { hrefOf } from '../routes.js';
import type { Cdr, Page } from '../types.js';

const COLUMNS = ['sessionId', 'appKey', 'callerNum', 'calleeNum', 'callOutStartTime', 'callEndTime', 'sipStatusCode'];

/** CDRs by filter, and every match exported as CSV (streamed by the gateway from a database cursor). */
export function CdrsPage() {
  const { api } = useSession();
  const [filter, setFilter] = useState<Record<string, string>>({});
  const cdrs = useQuery({
    queryKey: ['cdrs', filter],
    queryFn: () => api.json<Page<Cdr>>(`/cdrs${queryString({ ...filter, limit: 100 })}`),
  });
  const exportCsv = useMutation({
    mutationFn: async () =>
      saveBlob(await api.blob(`/cdrs${queryString({ ...filter, format: 'csv' })}`), exportFileName('cdrs', new Date())),
  });

  return (
    <section aria-labelledby="cdrs-title">
      <h1 id="cdrs-title">CDRs</h1>
      <RecordFilters fields={CALL_FILTERS} onSearch={setFilter} label="Filter CDRs">
        <button type="button" onClick={() => exportCsv.mutate()} disabled={exportCsv.isPending}>
          {exportCsv.isPending ? 'Exporting…' : 'Export CSV'}
        </button>
      </RecordFilters>
      <p className="hint">The export holds every CDR matching the fields above, oldest first.</p>
      {exportCsv.error && <ErrorNote error={exportCsv.error} />}
      {exportCsv.isSuccess && <p role="status">Export saved.</p>}
      <QueryState isPending={cdrs.isPending} error={cdrs.error} />
      {cdrs.data && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="CDR table">
          <table>
            <caption>
              {cdrs.data.count} CDRs{cdrs.data.nextBefore ? ' (the newest 100; the export holds all)' : ''}
            </caption>
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {cdrs.data.items.map((cdr) => (
                <tr key={cdr.sessionId}>
                  <td>
                    <a href={hrefOf({ page: 'call', sessionId: cdr.sessionId })}>{cdr.sessionId}</a>
                  </td>
                  {COLUMNS.slice(1).map((c) => (
                    <td key={c}>{String(cdr[c] ?? '')}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
