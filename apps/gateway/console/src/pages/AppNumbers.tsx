import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ErrorNote, QueryState } from '../components/ErrorNote.js';
import { useSession } from '../context.js';

interface NumberView {
  number: string;
  status: 'normal' | 'suspended';
}

/** The app's display numbers: add one, suspend or resume one. */
export function AppNumbers({ appKey }: { appKey: string }) {
  const { api } = useSession();
  const client = useQueryClient();
  const path = `/apps/${encodeURIComponent(appKey)}/numbers`;
  const numbers = useQuery({ queryKey: ['numbers', appKey], queryFn: () => api.json<NumberView[]>(path) });
  const [number, setNumber] = useState('');
  const refresh = () => client.invalidateQueries({ queryKey: ['numbers', appKey] });
  const add = useMutation({
    mutationFn: () => api.json(path, { method: 'POST', body: { number } }),
    onSuccess: () => {
      setNumber('');
      void refresh();
    },
  });
  const setStatus = useMutation({
    mutationFn: (n: NumberView) =>
      api.json(`${path}/${encodeURIComponent(n.number)}`, {
        method: 'PATCH',
        body: { status: n.status === 'normal' ? 'suspended' : 'normal' },
      }),
    onSuccess: refresh,
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    add.mutate();
  }

  return (
    <section aria-labelledby="numbers-title">
      <h2 id="numbers-title">Display numbers</h2>
      <QueryState isPending={numbers.isPending} error={numbers.error} />
      {numbers.data && numbers.data.length === 0 && <p>No numbers yet.</p>}
      <ul className="plain">
        {numbers.data?.map((n) => (
          <li key={n.number}>
            <code>{n.number}</code> <span className={`badge ${n.status}`}>{n.status}</span>{' '}
            <button type="button" className="quiet" onClick={() => setStatus.mutate(n)}>
              {n.status === 'normal' ? 'Suspend' : 'Resume'} {n.number}
            </button>
          </li>
        ))}
      </ul>
      <form className="inline-form" onSubmit={submit}>
        <label>
          Number (E.164){' '}
          <input value={number} onChange={(e) => setNumber(e.target.value)} placeholder="+8675528000088" required />
        </label>
        <button type="submit">Add number</button>
      </form>
      {add.error && <ErrorNote error={add.error} />}
      {setStatus.error && <ErrorNote error={setStatus.error} />}
    </section>
  );
}
