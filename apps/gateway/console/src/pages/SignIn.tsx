import { useState, type FormEvent } from 'react';
import { AdminApi, describeError } from '../api.js';
import { ErrorNote } from '../components/ErrorNote.js';

/** The operator token, checked against the API before it is kept (in sessionStorage, never in a URL). */
export function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn(token: string): void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await new AdminApi(token.trim()).json('/apps');
      onSignedIn(token.trim());
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <h1>Verigate operator console</h1>
      <form onSubmit={(e) => void submit(e)} method="post">
        <label htmlFor="token">Operator token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="current-password"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          required
          autoFocus
        />
        <p className="hint">The VERIGATE_ADMIN_TOKEN of this gateway. Kept for this tab only, until you sign out.</p>
        <button type="submit" disabled={busy || token.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {notice && <ErrorNote message={notice} />}
        {error && <ErrorNote message={error} />}
      </form>
    </main>
  );
}
