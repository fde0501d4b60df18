import { redactUrlCredentials } from '#libs/runtime';

/** Keys whose values never reach the audit log (secrets, credentials, file content). */
const SECRET_KEY = /secret|password|passwd|token|credential|private.?key|authorization|^content$|^verifyCode$/i;
const MAX_STRING = 512;
const MAX_DEPTH = 5;

/**
 * A copy of a request's fields fit for the audit log: keys that name a secret are dropped
 * (recursively), binary data is dropped, credentials in URLs (`https://user:pass@…`) become
 * `https://***@…`, long strings are cut.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value === 'string') {
    const text = redactUrlCredentials(value);
    return text.length > MAX_STRING ? `${text.slice(0, MAX_STRING)}…` : text;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array || depth >= MAX_DEPTH) return undefined;
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => redact(v, depth + 1) ?? null);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (SECRET_KEY.test(key)) continue;
      const r = redact(v, depth + 1);
      if (r !== undefined) out[key] = r;
    }
    return out;
  }
  return undefined;
}

/** The audit entry's default detail: path parameters, query and a JSON object body, redacted. */
export function requestFields(params: unknown, query: unknown, body: unknown): Record<string, unknown> {
  const plain = (v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)
      ? { ...(v as Record<string, unknown>) }
      : {};
  // Path parameters last: they name the resource and a body field must not shadow them.
  return redact({ ...plain(query), ...plain(body), ...plain(params) }) as Record<string, unknown>;
}
