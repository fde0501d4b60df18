import { BlockList, isIP } from 'node:net';
import { parseCidr } from '#libs/runtime';

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) → `10.0.0.1`. */
export function normaliseIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
}

/** A BlockList of addresses and CIDRs (entries that `parseCidr` refuses are skipped). */
export function addressList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const cidr = parseCidr(entry);
    if (!cidr) continue;
    list.addSubnet(cidr.address, cidr.bits, cidr.family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

/** `203.0.113.5:4711` and `[2001:db8::1]:4711` (as some load balancers write them) → the address. */
function withoutPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(hop);
  return v4 ? v4[1]! : hop;
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
    .split(',').map((h) => normaliseIp(withoutPort(h.trim()))).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!isIP(hop)) return null;
    if (!listContains(trustedProxies, hop)) return hop;
  }
  return null;
}

/**
 * What a per-IP limit counts: an IPv4 address as it is, an IPv6 address by its /64 (one
 * subscriber usually holds a whole /64, so counting single IPv6 addresses would not limit anyone).
 */
export function addressBucket(ip: string): string {
  const address = normaliseIp(ip);
  if (isIP(address) !== 6) return address;
  const [head = '', tail] = address.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}
