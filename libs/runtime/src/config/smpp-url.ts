/** The connection part of an SMPP configuration, as VERIGATE_SMPP_URL gives it. */
export interface SmppEndpoint {
  host: string;
  port: number;
  tls: boolean;
  systemId: string;
  password: string;
}

/** Parses VERIGATE_SMPP_URL `smpp://system_id:password@host[:port]` (`ssmpp://` = TLS; port 2775 / 3550). */
export function parseSmppUrl(text: string): SmppEndpoint | string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return 'is not a URL like smpp://system_id:password@host:2775';
  }
  if (u.protocol !== 'smpp:' && u.protocol !== 'ssmpp:') return `must use smpp: or ssmpp: (got ${u.protocol})`;
  if (!u.hostname) return 'has no host';
  let systemId: string;
  let password: string;
  try {
    systemId = decodeURIComponent(u.username);
    password = decodeURIComponent(u.password);
  } catch {
    return 'has a malformed %-escape in its system_id or password';
  }
  // SMPP 3.4 §5.2: system_id is at most 15 characters, password at most 8.
  if (!systemId || systemId.length > 15) return 'needs a system_id of 1-15 characters before the @';
  if (password.length > 8) return "has a password longer than SMPP's 8 characters";
  const tls = u.protocol === 'ssmpp:';
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : tls ? 3550 : 2775,
    tls,
    systemId,
    password,
  };
}
