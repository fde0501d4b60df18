import type { LoggerService } from '@nestjs/common';
import { currentRequestId } from './request-context.js';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Where lines go (stdout); tests replace it to read what an app logged. */
export type LogSink = (line: string) => void;
let sink: LogSink = (line) => process.stdout.write(line);

/** Sends every logger's lines to `next` instead of stdout (tests); returns a function that restores the previous sink. */
export function redirectLogs(next: LogSink): () => void {
  const previous = sink;
  sink = next;
  return () => { sink = previous; };
}

/**
 * One JSON object per line on stdout. Callers pass identifiers (sessionId, messageId) as fields;
 * secrets and verification codes are never passed to the logger. A line written while a request
 * or message is being handled (see request-context.ts) carries its `requestId`.
 */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly app: string,
    private readonly minLevel: Level = 'info',
    private readonly fields: Record<string, unknown> = {},
  ) {}

  /** The app every line names (`app` field). */
  get appName(): string {
    return this.app;
  }

  child(fields: Record<string, unknown>): JsonLogger {
    return new JsonLogger(this.app, this.minLevel, { ...this.fields, ...fields });
  }

  write(level: Level, msg: string, fields?: Record<string, unknown>): void {
    if (ORDER[level] < ORDER[this.minLevel]) return;
    const requestId = currentRequestId();
    const line = { time: new Date().toISOString(), level, app: this.app, msg, ...(requestId ? { requestId } : {}), ...this.fields, ...fields };
    sink(`${redactUrlCredentials(JSON.stringify(line, errorReplacer))}\n`);
  }

  debug(message: unknown, ...rest: unknown[]): void { this.write('debug', String(message), context(rest)); }
  verbose(message: unknown, ...rest: unknown[]): void { this.write('debug', String(message), context(rest)); }
  log(message: unknown, ...rest: unknown[]): void { this.write('info', String(message), context(rest)); }
  info(message: string, fields?: Record<string, unknown>): void { this.write('info', message, fields); }
  warn(message: unknown, ...rest: unknown[]): void { this.write('warn', String(message), context(rest)); }
  error(message: unknown, ...rest: unknown[]): void { this.write('error', String(message), context(rest)); }
}

function context(rest: unknown[]): Record<string, unknown> | undefined {
  if (rest.length === 0) return undefined;
  const last = rest[rest.length - 1];
  if (last && typeof last === 'object' && !Array.isArray(last)) return last as Record<string, unknown>;
  return { context: rest.map(String).join(' ') };
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

/**
 * A URL's user info: from `://` to the last `@` before the authority ends (whitespace, `/ ? #`, or
 * an unescaped quote). A password may hold a raw `@` (URL parsers take the last one as the
 * separator) and, inside a JSON line, an escaped `\"` or `\\`. Anchored on the literal `://`, so
 * the scan is linear: a pattern that starts with an optional scheme (`[a-z][a-z0-9+.-]*://`)
 * backtracks quadratically over long runs like `a.a.a.…`, and this runs on every log line.
 */
const URL_USER_INFO = /:\/\/(?:[^\s/?#"\\]|\\["\\])*@/g;

/**
 * `scheme://user:password@host` → `scheme://***@host` anywhere in a text. The logger applies it
 * to every line as a safety net: connection URLs (DATABASE_URL, RABBITMQ_URL, VERIGATE_SMPP_URL)
 * and customers' webhook URLs can carry credentials, and an error message may quote them.
 */
export function redactUrlCredentials(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(URL_USER_INFO, '://***@');
}
