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
  return () => {
    sink = previous;
  };
}

export type LogFormat = 'json' | 'pretty';

/**
 * JSON (one object per line: what log shippers, the fault suite's log scan and `jq` read) unless a
 * person reads the lines: stdout is a terminal outside production (and outside tests, which read
 * the lines back). VERIGATE_LOG_FORMAT=json|pretty decides instead when set; `npm start` sets
 * pretty for the apps when its own stdout is a terminal (theirs is a pipe to it).
 */
export function chooseLogFormat(env: Record<string, string | undefined>, stdoutIsTty: boolean): LogFormat {
  if (env.VERIGATE_LOG_FORMAT === 'json' || env.VERIGATE_LOG_FORMAT === 'pretty') return env.VERIGATE_LOG_FORMAT;
  const environment = env.NODE_ENV ?? '';
  return stdoutIsTty && environment !== 'production' && environment !== 'test' ? 'pretty' : 'json';
}

/**
 * One JSON object per line on stdout (or, for a person at a terminal, one readable line: see
 * chooseLogFormat and formatPretty). Callers pass identifiers (sessionId, messageId) as fields;
 * secrets and verification codes are never passed to the logger. A line written while a request
 * or message is being handled (see request-context.ts) carries its `requestId`. Either format goes
 * through the same URL-credential redaction.
 */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly app: string,
    private readonly minLevel: Level = 'info',
    private readonly fields: Record<string, unknown> = {},
    private readonly format: LogFormat = chooseLogFormat(process.env, process.stdout.isTTY === true),
  ) {}

  /** The app every line names (`app` field). */
  get appName(): string {
    return this.app;
  }

  child(fields: Record<string, unknown>): JsonLogger {
    return new JsonLogger(this.app, this.minLevel, { ...this.fields, ...fields }, this.format);
  }

  write(level: Level, msg: string, fields?: Record<string, unknown>): void {
    if (ORDER[level] < ORDER[this.minLevel]) return;
    const requestId = currentRequestId();
    const line = {
      time: new Date().toISOString(),
      level,
      app: this.app,
      msg,
      ...(requestId ? { requestId } : {}),
      ...this.fields,
      ...fields,
    };
    const text =
      this.format === 'pretty'
        ? formatPretty(line, process.env.NO_COLOR === undefined)
        : JSON.stringify(line, errorReplacer);
    sink(`${redactUrlCredentials(text)}\n`);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', String(message), context(rest));
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('debug', String(message), context(rest));
  }
  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', String(message), context(rest));
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.write('info', message, fields);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', String(message), context(rest));
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', String(message), context(rest));
  }
}

function context(rest: unknown[]): Record<string, unknown> | undefined {
  if (rest.length === 0) return undefined;
  const last = rest[rest.length - 1];
  if (last && typeof last === 'object' && !Array.isArray(last)) return last as Record<string, unknown>;
  return { context: rest.map(String).join(' ') };
}

const LEVEL_LABEL: Record<Level, string> = { debug: 'DEBUG', info: 'INFO ', warn: 'WARN ', error: 'ERROR' };
const LEVEL_COLOUR: Record<Level, string> = {
  debug: '\x1b[90m',
  info: '\x1b[36m',
  warn: '\x1b[33m',
  error: '\x1b[31m',
};

/**
 * One log record as a person reads it: `12:04:05.123 INFO  gateway listening host=127.0.0.1 port=3000`,
 * then an error's stack, indented, on the lines after. The app is left out (npm start prefixes
 * every line with it); fields are `key=value`, a value quoted (JSON) when it holds spaces or
 * quotes, objects as JSON. The caller redacts URL credentials from the result, as for JSON.
 */
export function formatPretty(
  record: { time: string; level: Level; app: string; msg: string } & Record<string, unknown>,
  colour = false,
): string {
  const { time, level, app: _app, msg, ...fields } = record;
  const stacks: string[] = [];
  const parts = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => {
      if (value instanceof Error) {
        if (value.stack)
          stacks.push(
            value.stack
              .split('\n')
              .slice(1)
              .map((l) => `    ${l.trim()}`)
              .join('\n'),
          );
        return `${key}=${prettyValue(`${value.name}: ${value.message}`)}`;
      }
      return `${key}=${prettyValue(value)}`;
    });
  const label = colour ? `${LEVEL_COLOUR[level]}${LEVEL_LABEL[level]}\x1b[0m` : LEVEL_LABEL[level];
  const head = [time.slice(11, 23), label, msg, ...parts].join(' ');
  return [head, ...stacks.filter(Boolean)].join('\n');
}

function prettyValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value, errorReplacer) ?? String(value);
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
 * to every line as a safety net: connection URLs (DATABASE_URL, DATABASE_READ_URL, RABBITMQ_URL, VERIGATE_SMPP_URL)
 * and customers' webhook URLs can carry credentials, and an error message may quote them.
 */
export function redactUrlCredentials(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(URL_USER_INFO, '://***@');
}
