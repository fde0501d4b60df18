import { QueryCache, QueryClient, QueryClientProvider, MutationCache } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { AdminApi, ApiError } from './api.js';
import { SessionContext } from './context.js';
import { parseRoute, type Route } from './routes.js';
import { tokenStore } from './session.js';
import { Layout } from './components/Layout.js';
import { SignIn } from './pages/SignIn.js';
import { PageFor } from './pages/PageFor.js';

const store = tokenStore(typeof sessionStorage === 'undefined' ? null : sessionStorage);

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** The whole console: sign-in until a token is accepted, then the pages. */
export function Console() {
  const [token, setToken] = useState<string | null>(() => store.get());
  const [notice, setNotice] = useState<string | null>(null);
  const route = useRoute();

  const signOut = (reason?: string) => {
    store.clear();
    setToken(null);
    setNotice(reason ?? null);
  };
  // A token that stops working (rotated, wrong) sends the person back to sign-in, saying why.
  const client = useMemo(() => {
    const onError = (error: Error) => {
      if (error instanceof ApiError && error.status === 401) signOut(`${error.code}: ${error.message}`);
    };
    return new QueryClient({
      queryCache: new QueryCache({ onError }),
      mutationCache: new MutationCache({ onError }),
      defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } },
    });
  }, [token]);
  const session = useMemo(() => (token ? { api: new AdminApi(token), signOut } : null), [token]);

  if (!session)
    return (
      <SignIn
        notice={notice}
        onSignedIn={(accepted) => {
          store.set(accepted);
          setNotice(null);
          setToken(accepted);
        }}
      />
    );
  return (
    <QueryClientProvider client={client}>
      <SessionContext.Provider value={session}>
        <Layout route={route}>
          <PageFor route={route} />
        </Layout>
      </SessionContext.Provider>
    </QueryClientProvider>
  );
}
