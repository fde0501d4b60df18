import { createContext, useContext } from 'react';
import type { AdminApi } from './api.js';

/** The signed-in session: the management API with the operator token, and how to leave. */
export interface Session {
  api: AdminApi;
  signOut(reason?: string): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}
