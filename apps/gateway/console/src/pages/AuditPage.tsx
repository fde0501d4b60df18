import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { queryString } from '../api.js';
import { QueryState } from '../components/ErrorNote.js';
import { RecordFilters, type FilterField } from '../components/RecordFilters.js';
import { useSession } from '../context.js';
import { formatTime } from '../format.js';
import type { AuditEntry, Page } from '../types.js';

const AUDIT_FILTERS: FilterField[] = [
  { name: 'action', label: 'Action', placeholder: 'app.create' },
  { name: 'target', label: 'Target' },
  { name: 'from', label: 'From', type: 'datetime-local' },
  { name: 'to', label: 'To', type: 'datetime-local' },
];

/** Every management change, newest first: who (operator fingerprint), what, on what, with which request. */
export function AuditPage() {
  const { api } = useSession();
  const [filter, setFilter] = useState<Record<string, string>>({});
  const audit = useInfiniteQuery({
    queryKey: ['audit', filter],
    initialPageParam: '',
    queryFn: ({ pageParam }) =>
      api.json<Page<AuditEntry>>(`/audit${queryString({ ...filter, limit: 50, before: pageParam })}`),
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const rows = audit.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <RecordFilters fields={AUDIT_FILTERS} onSearch={setFilter} label="Search the audit log" />
      <QueryState isPending={audit.isPending} error={audit.error} />
      {audit.data && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Audit table">
          <table>
            <caption>{rows.length === 0 ? 'No entries match.' : `${rows.length} entries`}</caption>
            <thead>
              <tr>
                <th scope="col">At</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Actor</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((entry) => (
                <tr key={entry.id}>
                  <td>{formatTime(entry.at)}</td>
                  <td>
                    <code>{entry.action}</code>
                  </td>
                  <td>{entry.target ?? '—'}</td>
                  <td>{entry.actor}</td>
                  <td className="detail">{entry.detail ? JSON.stringify(entry.detail) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {audit.hasNextPage && (
        <button type="button" onClick={() => void audit.fetchNextPage()}>
          Older entries
        </button>
      )}
    </section>
  );
}
