/**
 * Finds secrets written in clear into log lines: the fault suite scans every line every process
 * wrote during a run. Two kinds of secret, matched differently so that thousands of them can be
 * checked against hundreds of thousands of lines:
 *
 * - `codes` (verification codes, digits only): reported when a whole run of digits equals a code.
 *   A code inside a longer run of digits (a phone number, a timestamp) is not a leak of it, and
 *   matching substrings would report every 6-digit code that happens to sit in a mobile number.
 * - `secrets` (app secrets, tokens, credentials: at least MIN_SECRET_LENGTH characters): reported
 *   wherever they appear, also inside a longer string (e.g. `Bearer <token>` or a URL).
 */
export interface SecretsToFind {
  codes: Iterable<{ kind: string; value: string }>;
  secrets: Iterable<{ kind: string; value: string }>;
}

export interface LogLine {
  /** Which log (file or process) the line came from. */
  source: string;
  /** 1-based line number within the source. */
  line: number;
  text: string;
}

export interface LogLeak {
  kind: string;
  source: string;
  line: number;
  /** The line with the secret masked, so the report itself does not repeat it. */
  excerpt: string;
}

/** Secrets shorter than this are too likely to occur by chance (and too weak to be secrets). */
export const MIN_SECRET_LENGTH = 12;
const PREFIX = MIN_SECRET_LENGTH;
const DIGIT_RUN = /[0-9]+/g;

export function scanLogLines(lines: Iterable<LogLine>, toFind: SecretsToFind): LogLeak[] {
  const codes = new Map<string, string>();
  for (const { kind, value } of toFind.codes) {
    if (!/^[0-9]+$/.test(value)) throw new Error(`scanLogLines: a code must be digits only (${kind})`);
    codes.set(value, kind);
  }
  // Secrets indexed by their first PREFIX characters: one map lookup per position of a line.
  const byPrefix = new Map<string, { kind: string; value: string }[]>();
  for (const secret of toFind.secrets) {
    if (secret.value.length < MIN_SECRET_LENGTH)
      throw new Error(`scanLogLines: a secret must have at least ${MIN_SECRET_LENGTH} characters (${secret.kind})`);
    const key = secret.value.slice(0, PREFIX);
    const list = byPrefix.get(key);
    if (list) list.push(secret);
    else byPrefix.set(key, [secret]);
  }
  const leaks: LogLeak[] = [];
  for (const entry of lines) {
    const found: { kind: string; value: string }[] = [];
    if (codes.size > 0) {
      for (const match of entry.text.matchAll(DIGIT_RUN)) {
        const kind = codes.get(match[0]);
        if (kind) found.push({ kind, value: match[0] });
      }
    }
    if (byPrefix.size > 0) {
      for (let at = 0; at + PREFIX <= entry.text.length; at++) {
        const candidates = byPrefix.get(entry.text.slice(at, at + PREFIX));
        if (!candidates) continue;
        for (const secret of candidates) if (entry.text.startsWith(secret.value, at)) found.push(secret);
      }
    }
    for (const { kind } of found) {
      let excerpt = entry.text;
      for (const { value } of found) excerpt = excerpt.split(value).join('<masked>');
      leaks.push({ kind, source: entry.source, line: entry.line, excerpt: excerpt.slice(0, 300) });
    }
  }
  return leaks;
}

/** Splits a whole log into numbered lines for `scanLogLines`. */
export function* logLinesOf(source: string, text: string): Generator<LogLine> {
  let line = 0;
  for (const part of text.split('\n')) {
    line++;
    if (part.length > 0) yield { source, line, text: part };
  }
}
