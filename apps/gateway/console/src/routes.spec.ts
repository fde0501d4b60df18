import { describe, expect, it } from '@jest/globals';
import { hrefOf, parseRoute, sectionOf, type Route } from './routes.js';

describe('console routes', () => {
  it('reads the page and its id from the fragment', () => {
    expect(parseRoute('#/calls/abc-123')).toEqual({ page: 'call', sessionId: 'abc-123' });
    expect(parseRoute('#/apps/K%2F1')).toEqual({ page: 'app', appKey: 'K/1' });
    expect(parseRoute('#/sms/m1')).toEqual({ page: 'message', messageId: 'm1' });
    expect(parseRoute('#/audit')).toEqual({ page: 'audit' });
  });

  it('opens the overview for an empty or unknown fragment', () => {
    expect(parseRoute('')).toEqual({ page: 'overview' });
    expect(parseRoute('#/nothing-here')).toEqual({ page: 'overview' });
    expect(parseRoute('#/%E0%A4%A')).toEqual({ page: 'overview' });
  });

  it('writes a link that reads back as the same route', () => {
    const routes: Route[] = [
      { page: 'app', appKey: 'a b/c' },
      { page: 'call', sessionId: 's#1' },
      { page: 'message', messageId: 'm?1' },
      { page: 'cdrs' },
      { page: 'captcha' },
    ];
    for (const route of routes) expect(parseRoute(hrefOf(route))).toEqual(route);
  });

  it('puts a record page under its section', () => {
    expect(sectionOf({ page: 'call', sessionId: 'x' })).toBe('calls');
    expect(sectionOf({ page: 'app', appKey: 'x' })).toBe('apps');
    expect(sectionOf({ page: 'message', messageId: 'x' })).toBe('sms');
    expect(sectionOf({ page: 'audit' })).toBe('audit');
  });
});
