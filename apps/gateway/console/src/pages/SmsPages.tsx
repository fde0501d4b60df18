import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { queryString } from '../api.js';
import { Deliveries } from '../components/Deliveries.js';
import { ErrorNote, QueryState } from '../components/ErrorNote.js';
import { RecordFilters, type FilterField } from '../components/RecordFilters.js';
import { useSession } from '../context.js';
import { saveBlob } from '../download.js';
import { exportFileName, formatTime } from '../format.js';
import { hrefOf } from '../routes.js';
import type { Page } from '../types.js';

interface SmsView {
  messageId: string;
  appKey: string;
  mobile: string;
  type: string;
  status: string;
  segments: number | null;
  provider: string | null;
  error: string | null;
  codeState: string;
  verifyAttempts: number;
  createdAt: string;
  submittedAt: string | null;
  doneAt: string | null;
  parts?: unknown[];
}

const SMS_FILTERS: FilterField[] = [
  { name: 'appKey', label: 'App key' },
  { name: 'mobile', label: 'Mobile', placeholder: '+86…' },
  { name: 'messageId', label: 'Message id' },
  { name: 'status', label: 'Status', placeholder: 'delivered, failed…' },
  { name: 'from', label: 'From', type: 'datetime-local' },
  { name: 'to', label: 'To', type: 'datetime-local' },
];

/** SMS verification messages (never their codes), newest first; export as CSV. */
export function SmsPage() {
  const { api } = useSession();
  const [filter, setFilter] = useState<Record<string, string>>({});
  const messages = useInfiniteQuery({
    queryKey: ['sms', filter],
    initialPageParam: '',
    queryFn: ({ pageParam }) =>
      api.json<Page<SmsView>>(`/sms${queryString({ ...filter, limit: 50, before: pageParam })}`),
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const exportCsv = useMutation({
    mutationFn: async () =>
      saveBlob(await api.blob(`/sms${queryString({ ...filter, format: 'csv' })}`), exportFileName('sms', new Date())),
  });
  const rows = messages.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section aria-labelledby="sms-title">
      <h1 id="sms-title">SMS</h1>
      <RecordFilters fields={SMS_FILTERS} onSearch={setFilter} label="Search SMS">
        <button type="button" onClick={() => exportCsv.mutate()} disabled={exportCsv.isPending}>
          Export CSV
        </button>
      </RecordFilters>
      {exportCsv.error && <ErrorNote error={exportCsv.error} />}
      <QueryState isPending={messages.isPending} error={messages.error} />
      {messages.data && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="SMS table">
          <table>
            <caption>{rows.length === 0 ? 'No messages match.' : `${rows.length} messages`}</caption>
            <thead>
              <tr>
                <th scope="col">Message</th>
                <th scope="col">App</th>
                <th scope="col">Mobile</th>
                <th scope="col">Status</th>
                <th scope="col">Code</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((m) => (
                <tr key={m.messageId}>
                  <td>
                    <a href={hrefOf({ page: 'message', messageId: m.messageId })}>{m.messageId}</a>
                  </td>
                  <td>
                    <code>{m.appKey}</code>
                  </td>
                  <td>{m.mobile}</td>
                  <td>
                    <span className={`badge ${m.status}`}>{m.status}</span>
                  </td>
                  <td>{m.codeState}</td>
                  <td>{formatTime(m.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {messages.hasNextPage && (
        <button type="button" onClick={() => void messages.fetchNextPage()}>
          Older messages
        </button>
      )}
    </section>
  );
}

/** One SMS: its record, its segments with their delivery receipts, and its status webhooks. */
export function MessagePage({ messageId }: { messageId: string }) {
  const { api } = useSession();
  const message = useQuery({
    queryKey: ['message', messageId],
    queryFn: () => api.json<SmsView>(`/sms/${encodeURIComponent(messageId)}`),
  });
  const { parts, ...fields }: Partial<SmsView> = message.data ?? {};
  return (
    <section aria-labelledby="message-title">
      <h1 id="message-title">
        SMS <code>{messageId}</code>
      </h1>
      <QueryState isPending={message.isPending} error={message.error} />
      {message.data && (
        <>
          <dl className="facts">
            {Object.entries(fields).map(([field, value]) => (
              <div key={field}>
                <dt>{field}</dt>
                <dd>{field.endsWith('At') ? formatTime(value as string | null) : String(value ?? '—')}</dd>
              </div>
            ))}
          </dl>
          <h2>Segments and receipts</h2>
          {parts && parts.length > 0 ? <pre>{JSON.stringify(parts, null, 2)}</pre> : <p>No segments submitted yet.</p>}
        </>
      )}
      <Deliveries sessionId={messageId} />
    </section>
  );
}
