import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { queryString } from '../api.js';
import { QueryState } from '../components/ErrorNote.js';
import { useSession } from '../context.js';
import type { AppView } from '../types.js';

const TYPES = ['blockPuzzle', 'clickWord'] as const;

/**
 * Draws a real captcha of an app through the public widget (the gateway's /demo/captcha page in
 * a frame), to try as a person would: drag the piece, or click the characters in order.
 */
export function CaptchaPage() {
  const { api } = useSession();
  const apps = useQuery({ queryKey: ['apps'], queryFn: () => api.json<AppView[]>('/apps') });
  const withCaptcha = apps.data?.filter((a) => a.permissions.includes('captcha') && a.status === 'normal') ?? [];
  const [appKey, setAppKey] = useState('');
  const [lang, setLang] = useState<'en' | 'zh'>('en');
  const [round, setRound] = useState(0);
  const chosen = appKey || withCaptcha[0]?.appKey || '';

  return (
    <section aria-labelledby="captcha-title">
      <h1 id="captcha-title">Captcha preview</h1>
      <QueryState isPending={apps.isPending} error={apps.error} />
      {apps.data && withCaptcha.length === 0 && <p>No active app has the captcha permission.</p>}
      {withCaptcha.length > 0 && (
        <>
          <p className="inline-form">
            <label>
              App
              <select value={chosen} onChange={(e) => setAppKey(e.target.value)}>
                {withCaptcha.map((a) => (
                  <option key={a.appKey} value={a.appKey}>
                    {a.name} ({a.appKey})
                  </option>
                ))}
              </select>
            </label>
            <label>
              Language
              <select value={lang} onChange={(e) => setLang(e.target.value as 'en' | 'zh')}>
                <option value="en">English</option>
                <option value="zh">中文</option>
              </select>
            </label>
            <button type="button" onClick={() => setRound(round + 1)}>
              Draw new captchas
            </button>
          </p>
          <p className="hint">
            These are real captchas of the app (they count in its figures); proof of work runs as in a client.
          </p>
          <div className="captchas">
            {TYPES.map((type) => (
              <iframe
                key={`${type}-${chosen}-${lang}-${round}`}
                title={`${type} captcha of ${chosen}`}
                src={`/demo/captcha${queryString({ clientId: chosen, type, lang })}`}
              />
            ))}
          </div>
        </>
      )}
    </section>
  );
}
