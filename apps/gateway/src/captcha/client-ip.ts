import { BlockList, isIP } from 'node:net';
import { normaliseIp } from '../voice/call-admission.js';

/** A matcher for the configured trusted proxies (addresses and CIDRs, IPv4 and IPv6). */
export function trustedProxyList(entries: readonly string[]): (ip: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const family = isIP(address ?? '');
    if (!family) continue;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, Number(bits), type);
  }
  return (ip: string) => {
    const n = normaliseIp(ip);
    const family = isIP(n);
    return family !== 0 && list.check(n, family === 4 ? 'ipv4' : 'ipv6');
  };
}

/**
 * The client's address: the TCP peer, unless the peer is a trusted proxy; then X-Forwarded-For
 * is read from the right (the entry the trusted proxy appended) leftwards, skipping further
 * trusted proxies, and the first address that is not one is the client. Anything a client could
 * have written itself (left of an untrusted hop, X-device-ip) is never believed.
 */
export function resolveClientIp(socketIp: string, forwardedFor: string | string[] | undefined, isTrusted: (ip: string) => boolean): string {
  const peer = normaliseIp(socketIp);
  if (!isTrusted(peer) || forwardedFor === undefined) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',').map((h) => normaliseIp(h.trim())).filter(Boolean);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!isIP(hop)) return client; // garbage: stop at the last address we could trust
    client = hop;
    if (!isTrusted(hop)) return hop;
  }
  return client;
}
