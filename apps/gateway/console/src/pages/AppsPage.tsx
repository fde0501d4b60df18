import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ErrorNote, QueryState } from '../components/ErrorNote.js';
import { OnceSecret } from '../components/OnceSecret.js';
import { useSession } from '../context.js';
import { formatTime } from '../format.js';
import { hrefOf } from '../routes.js';
import { PERMISSIONS, type AppView, type Permission } from '../types.js';

/** Every app, and a form to create one (its secret shown once). */
export function AppsPage() {
  const { api } = useSession();
  const client = useQueryClient();
  const apps = useQuery({ queryKey: ['apps'], queryFn: () => api.json<AppView[]>('/apps') });
  const [name, setName] = useState('');
  const [permissions, setPermissions] = useState<Permission[]>([...PERMISSIONS]);
  const create = useMutation({
    mutationFn: () =>
      api.json<AppView & { appSecret: string }>('/apps', { method: 'POST', body: { name, permissions } }),
    onSuccess: () => {
      setName('');
      void client.invalidateQueries({ queryKey: ['apps'] });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }

  return (
    <section aria-labelledby="apps-title">
      <h1 id="apps-title">Apps</h1>
      <form className="inline-form" onSubmit={submit} aria-labelledby="new-app">
        <h2 id="new-app">New app</h2>
        <label>
          Name <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={128} />
        </label>
        <fieldset>
          <legend>Permissions</legend>
          {PERMISSIONS.map((p) => (
            <label key={p} className="check">
              <input
                type="checkbox"
                checked={permissions.includes(p)}
                onChange={(e) =>
                  setPermissions(e.target.checked ? [...permissions, p] : permissions.filter((x) => x !== p))
                }
              />{' '}
              {p}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={create.isPending}>
          Create app
        </button>
        {create.error && <ErrorNote error={create.error} />}
      </form>
      {create.data && (
        <OnceSecret
          title={`App “${create.data.name}” created`}
          fields={{ appKey: create.data.appKey, appSecret: create.data.appSecret }}
          onDone={() => create.reset()}
        />
      )}
      <QueryState isPending={apps.isPending} error={apps.error} />
      {apps.data && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Apps table">
          <table>
            <caption>{apps.data.length} apps</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">App key</th>
                <th scope="col">Status</th>
                <th scope="col">Permissions</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {apps.data.map((app) => (
                <tr key={app.appKey}>
                  <td>
                    <a href={hrefOf({ page: 'app', appKey: app.appKey })}>{app.name}</a>
                  </td>
                  <td>
                    <code>{app.appKey}</code>
                  </td>
                  <td>
                    <span className={`badge ${app.status}`}>{app.status}</span>
                  </td>
                  <td>{app.permissions.join(', ') || 'none'}</td>
                  <td>{formatTime(app.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
