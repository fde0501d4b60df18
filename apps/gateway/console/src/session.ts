/**
 * Where the operator token lives while the tab is open: sessionStorage (gone when the tab closes,
 * never sent anywhere by the browser on its own), or memory alone when storage is refused.
 * Never in a URL, a cookie or localStorage.
 */
const KEY = 'verigate.operatorToken';

export interface TokenStore {
  get(): string | null;
  set(token: string): void;
  clear(): void;
}

export function tokenStore(storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null): TokenStore {
  let memory: string | null = null;
  const safely = <T>(action: () => T, fallback: T): T => {
    try {
      return storage ? action() : fallback;
    } catch {
      return fallback; // storage disabled (private mode, policy): memory only
    }
  };
  return {
    get: () => memory ?? safely(() => storage!.getItem(KEY), null),
    set(token) {
      memory = token;
      safely(() => storage!.setItem(KEY, token), undefined);
    },
    clear() {
      memory = null;
      safely(() => storage!.removeItem(KEY), undefined);
    },
  };
}
