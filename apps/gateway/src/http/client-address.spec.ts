import { describe, expect, it } from '@jest/globals';
import { parseCidr } from '#libs/runtime';
import { addressBucket, addressList, normaliseIp, resolveClientAddress } from './client-address.js';

describe('client address', () => {
  const proxies = addressList(['10.0.0.0/8', '127.0.0.1']);

  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(resolveClientAddress('203.0.113.9', '1.2.3.4', null)).toBe('203.0.113.9');
    expect(resolveClientAddress('::ffff:203.0.113.9', undefined, proxies)).toBe('203.0.113.9');
    expect(resolveClientAddress('203.0.113.9', '1.2.3.4', proxies)).toBe('203.0.113.9');
  });

  it('behind trusted proxies: the right-most hop that is not a trusted proxy', () => {
    expect(resolveClientAddress('10.1.1.1', '198.51.100.7', proxies)).toBe('198.51.100.7');
    expect(resolveClientAddress('10.1.1.1', '6.6.6.6, 198.51.100.7, 10.2.2.2', proxies)).toBe('198.51.100.7');
    expect(resolveClientAddress('127.0.0.1', ['6.6.6.6', '198.51.100.8'], proxies)).toBe('198.51.100.8');
  });

  it('null when a trusted proxy names no client or a malformed one', () => {
    expect(resolveClientAddress('10.1.1.1', undefined, proxies)).toBeNull();
    expect(resolveClientAddress('10.1.1.1', '10.2.2.2', proxies)).toBeNull();
    expect(resolveClientAddress('10.1.1.1', 'evil\r\nx', proxies)).toBeNull();
    expect(resolveClientAddress(undefined, '1.2.3.4', proxies)).toBeNull();
  });

  it('reads hops written with a port', () => {
    expect(resolveClientAddress('10.1.1.1', '198.51.100.7:4711', proxies)).toBe('198.51.100.7');
    expect(resolveClientAddress('10.1.1.1', '[2001:db8::7]:4711, 10.2.2.2', proxies)).toBe('2001:db8::7');
  });

  it('normalises IPv4-mapped IPv6', () => {
    expect(normaliseIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normaliseIp('::1')).toBe('::1');
  });
});

describe('parseCidr (the one address/CIDR rule)', () => {
  it.each([
    ['10.0.0.1', { address: '10.0.0.1', bits: 32, family: 4 }],
    ['10.0.0.1/24', { address: '10.0.0.1', bits: 24, family: 4 }],
    [' 2001:db8::/32', { address: '2001:db8::', bits: 32, family: 6 }],
    ['::1', { address: '::1', bits: 128, family: 6 }],
  ])('%s', (text, expected) => expect(parseCidr(text)).toEqual(expected));

  it.each(['10.0.0.1/33', '2001:db8::/129', '10.0.0.1/24/1', 'proxy.local', '10.0.0.1/', '10.0.0.1/-1', ''])(
    'refuses %j',
    (text) => {
      expect(parseCidr(text)).toBeNull();
    },
  );
});

describe('addressBucket', () => {
  it('keeps IPv4 addresses and counts IPv6 ones by their /64', () => {
    expect(addressBucket('203.0.113.5')).toBe('203.0.113.5');
    expect(addressBucket('::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(addressBucket('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:0db8:0001:0002:ffff::1')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('2001:db8:1:2::')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
    expect(addressBucket('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('counts an IPv4 address written inside IPv6 as that IPv4 address', () => {
    expect(addressBucket('::ffff:c000:201')).toBe('192.0.2.1');
    expect(addressBucket('0:0:0:0:0:ffff:1.2.3.4')).toBe('1.2.3.4');
    expect(addressBucket('::ffff:0:1.2.3.4')).toBe('1.2.3.4');
    expect(addressBucket('64:ff9b::198.51.100.7')).toBe('198.51.100.7');
    expect(addressBucket('64:ff9b::c633:6408')).toBe('198.51.100.8');
  });
});
