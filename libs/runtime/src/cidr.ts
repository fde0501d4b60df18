import { isIP } from 'node:net';

export interface Cidr {
  address: string;
  /** The prefix length (32 or 128 for a single address). */
  bits: number;
  family: 4 | 6;
}

/**
 * The one rule for an address or CIDR anywhere in Verigate (configuration, IP whitelists, IP
 * rules): `10.0.0.1`, `10.0.0.0/8`, `2001:db8::/32`. Host bits after the prefix are allowed
 * (`10.0.0.1/24` means 10.0.0.0/24). null for anything else.
 */
export function parseCidr(text: string): Cidr | null {
  const [address = '', bits, extra] = text.trim().split('/');
  const family = isIP(address) as 0 | 4 | 6;
  if (family === 0 || extra !== undefined) return null;
  const max = family === 4 ? 32 : 128;
  if (bits === undefined) return { address, bits: max, family };
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return null;
  return { address, bits: Number(bits), family };
}
