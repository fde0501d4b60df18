import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ErrorNote, QueryState } from '../components/ErrorNote.js';
import { useSession } from '../context.js';
import { formatDuration } from '../format.js';
import type { ToneView } from '../types.js';

/** Tone files: upload a WAV, listen to it here, approve or reject it. */
export function AppTones({ appKey }: { appKey: string }) {
  const { api } = useSession();
  const client = useQueryClient();
  const path = `/apps/${encodeURIComponent(appKey)}/tones`;
  const tones = useQuery({ queryKey: ['tones', appKey], queryFn: () => api.json<ToneView[]>(path) });
  const file = useRef<HTMLInputElement>(null);
  const [listening, setListening] = useState<{ name: string; url: string } | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: ['tones', appKey] });
  const upload = useMutation({
    mutationFn: (chosen: File) =>
      api.json<ToneView>(`${path}?name=${encodeURIComponent(chosen.name)}`, {
        method: 'POST',
        body: chosen,
        contentType: 'audio/wav',
      }),
    onSuccess: () => {
      if (file.current) file.current.value = '';
      void refresh();
    },
  });
  const review = useMutation({
    mutationFn: ({ name, verdict }: { name: string; verdict: 'approve' | 'reject' }) =>
      api.json<ToneView>(`${path}/${encodeURIComponent(name)}/${verdict}`, { method: 'POST' }),
    onSuccess: refresh,
  });
  // The file is fetched with the token (an <audio src> could not send it) and played from a blob: URL.
  const listen = useMutation({
    mutationFn: async (name: string) => ({
      name,
      url: URL.createObjectURL(await api.blob(`${path}/${encodeURIComponent(name)}/audio`)),
    }),
    onSuccess: (played) => setListening(played),
  });
  useEffect(
    () => () => {
      if (listening) URL.revokeObjectURL(listening.url);
    },
    [listening],
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const chosen = file.current?.files?.[0];
    if (chosen) upload.mutate(chosen);
  }

  return (
    <section aria-labelledby="tones-title">
      <h2 id="tones-title">Tones</h2>
      <QueryState isPending={tones.isPending} error={tones.error} />
      {tones.data && tones.data.length === 0 && <p>No tones yet.</p>}
      <ul className="plain">
        {tones.data?.map((t) => (
          <li key={t.name}>
            <code>{t.name}</code> <span className={`badge ${t.status}`}>{t.status}</span>{' '}
            <span className="hint">
              {formatDuration(t.durationMs)}, {t.sampleRate} Hz {t.encoding}
            </span>{' '}
            <button type="button" className="quiet" onClick={() => listen.mutate(t.name)}>
              Listen to {t.name}
            </button>
            {t.status !== 'approved' && (
              <button type="button" onClick={() => review.mutate({ name: t.name, verdict: 'approve' })}>
                Approve {t.name}
              </button>
            )}
            {t.status !== 'rejected' && (
              <button
                type="button"
                className="quiet"
                onClick={() => review.mutate({ name: t.name, verdict: 'reject' })}
              >
                Reject {t.name}
              </button>
            )}
          </li>
        ))}
      </ul>
      {listening && (
        <p>
          <span id="listening-label">Playing {listening.name}</span>
          <audio controls autoPlay src={listening.url} aria-labelledby="listening-label" />
        </p>
      )}
      <form className="inline-form" onSubmit={submit}>
        <label>
          WAV file <input ref={file} type="file" accept=".wav,audio/wav" required />
        </label>
        <button type="submit" disabled={upload.isPending}>
          Upload tone
        </button>
      </form>
      {[upload, review, listen].map((m, i) => m.error && <ErrorNote key={i} error={m.error} />)}
    </section>
  );
}
