/**
 * What kind of address an IP address is (public, loopback, private, link-local…): the one
 * classification behind every "no private addresses unless allowed" policy — webhook targets
 * (the notifier, VERIGATE_WEBHOOK_ALLOW_PRIVATE) and RTP media addresses an SDP names (the voice
 * worker, VERIGATE_RTP_ALLOW_PRIVATE). Pure functions, no I/O.
 */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unique-local'
  | 'cgnat'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'reserved'
  | 'invalid';

interface Range4 {
  base: number;
  bits: number;
  kind: Exclude<AddressClass, 'public' | 'invalid'>;
}

const V4_RANGES: Range4[] = [
  { base: ipv4('0.0.0.0'), bits: 8, kind: 'unspecified' }, // "this network"
  { base: ipv4('10.0.0.0'), bits: 8, kind: 'private' },
  { base: ipv4('100.64.0.0'), bits: 10, kind: 'cgnat' },
  { base: ipv4('127.0.0.0'), bits: 8, kind: 'loopback' },
  { base: ipv4('169.254.0.0'), bits: 16, kind: 'link-local' },
  { base: ipv4('172.16.0.0'), bits: 12, kind: 'private' },
  { base: ipv4('192.0.0.0'), bits: 24, kind: 'reserved' }, // IETF protocol assignments
  { base: ipv4('192.0.2.0'), bits: 24, kind: 'documentation' },
  { base: ipv4('192.88.99.0'), bits: 24, kind: 'reserved' }, // 6to4 relay anycast (deprecated)
  { base: ipv4('192.168.0.0'), bits: 16, kind: 'private' },
  { base: ipv4('198.18.0.0'), bits: 15, kind: 'reserved' }, // benchmarking
  { base: ipv4('198.51.100.0'), bits: 24, kind: 'documentation' },
  { base: ipv4('203.0.113.0'), bits: 24, kind: 'documentation' },
  { base: ipv4('224.0.0.0'), bits: 4, kind: 'multicast' },
  { base: ipv4('255.255.255.255'), bits: 32, kind: 'broadcast' },
  { base: ipv4('240.0.0.0'), bits: 4, kind: 'reserved' },
];

/** Classifies an IPv4 or IPv6 address in textual form (an IPv6 zone id `%eth0` is ignored). */
export function classifyAddress(address: string): AddressClass {
  const text = address.trim().replace(/^\[(.*)\]$/, '$1');
  const v4 = parseIPv4(text);
  if (v4 !== null) return classifyIPv4(v4);
  const v6 = parseIPv6(text);
  if (v6 !== null) return classifyIPv6(v6);
  return 'invalid';
}

/** True for a public unicast address (the only kind a webhook or RTP goes to by default). */
export function isPublicAddress(address: string): boolean {
  return classifyAddress(address) === 'public';
}

function classifyIPv4(value: number): AddressClass {
  for (const range of V4_RANGES) {
    if (inRange4(value, range.base, range.bits)) return range.kind;
  }
  return 'public';
}

type Groups = [number, number, number, number, number, number, number, number];

function classifyIPv6(g: number[]): AddressClass {
  const groups = g as Groups;
  return classifyZeroPrefixed(groups) ?? classifyTranslated(groups) ?? classifyByPrefix(groups[0], groups[1]);
}

/** The last 32 bits of an address as an IPv4 value. */
function embedded4(g: Groups): number {
  return ((g[6] << 16) | g[7]) >>> 0;
}

/** ::/80 addresses: IPv4-mapped, unspecified, loopback, IPv4-compatible; null for any other. */
function classifyZeroPrefixed(g: Groups): AddressClass | null {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = g;
  const firstFiveZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (firstFiveZero && g5 === 0xffff) return classifyIPv4(embedded4(g)); // ::ffff:a.b.c.d (IPv4-mapped)
  if (firstFiveZero && g5 === 0) {
    if (g6 === 0 && g7 === 0) return 'unspecified'; // ::
    if (g6 === 0 && g7 === 1) return 'loopback'; // ::1
    return 'reserved'; // ::a.b.c.d (deprecated IPv4-compatible) and the rest of ::/96
  }
  return null;
}

/** NAT64 and 6to4 prefixes (classified by the IPv4 address they carry); null for any other. */
function classifyTranslated(g: Groups): AddressClass | null {
  const [g0, g1, g2, g3, g4, g5] = g;
  if (g0 === 0x0064 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return classifyIPv4(embedded4(g)); // 64:ff9b::/96, well-known NAT64 prefix
  }
  if (g0 === 0x0064 && g1 === 0xff9b && g2 === 1) return 'private'; // 64:ff9b:1::/48, local-use NAT64
  if (g0 === 0x2002) return classifyIPv4(((g1 << 16) | g2) >>> 0); // 2002::/16, 6to4
  return null;
}

/** Every other address, by its first two groups. */
function classifyByPrefix(g0: number, g1: number): AddressClass {
  if (g0 === 0x2001 && g1 === 0x0db8) return 'documentation'; // 2001:db8::/32
  if (g0 === 0x3fff && g1 < 0x1000) return 'documentation'; // 3fff::/20
  if (g0 === 0x2001 && g1 < 0x0200) return 'reserved'; // 2001::/23 IETF protocol assignments (Teredo, ORCHID…)
  if ((g0 & 0xfe00) === 0xfc00) return 'unique-local'; // fc00::/7
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10
  if ((g0 & 0xffc0) === 0xfec0) return 'private'; // fec0::/10, deprecated site-local
  if ((g0 & 0xff00) === 0xff00) return 'multicast'; // ff00::/8
  if ((g0 & 0xe000) !== 0x2000) return 'reserved'; // only 2000::/3 is global unicast
  return 'public';
}

function inRange4(value: number, base: number, bits: number): boolean {
  if (bits === 0) return true;
  const mask = bits === 32 ? 0xffffffff : (~0 << (32 - bits)) >>> 0;
  return (value & mask) >>> 0 === (base & mask) >>> 0;
}

function ipv4(text: string): number {
  const value = parseIPv4(text);
  if (value === null) throw new Error(`bad IPv4 constant ${text}`);
  return value;
}

/** Strict dotted-quad IPv4 (what DNS and the WHATWG URL parser produce), as an unsigned 32-bit number. */
export function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    value = value * 256 + n;
  }
  return value;
}

/** IPv6 as eight 16-bit groups; accepts `::` compression, an embedded dotted quad and a zone id. */
export function parseIPv6(text: string): number[] | null {
  const zone = text.indexOf('%');
  const body = zone >= 0 ? text.slice(0, zone) : text;
  if (body.length === 0 || !/^[0-9A-Fa-f:.]+$/.test(body)) return null;
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (part: string, allowTail4: boolean): number[] | null => {
    if (part === '') return [];
    const items = part.split(':');
    const out: number[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (item.includes('.')) {
        if (!allowTail4 || i !== items.length - 1) return null;
        const v4 = parseIPv4(item);
        if (v4 === null) return null;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else {
        if (!/^[0-9A-Fa-f]{1,4}$/.test(item)) return null;
        out.push(parseInt(item, 16));
      }
    }
    return out;
  };
  if (halves.length === 1) {
    const groups = parseGroups(halves[0]!, true);
    return groups && groups.length === 8 ? groups : null;
  }
  const head = parseGroups(halves[0]!, false);
  const tail = parseGroups(halves[1]!, true);
  if (!head || !tail || head.length + tail.length > 7) return null;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}
