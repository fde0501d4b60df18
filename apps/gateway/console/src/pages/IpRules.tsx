import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ErrorNote, QueryState } from '../components/ErrorNote.js';
import { useSession } from '../context.js';
import { formatTime } from '../format.js';

interface IpRule {
  id: string;
  kind: 'blacklist' | 'restricted-area';
  cidr: string;
  area: string | null;
}

interface IpBan {
  ip: string;
  bannedUntil: string;
  reason: string | null;
}

/** Platform IP rules of /rest/ clients (1020168, 1020171) and the bans after failed authentications (1020176). */
export function IpRules() {
  const { api } = useSession();
  const client = useQueryClient();
  const rules = useQuery({ queryKey: ['ip-rules'], queryFn: () => api.json<IpRule[]>('/ip-rules') });
  const bans = useQuery({ queryKey: ['ip-bans'], queryFn: () => api.json<IpBan[]>('/ip-bans') });
  const [rule, setRule] = useState({ kind: 'blacklist' as IpRule['kind'], cidr: '', area: '' });
  const refresh = () => client.invalidateQueries({ queryKey: ['ip-rules'] });
  const add = useMutation({
    mutationFn: () => api.json('/ip-rules', { method: 'POST', body: { ...rule, area: rule.area || undefined } }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.json(`/ip-rules/${id}`, { method: 'DELETE' }),
    onSuccess: refresh,
  });
  const lift = useMutation({
    mutationFn: (ip: string) => api.json(`/ip-bans/${encodeURIComponent(ip)}`, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['ip-bans'] }),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    add.mutate();
  }

  return (
    <section aria-labelledby="ip-title">
      <h2 id="ip-title">IP rules of voice API clients</h2>
      <form className="inline-form" onSubmit={submit}>
        <label>
          Kind
          <select value={rule.kind} onChange={(e) => setRule({ ...rule, kind: e.target.value as IpRule['kind'] })}>
            <option value="blacklist">blacklist</option>
            <option value="restricted-area">restricted-area</option>
          </select>
        </label>
        <label>
          Address or CIDR{' '}
          <input value={rule.cidr} onChange={(e) => setRule({ ...rule, cidr: e.target.value })} required />
        </label>
        {rule.kind === 'restricted-area' && (
          <label>
            Area <input value={rule.area} onChange={(e) => setRule({ ...rule, area: e.target.value })} required />
          </label>
        )}
        <button type="submit">Add IP rule</button>
      </form>
      {[add, remove, lift].map((m, i) => m.error && <ErrorNote key={i} error={m.error} />)}
      <QueryState isPending={rules.isPending} error={rules.error} />
      <ul className="plain">
        {rules.data?.map((r) => (
          <li key={r.id}>
            {r.kind} <code>{r.cidr}</code> {r.area && <span className="hint">({r.area})</span>}{' '}
            <button type="button" className="quiet" onClick={() => remove.mutate(r.id)}>
              Remove rule {r.cidr}
            </button>
          </li>
        ))}
      </ul>
      <h3>Banned now (repeated authentication failures)</h3>
      <QueryState isPending={bans.isPending} error={bans.error} />
      {bans.data?.length === 0 && <p>No address is banned.</p>}
      <ul className="plain">
        {bans.data?.map((b) => (
          <li key={b.ip}>
            <code>{b.ip}</code> until {formatTime(b.bannedUntil)}{' '}
            <button type="button" className="quiet" onClick={() => lift.mutate(b.ip)}>
              Lift ban of {b.ip}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
