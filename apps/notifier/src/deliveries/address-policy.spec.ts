import { classifyAddress, isPublicAddress, parseIPv6 } from '#libs/runtime';
import { AddressRefusedError, checkWebhookUrl, InvalidWebhookUrlError } from './address-policy.js';

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['93.184.216.34', 'public'],
    ['172.15.255.255', 'public'],
    ['172.32.0.1', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.1', 'public'],
    ['192.169.0.1', 'public'],
    ['223.255.255.255', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.170', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
  ])('IPv4 %s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each([
    ['2606:4700:4700::1111', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['2a00:1450:4001:80b::200e', 'public'],
    ['::', 'unspecified'],
    ['0:0:0:0:0:0:0:0', 'unspecified'],
    ['::1', 'loopback'],
    ['0000:0000:0000:0000:0000:0000:0000:0001', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['ff05::1:3', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2001::1', 'reserved'],
    ['100::1', 'reserved'],
    ['::127.0.0.1', 'reserved'],
    ['[::1]', 'loopback'],
  ])('IPv6 %s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::FFFF:10.1.2.3', 'private'],
    ['0:0:0:0:0:ffff:192.168.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:100.64.0.1', 'cgnat'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::8.8.8.8', 'public'],
    ['64:ff9b:1::1', 'private'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    ['2002:808:808::1', 'public'],
  ])('IPv4 embedded in IPv6 %s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each([
    '',
    'localhost',
    'example.com',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.2.3.4x',
    '1::2::3',
    ':::',
    '12345::',
    'g::1',
    '1:2:3:4:5:6:7:8:9',
    '::1.2.3.4:5',
  ])('%p is invalid', (address) => {
    expect(classifyAddress(address)).toBe('invalid');
    expect(isPublicAddress(address)).toBe(false);
  });

  it('only public addresses are allowed', () => {
    expect(isPublicAddress('8.8.8.8')).toBe(true);
    expect(isPublicAddress('2606:4700:4700::1111')).toBe(true);
    expect(isPublicAddress('127.0.0.1')).toBe(false);
    expect(isPublicAddress('::ffff:127.0.0.1')).toBe(false);
  });
});

describe('parseIPv6', () => {
  it('expands :: and embedded dotted quads', () => {
    expect(parseIPv6('1::8')).toEqual([1, 0, 0, 0, 0, 0, 0, 8]);
    expect(parseIPv6('::')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6('1:2:3:4:5:6:7::')).toEqual([1, 2, 3, 4, 5, 6, 7, 0]);
    expect(parseIPv6('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]);
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('rejects malformed text', () => {
    expect(parseIPv6('1:2:3:4:5:6:7')).toBeNull();
    expect(parseIPv6('1:2:3:4:5:6:7:8::')).toBeNull();
    expect(parseIPv6('1.2.3.4::')).toBeNull();
  });
});

describe('checkWebhookUrl', () => {
  it('accepts http(s) URLs with public IPs or host names (names are checked at connect time)', () => {
    const checked = checkWebhookUrl('https://user:p%40ss@hooks.example.com:8443/a?b=1', false);
    expect(checked).toMatchObject({ secure: true, hostname: 'hooks.example.com', auth: 'user:p@ss' });
    expect(checkWebhookUrl('http://8.8.8.8/x', false)).toMatchObject({ secure: false, hostname: '8.8.8.8' });
    expect(checkWebhookUrl('http://[2606:4700::1111]/x', false)).toMatchObject({ hostname: '2606:4700::1111' });
    expect(checkWebhookUrl('http://localhost:3000/x', false)).toMatchObject({ hostname: 'localhost' });
    expect(checkWebhookUrl('http://example.com/x', false)).not.toHaveProperty('auth');
  });

  it.each([
    'http://127.0.0.1:3000/x',
    'http://10.1.2.3/x',
    'http://[::1]/x',
    'http://[::ffff:192.168.0.1]/x',
    'http://169.254.169.254/latest',
  ])('refuses the non-public IP literal %s', (url) => {
    const checked = checkWebhookUrl(url, false);
    expect('error' in checked && checked.error).toBeInstanceOf(AddressRefusedError);
  });

  it('allows non-public IP literals when the operator does', () => {
    expect(checkWebhookUrl('http://127.0.0.1:3000/x', true)).toMatchObject({ hostname: '127.0.0.1' });
    expect(checkWebhookUrl('http://[::1]:3000/x', true)).toMatchObject({ hostname: '::1' });
  });

  it.each([
    'not a url',
    '',
    'ftp://example.com/x',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'http://a%zz@example.com/',
  ])('rejects %p as an invalid URL', (url) => {
    const checked = checkWebhookUrl(url, true);
    expect('error' in checked && checked.error).toBeInstanceOf(InvalidWebhookUrlError);
  });
});
