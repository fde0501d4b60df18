import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { queryString } from '../api.js';
import { QueryState } from '../components/ErrorNote.js';
import { CALL_FILTERS, RecordFilters } from '../components/RecordFilters.js';
import { useSession } from '../context.js';
import { hrefOf } from '../routes.js';
import type { Cdr, Page } from '../types.js';

/** Ended calls (one CDR each), newest first, by app, number, session id, time and stateCode. */
export function CallsPage() {
  const { api } = useSession();
  const [filter, setFilter] = useState<Record<string, string>>({});
  const calls = useInfiniteQuery({
    queryKey: ['calls', filter],
    initialPageParam: '',
    queryFn: ({ pageParam }) => api.json<Page<Cdr>>(`/cdrs${queryString({ ...filter, limit: 50, before: pageParam })}`),
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const rows = calls.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section aria-labelledby="calls-title">
      <h1 id="calls-title">Calls</h1>
      <RecordFilters fields={CALL_FILTERS} onSearch={setFilter} label="Search calls">
        {filter.sessionId && (
          <a className="button-link" href={hrefOf({ page: 'call', sessionId: filter.sessionId })}>
            Open session {filter.sessionId}
          </a>
        )}
      </RecordFilters>
      <p className="hint">
        A call is listed once it has ended (it has a CDR); open a session id to see a call still ringing.
      </p>
      <QueryState isPending={calls.isPending} error={calls.error} />
      {calls.data && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Calls table">
          <table>
            <caption>{rows.length === 0 ? 'No calls match.' : `${rows.length} calls`}</caption>
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">App</th>
                <th scope="col">Caller → callee</th>
                <th scope="col">Started</th>
                <th scope="col">Answered</th>
                <th scope="col">Ended</th>
                <th scope="col">SIP</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((cdr) => (
                <tr key={cdr.sessionId}>
                  <td>
                    <a href={hrefOf({ page: 'call', sessionId: cdr.sessionId })}>{cdr.sessionId}</a>
                  </td>
                  <td>
                    <code>{String(cdr.appKey ?? '')}</code>
                  </td>
                  <td>
                    {String(cdr.callerNum ?? '')} → {String(cdr.calleeNum ?? '')}
                  </td>
                  <td>{String(cdr.callOutStartTime ?? '—')}</td>
                  <td>{String(cdr.callOutAnswerTime || '—')}</td>
                  <td>{String(cdr.callEndTime ?? '—')}</td>
                  <td>{String(cdr.sipStatusCode ?? '—')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {calls.hasNextPage && (
        <button type="button" onClick={() => void calls.fetchNextPage()} disabled={calls.isFetchingNextPage}>
          Older calls
        </button>
      )}
    </section>
  );
}
