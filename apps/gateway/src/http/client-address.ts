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
export function resolveClientAddress(
  socketIp: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedProxies: BlockList | null,
): string | null {
  const peer = normaliseIp(socketIp ?? '');
  if (!peer) return null;
  if (!trustedProxies || !listContains(trustedProxies, peer)) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((h) => normaliseIp(withoutPort(h.trim())))
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!isIP(hop)) return null;
    if (!listContains(trustedProxies, hop)) return hop;
  }
  return null;
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a trailing dotted quad converted, zone dropped). */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0]!;
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return groups.map((g) => parseInt(g, 16));
}

/**
 * What a per-IP limit counts: an IPv4 address as it is (also when written inside IPv6: mapped
 * `::ffff:0:0/96`, translated `::ffff:0:0:0/96`, NAT64 `64:ff9b::/96`), any other IPv6 address
 * by its /64 (one subscriber usually holds a whole /64, so counting single IPv6 addresses would
 * not limit anyone).
 */
export function addressBucket(ip: string): string {
  const address = normaliseIp(ip);
  if (isIP(address) !== 6) return address;
  const g = ipv6Groups(address);
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const embedded =
    (zero(0, 5) && g[5] === 0xffff) ||
    (zero(0, 4) && g[4] === 0xffff && g[5] === 0) ||
    (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6));
  if (embedded) return `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
  return `${g
    .slice(0, 4)
    .map((x) => x.toString(16))
    .join(':')}::/64`;
}
