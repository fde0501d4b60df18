/**
 * Pages are addressed by the URL's fragment (`#/calls/<sessionId>`): the gateway serves one
 * document at /console, and nothing after `#` ever reaches a server or its logs.
 */
export type Route =
  | { page: 'overview' }
  | { page: 'apps' }
  | { page: 'app'; appKey: string }
  | { page: 'calls' }
  | { page: 'call'; sessionId: string }
  | { page: 'sms' }
  | { page: 'message'; messageId: string }
  | { page: 'cdrs' }
  | { page: 'lists' }
  | { page: 'audit' }
  | { page: 'captcha' };

const SIMPLE = ['overview', 'apps', 'calls', 'sms', 'cdrs', 'lists', 'audit', 'captcha'] as const;

export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p !== '')
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  const [first, second] = parts;
  if (first === 'apps' && second) return { page: 'app', appKey: second };
  if (first === 'calls' && second) return { page: 'call', sessionId: second };
  if (first === 'sms' && second) return { page: 'message', messageId: second };
  const simple = SIMPLE.find((page) => page === first);
  return simple ? ({ page: simple } as Route) : { page: 'overview' };
}

export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'app':
      return `#/apps/${encodeURIComponent(route.appKey)}`;
    case 'call':
      return `#/calls/${encodeURIComponent(route.sessionId)}`;
    case 'message':
      return `#/sms/${encodeURIComponent(route.messageId)}`;
    default:
      return `#/${route.page}`;
  }
}

/** The navigation's entry a route belongs to (a call's page is under Calls). */
export function sectionOf(route: Route): Route['page'] {
  return route.page === 'app'
    ? 'apps'
    : route.page === 'call'
      ? 'calls'
      : route.page === 'message'
        ? 'sms'
        : route.page;
}
