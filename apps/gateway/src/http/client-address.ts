import { BlockList, isIP } from 'node:net';

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) → `10.0.0.1`. */
export function normaliseIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
}

/** A BlockList of addresses and CIDRs (entries that are neither are skipped). */
export function addressList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const family = isIP(address ?? '');
    if (!family) continue;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, Number(bits), type);
  }
  return list;
}

export function listContains(list: BlockList, ip: string): boolean {
  const address = normaliseIp(ip);
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The client's address: the socket's peer, unless that peer is a configured trusted proxy, in
 * which case the right-most X-Forwarded-For entry that is not itself a trusted proxy. `null` when
 * a trusted proxy forwarded the request without saying for whom (the seed's 1013120).
 * X-Forwarded-For from anyone else, and X-device-ip, are never believed.
 */
export function resolveClientAddress(socketIp: string | undefined, forwardedFor: string | string[] | undefined, trustedProxies: BlockList | null): string | null {
  const peer = normaliseIp(socketIp ?? '');
  if (!peer) return null;
  if (!trustedProxies || !listContains(trustedProxies, peer)) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor ?? '')
    .split(',').map((h) => normaliseIp(h.trim())).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!isIP(hop)) return null;
    if (!listContains(trustedProxies, hop)) return hop;
  }
  return null;
}
