import { describe, expect, it } from '@jest/globals';
import { addressList, normaliseIp } from '../http/client-address.js';
import { inRestHours, ipAllowed } from './call-admission.js';

describe('IP whitelist', () => {
  it('allows everyone when empty', () => {
    expect(ipAllowed(null, '203.0.113.9')).toBe(true);
  });

  it.each([
    [['203.0.113.0/24'], '203.0.113.9', true],
    [['203.0.113.0/24'], '203.0.114.1', false],
    [['198.51.100.7'], '198.51.100.7', true],
    [['198.51.100.7'], '198.51.100.8', false],
    [['10.0.0.0/8'], '::ffff:10.1.2.3', true],
    [['2001:db8::/32'], '2001:db8::1', true],
    [['2001:db8::/32'], '2001:db9::1', false],
    [['10.0.0.0/8'], 'not-an-ip', false],
    [['10.1.2.3/8'], '10.9.9.9', true],
  ])('%j allows %s: %s', (list, ip, allowed) => {
    expect(ipAllowed(addressList(list), ip)).toBe(allowed);
  });

  it('unmaps IPv4-mapped IPv6', () => {
    expect(normaliseIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normaliseIp('::1')).toBe('::1');
  });
});

describe('rest hours', () => {
  const night = { from: '22:00', to: '08:00', tz: 'Asia/Shanghai' };
  it.each([
    ['2026-11-28T14:30:00Z', true], // 22:30 in Shanghai
    ['2026-11-28T23:59:00Z', true], // 07:59
    ['2026-11-29T00:00:00Z', false], // 08:00 (end is exclusive)
    ['2026-11-28T05:00:00Z', false], // 13:00
    ['2026-11-28T13:59:00Z', false], // 21:59
  ])('22:00–08:00 Asia/Shanghai at %s: %s', (at, resting) => {
    expect(inRestHours(night, new Date(at))).toBe(resting);
  });

  it('handles a daytime range and the empty cases', () => {
    const lunch = { from: '12:00', to: '13:30', tz: 'UTC' };
    expect(inRestHours(lunch, new Date('2026-11-28T12:45:00Z'))).toBe(true);
    expect(inRestHours(lunch, new Date('2026-11-28T13:30:00Z'))).toBe(false);
    expect(inRestHours({ from: '09:00', to: '09:00', tz: 'UTC' }, new Date())).toBe(false);
    expect(inRestHours(null, new Date())).toBe(false);
  });
});
