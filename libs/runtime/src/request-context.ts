import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** The AMQP header (and HTTP header, in any case) that carries a request id from hop to hop. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** What a request id may look like: anything else from outside is replaced, never logged. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A client's (or an upstream hop's) request id if it is sane: 1-128 characters of
 * `A-Z a-z 0-9 . _ : -`. Anything else (CR/LF, spaces, too long, several headers) gives null and
 * the caller generates a fresh id, so a raw unsafe header value never reaches a log line.
 */
export function saneRequestId(value: unknown): string | null {
  if (Buffer.isBuffer(value)) value = value.toString('utf8');
  return typeof value === 'string' && SANE_REQUEST_ID.test(value) ? value : null;
}

/** The client's id when sane, else a new UUID. */
export function requestIdFrom(value: unknown): string {
  return saneRequestId(value) ?? randomUUID();
}

/**
 * What one unit of work (an HTTP request at the gateway, a message at a worker) is known by. The
 * logger adds `requestId` to every line written inside it; Broker.publish puts it in the
 * `x-request-id` header of every message published inside it. Handlers may add the session or
 * message they created (the gateway's access line shows it).
 */
export interface RequestContext {
  requestId: string;
  /** The call session a request created (callVerify). */
  sessionId?: string;
  /** The SMS message a request created (sms/send). */
  messageId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` (and everything it starts: promises, timers) inside `context`. */
export function runInRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/**
 * Runs `work` outside any request context. For work started on behalf of many requests (a batch
 * flush, a dispatcher pass, a timer), which would otherwise inherit the context of whichever
 * request happened to start it and log under its id.
 */
export function outsideRequestContext<T>(work: () => T): T {
  return storage.exit(work);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
