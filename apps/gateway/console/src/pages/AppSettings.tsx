import { useMutation } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { formOf, LIMIT_FIELDS, patchOf, type AppSettingsForm } from '../app-form.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { useSession } from '../context.js';
import { PERMISSIONS, type AppView } from '../types.js';

/** Permissions, IP whitelist, rest hours, voice ports and caps; saved as one PATCH of what changed. */
export function AppSettings({ app, onSaved }: { app: AppView; onSaved(): void }) {
  const { api } = useSession();
  const [form, setForm] = useState<AppSettingsForm>(() => formOf(app));
  const [formError, setFormError] = useState<string | null>(null);
  useEffect(() => setForm(formOf(app)), [app]);
  const save = useMutation({
    mutationFn: (patch: Record<string, unknown>) =>
      api.json<AppView>(`/apps/${encodeURIComponent(app.appKey)}`, { method: 'PATCH', body: patch }),
    onSuccess: onSaved,
  });
  const update = (change: Partial<AppSettingsForm>) => setForm({ ...form, ...change });

  function submit(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    try {
      const patch = patchOf(app, form);
      if (Object.keys(patch).length === 0) setFormError('Nothing changed.');
      else save.mutate(patch);
    } catch (error) {
      setFormError((error as Error).message);
    }
  }

  return (
    <form className="settings" onSubmit={submit} aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <fieldset>
        <legend>Permissions</legend>
        {PERMISSIONS.map((p) => (
          <label key={p} className="check">
            <input
              type="checkbox"
              name={`permission-${p}`}
              checked={form.permissions.includes(p)}
              onChange={(e) =>
                update({
                  permissions: e.target.checked ? [...form.permissions, p] : form.permissions.filter((x) => x !== p),
                })
              }
            />{' '}
            {p}
          </label>
        ))}
      </fieldset>
      <label>
        IP whitelist (one address or CIDR a line; empty: any)
        <textarea rows={3} value={form.ipWhitelist} onChange={(e) => update({ ipWhitelist: e.target.value })} />
      </label>
      <fieldset>
        <legend>Rest hours (no calls or SMS)</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={form.restHoursOn}
            onChange={(e) => update({ restHoursOn: e.target.checked })}
          />{' '}
          On
        </label>
        <label>
          From <input type="time" value={form.restFrom} onChange={(e) => update({ restFrom: e.target.value })} />
        </label>
        <label>
          To <input type="time" value={form.restTo} onChange={(e) => update({ restTo: e.target.value })} />
        </label>
        <label>
          Time zone <input value={form.restTz} onChange={(e) => update({ restTz: e.target.value })} />
        </label>
      </fieldset>
      <label>
        SMS status URL (empty: none)
        <input
          type="url"
          className="wide"
          value={form.smsStatusUrl}
          onChange={(e) => update({ smsStatusUrl: e.target.value })}
        />
      </label>
      <fieldset className="grid">
        <legend>Quotas and caps (empty: the platform default)</legend>
        <label>
          Voice ports
          <input inputMode="numeric" value={form.voicePorts} onChange={(e) => update({ voicePorts: e.target.value })} />
        </label>
        {LIMIT_FIELDS.map(({ name, label }) => (
          <label key={name}>
            {label}
            <input
              inputMode="numeric"
              value={form.limits[name] ?? ''}
              onChange={(e) => update({ limits: { ...form.limits, [name]: e.target.value } })}
            />
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={save.isPending}>
        Save settings
      </button>
      {save.isSuccess && !save.isPending && <p role="status">Saved.</p>}
      {formError && <ErrorNote message={formError} />}
      {save.error && <ErrorNote error={save.error} />}
    </form>
  );
}
