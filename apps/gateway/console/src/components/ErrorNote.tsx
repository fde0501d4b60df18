import { describeError } from '../api.js';

/** An error in words with its result code, announced to screen readers as it appears. */
export function ErrorNote({ message, error }: { message?: string; error?: unknown }) {
  const text = message ?? describeError(error);
  return (
    <p className="error" role="alert">
      {text}
    </p>
  );
}

/** What a query shows while it loads or after it failed; null once its data is there. */
export function QueryState({ isPending, error }: { isPending: boolean; error: unknown }) {
  if (error) return <ErrorNote error={error} />;
  if (isPending) return <p aria-live="polite">Loading…</p>;
  return null;
}
