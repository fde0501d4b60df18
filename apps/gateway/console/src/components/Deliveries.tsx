import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ErrorNote, QueryState } from './ErrorNote.js';
import { useSession } from '../context.js';
import { formatDuration, formatTime } from '../format.js';
import type { Delivery } from '../types.js';

/** Every webhook delivery of a session (status and fee streams) with each attempt, and "redeliver". */
export function Deliveries({ sessionId }: { sessionId: string }) {
  const { api } = useSession();
  const client = useQueryClient();
  const deliveries = useQuery({
    queryKey: ['deliveries', sessionId],
    queryFn: () => api.json<Delivery[]>(`/deliveries?sessionId=${encodeURIComponent(sessionId)}`),
    refetchInterval: 5000,
  });
  const redeliver = useMutation({
    mutationFn: (id: string) => api.json(`/deliveries/${id}/redeliver`, { method: 'POST' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['deliveries', sessionId] }),
  });

  return (
    <section aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">Webhook deliveries</h2>
      <QueryState isPending={deliveries.isPending} error={deliveries.error} />
      {deliveries.data?.length === 0 && <p>No webhooks for this session (no statusUrl or feeUrl).</p>}
      {redeliver.error && <ErrorNote error={redeliver.error} />}
      {redeliver.isSuccess && <p role="status">Queued for delivery again.</p>}
      {deliveries.data?.map((d) => (
        <article key={d.id} className="delivery" aria-label={`${d.stream} webhook ${d.seq}`}>
          <h3>
            {d.stream} #{d.seq} <span className={`badge ${d.status}`}>{d.status}</span>
          </h3>
          <p className="hint">
            <code>{d.url}</code> · {d.attempts} {d.attempts === 1 ? 'attempt' : 'attempts'}
            {d.deliveredAt && ` · delivered ${formatTime(d.deliveredAt)}`}
            {d.status === 'pending' && d.nextAttemptAt && ` · next attempt ${formatTime(d.nextAttemptAt)}`}
          </p>
          <div
            className="table-wrap"
            tabIndex={0}
            role="region"
            aria-label={`Attempts of ${d.stream} webhook ${d.seq}`}
          >
            <table>
              <thead>
                <tr>
                  <th scope="col">Attempt</th>
                  <th scope="col">At</th>
                  <th scope="col">HTTP status</th>
                  <th scope="col">Took</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {d.attemptLog.map((a) => (
                  <tr key={a.attempt}>
                    <td>{a.attempt}</td>
                    <td>{formatTime(a.attemptedAt)}</td>
                    <td>{a.httpStatus ?? '—'}</td>
                    <td>{formatDuration(a.durationMs)}</td>
                    <td>{a.error ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {d.status !== 'delivered' && (
            <button type="button" onClick={() => redeliver.mutate(d.id)} disabled={redeliver.isPending}>
              Redeliver {d.stream} #{d.seq}
            </button>
          )}
        </article>
      ))}
    </section>
  );
}
