import { describe, expect, it } from '@jest/globals';
import { resolveClientIp, trustedProxyList } from './client-ip.js';

describe('client IP behind trusted proxies', () => {
  const trusted = trustedProxyList(['10.0.0.0/8', '192.168.1.5', 'fd00::/8']);

  it('uses the socket address when no proxy is trusted', () => {
    expect(resolveClientIp('203.0.113.9', '1.2.3.4', trustedProxyList([]))).toBe('203.0.113.9');
  });
  it('ignores X-Forwarded-For from an untrusted peer', () => {
    expect(resolveClientIp('203.0.113.9', '1.2.3.4', trusted)).toBe('203.0.113.9');
  });
  it('takes the right-most untrusted hop behind trusted proxies', () => {
    expect(resolveClientIp('10.1.2.3', '1.2.3.4, 198.51.100.7, 192.168.1.5', trusted)).toBe('198.51.100.7');
    expect(resolveClientIp('::ffff:10.1.2.3', '198.51.100.7', trusted)).toBe('198.51.100.7');
    expect(resolveClientIp('fd00::1', '2001:db8::5', trusted)).toBe('2001:db8::5');
  });
  it('falls back sensibly on missing or garbage headers', () => {
    expect(resolveClientIp('10.1.2.3', undefined, trusted)).toBe('10.1.2.3');
    expect(resolveClientIp('10.1.2.3', 'nonsense', trusted)).toBe('10.1.2.3');
    expect(resolveClientIp('10.1.2.3', '10.9.9.9', trusted)).toBe('10.9.9.9');
    expect(resolveClientIp('10.1.2.3', ['1.1.1.1', '198.51.100.7'], trusted)).toBe('198.51.100.7');
  });
});
