import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { queryString } from '../api.js';
import { ErrorNote, QueryState } from '../components/ErrorNote.js';
import { useSession } from '../context.js';
import { IpRules } from './IpRules.js';

interface ListEntry {
  list: 'blacklist' | 'whitelist';
  number: string;
  appKey: string | null;
}

/** Black- and whitelists of numbers, platform-wide or for one app. */
export function ListsPage() {
  const { api } = useSession();
  const client = useQueryClient();
  const entries = useQuery({ queryKey: ['lists'], queryFn: () => api.json<ListEntry[]>('/lists') });
  const [entry, setEntry] = useState<ListEntry>({ list: 'blacklist', number: '', appKey: '' });
  const refresh = () => client.invalidateQueries({ queryKey: ['lists'] });
  const add = useMutation({
    mutationFn: () => api.json('/lists', { method: 'POST', body: { ...entry, appKey: entry.appKey || undefined } }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (e: ListEntry) =>
      api.json(`/lists${queryString({ list: e.list, number: e.number, appKey: e.appKey })}`, { method: 'DELETE' }),
    onSuccess: refresh,
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    add.mutate();
  }

  return (
    <section aria-labelledby="lists-title">
      <h1 id="lists-title">Lists and IP rules</h1>
      <h2>Number lists</h2>
      <form className="inline-form" onSubmit={submit}>
        <label>
          List
          <select
            value={entry.list}
            onChange={(e) => setEntry({ ...entry, list: e.target.value as ListEntry['list'] })}
          >
            <option value="blacklist">blacklist</option>
            <option value="whitelist">whitelist</option>
          </select>
        </label>
        <label>
          Number{' '}
          <input value={entry.number} onChange={(e) => setEntry({ ...entry, number: e.target.value })} required />
        </label>
        <label>
          App key (empty: every app)
          <input value={entry.appKey ?? ''} onChange={(e) => setEntry({ ...entry, appKey: e.target.value })} />
        </label>
        <button type="submit">Add to list</button>
      </form>
      {add.error && <ErrorNote error={add.error} />}
      {remove.error && <ErrorNote error={remove.error} />}
      <QueryState isPending={entries.isPending} error={entries.error} />
      {entries.data && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="List entries">
          <table>
            <caption>{entries.data.length} entries</caption>
            <thead>
              <tr>
                <th scope="col">List</th>
                <th scope="col">Number</th>
                <th scope="col">App</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.data.map((e) => (
                <tr key={`${e.list}-${e.number}-${e.appKey}`}>
                  <td>{e.list}</td>
                  <td>{e.number}</td>
                  <td>{e.appKey ?? 'every app'}</td>
                  <td>
                    <button type="button" className="quiet" onClick={() => remove.mutate(e)}>
                      Remove {e.number}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <IpRules />
    </section>
  );
}
