/**
 * Which IP addresses a webhook may be sent to (docs/contract.md#notifications: URLs that resolve to private, loopback
 * or link-local addresses are refused unless the operator allows them). Pure functions, no I/O:
 * the HTTP client calls them for literal-IP hosts and, at connect time, for every address DNS
 * returned (so a name that later re-binds to an internal address is still refused). What an
 * address is (public, private, loopback…) is `classifyAddress` in libs/runtime, shared with the
 * voice worker's media policy.
 */
import { classifyAddress } from '#libs/runtime';

/** `code` of the errors below: failures retrying cannot fix (see `isPermanentFailure`). */
export const ADDRESS_REFUSED_CODE = 'EWEBHOOKADDRESS';
export const INVALID_URL_CODE = 'EWEBHOOKURL';

/** A webhook host that is or resolves to a non-public address (while private addresses are not allowed). */
export class AddressRefusedError extends Error {
  readonly code = ADDRESS_REFUSED_CODE;
  constructor(host: string, address: string, kind: string) {
    super(
      host === address
        ? `refused: ${address} is a ${kind} address`
        : `refused: ${host} resolves to ${address}, a ${kind} address`,
    );
    this.name = 'AddressRefusedError';
  }
}

/** A webhook URL that cannot be sent to at all: malformed, or not http/https. */
export class InvalidWebhookUrlError extends Error {
  readonly code = INVALID_URL_CODE;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidWebhookUrlError';
  }
}

/** A webhook URL checked before any I/O (`checkWebhookUrl`). */
export interface WebhookTarget {
  url: URL;
  secure: boolean;
  /** The host to connect to, IPv6 without brackets. */
  hostname: string;
  /** `user:password` (decoded) when the URL carries user info. */
  auth?: string;
}

/**
 * Checks a webhook URL without I/O: it must parse, be http/https, carry decodable user info and —
 * unless `allowPrivate` — not name a non-public IP literal (host names are checked when they are
 * resolved, at connect time). Returns the target, or the (permanent) error.
 */
export function checkWebhookUrl(
  url: string,
  allowPrivate: boolean,
): WebhookTarget | { error: AddressRefusedError | InvalidWebhookUrlError } {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { error: new InvalidWebhookUrlError('invalid URL') };
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return { error: new InvalidWebhookUrlError(`unsupported URL scheme ${target.protocol}`) };
  }
  const hostname = target.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!hostname) return { error: new InvalidWebhookUrlError('invalid URL: no host') };
  if (!allowPrivate) {
    const kind = classifyAddress(hostname); // 'invalid' = not an IP literal: a name, checked on lookup
    if (kind !== 'public' && kind !== 'invalid') return { error: new AddressRefusedError(hostname, hostname, kind) };
  }
  let auth: string | undefined;
  if (target.username || target.password) {
    try {
      auth = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`;
    } catch {
      return { error: new InvalidWebhookUrlError('invalid URL: malformed user info') };
    }
  }
  return { url: target, secure: target.protocol === 'https:', hostname, ...(auth !== undefined ? { auth } : {}) };
}
