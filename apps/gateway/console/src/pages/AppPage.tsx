import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ErrorNote, QueryState } from '../components/ErrorNote.js';
import { OnceSecret } from '../components/OnceSecret.js';
import { useSession } from '../context.js';
import { formatTime } from '../format.js';
import type { AppView } from '../types.js';
import { AppNumbers } from './AppNumbers.js';
import { AppSettings } from './AppSettings.js';
import { AppTones } from './AppTones.js';

/** One app: status, secrets, settings, numbers and tones. */
export function AppPage({ appKey }: { appKey: string }) {
  const { api } = useSession();
  const client = useQueryClient();
  const path = `/apps/${encodeURIComponent(appKey)}`;
  const app = useQuery({ queryKey: ['app', appKey], queryFn: () => api.json<AppView>(path) });
  const refresh = () => client.invalidateQueries({ queryKey: ['app', appKey] });
  const setStatus = useMutation({
    mutationFn: (status: AppView['status']) => api.json<AppView>(path, { method: 'PATCH', body: { status } }),
    onSuccess: refresh,
  });
  const rotateSecret = useMutation({
    mutationFn: () => api.json<{ appSecret: string }>(`${path}/secret`, { method: 'POST' }),
  });
  const webhookSecret = useMutation({
    mutationFn: () => api.json<{ webhookSecret: string }>(`${path}/webhook-secret`, { method: 'POST' }),
    onSuccess: refresh,
  });
  const removeWebhookSecret = useMutation({
    mutationFn: () => api.json(`${path}/webhook-secret`, { method: 'DELETE' }),
    onSuccess: refresh,
  });

  if (!app.data) return <QueryState isPending={app.isPending} error={app.error} />;
  const view = app.data;
  const suspended = view.status === 'suspended';
  return (
    <section aria-labelledby="app-title">
      <h1 id="app-title">
        {view.name} <span className={`badge ${view.status}`}>{view.status}</span>
      </h1>
      <p>
        App key <code>{view.appKey}</code> · created {formatTime(view.createdAt)} · stage {view.stage}
      </p>
      <div className="actions">
        <button type="button" onClick={() => setStatus.mutate(suspended ? 'normal' : 'suspended')}>
          {suspended ? 'Resume app' : 'Suspend app'}
        </button>
        <button type="button" onClick={() => rotateSecret.mutate()}>
          Rotate app secret
        </button>
        <button type="button" onClick={() => webhookSecret.mutate()}>
          {view.webhookSigning.enabled ? 'Rotate webhook secret' : 'Create webhook secret'}
        </button>
        {view.webhookSigning.enabled && (
          <button type="button" className="quiet" onClick={() => removeWebhookSecret.mutate()}>
            Stop signing webhooks
          </button>
        )}
      </div>
      {[setStatus, rotateSecret, webhookSecret, removeWebhookSecret].map(
        (m, i) => m.error && <ErrorNote key={i} error={m.error} />,
      )}
      {rotateSecret.data && (
        <OnceSecret
          title="New app secret"
          fields={{ appSecret: rotateSecret.data.appSecret }}
          onDone={() => rotateSecret.reset()}
        />
      )}
      {webhookSecret.data && (
        <OnceSecret
          title="Webhook signing secret"
          fields={{ webhookSecret: webhookSecret.data.webhookSecret }}
          onDone={() => webhookSecret.reset()}
        />
      )}
      <p className="hint">
        Webhooks signed (Standard Webhooks): {view.webhookSigning.enabled ? 'yes' : 'no'}
        {view.webhookSigning.previousSecretValidUntil &&
          `; the previous secret signs too until ${formatTime(view.webhookSigning.previousSecretValidUntil)}`}
      </p>
      <AppSettings app={view} onSaved={refresh} />
      <AppNumbers appKey={view.appKey} />
      <AppTones appKey={view.appKey} />
    </section>
  );
}
