import { useQuery } from '@tanstack/react-query';
import { QueryState } from '../components/ErrorNote.js';
import { Deliveries } from '../components/Deliveries.js';
import { useSession } from '../context.js';
import { formatTime } from '../format.js';
import type { CallRecord } from '../types.js';

const SESSION_FIELDS = [
  'appKey',
  'displayNbr',
  'calleeNbr',
  'state',
  'stateCode',
  'stateDesc',
  'createdAt',
  'startedAt',
  'alertingAt',
  'answeredAt',
  'endedAt',
] as const;

/** One call: its session, event timeline, CDR and every webhook attempt (with redeliver). */
export function CallPage({ sessionId }: { sessionId: string }) {
  const { api } = useSession();
  const call = useQuery({
    queryKey: ['call', sessionId],
    queryFn: () => api.json<CallRecord>(`/calls/${encodeURIComponent(sessionId)}`),
    // A call still ringing fills in as it goes.
    refetchInterval: (query) => (query.state.data?.session.state === 'ended' ? false : 3000),
  });
  const record = call.data;

  return (
    <section aria-labelledby="call-title">
      <h1 id="call-title">
        Call <code>{sessionId}</code>
      </h1>
      <QueryState isPending={call.isPending} error={call.error} />
      {record && (
        <>
          <dl className="facts">
            {SESSION_FIELDS.filter((f) => record.session[f] !== undefined).map((field) => (
              <div key={field}>
                <dt>{field}</dt>
                <dd>
                  {field.endsWith('At')
                    ? formatTime(record.session[field] as string | null)
                    : String(record.session[field] ?? '—')}
                </dd>
              </div>
            ))}
          </dl>
          <h2>Events</h2>
          <ol className="timeline" aria-label="Call events">
            {record.events.map((event) => (
              <li key={event.seq}>
                <strong>{event.eventType}</strong> <span className="hint">{formatTime(event.createdAt)}</span>
                <details>
                  <summary>Notification body of event {event.seq}</summary>
                  <pre>{JSON.stringify(event.body, null, 2)}</pre>
                </details>
              </li>
            ))}
          </ol>
          <h2>CDR</h2>
          {record.cdr ? (
            <dl className="facts" aria-label="CDR">
              {Object.entries(record.cdr).map(([field, value]) => (
                <div key={field}>
                  <dt>{field}</dt>
                  <dd>{value === '' || value === null ? '—' : String(value)}</dd>
                </div>
              ))}
            </dl>
          ) : (
            <p>No CDR yet: the call has not ended.</p>
          )}
        </>
      )}
      <Deliveries sessionId={sessionId} />
    </section>
  );
}
