import type { ReactNode } from 'react';
import { useSession } from '../context.js';
import { hrefOf, sectionOf, type Route } from '../routes.js';

const SECTIONS: Array<{ route: Route; label: string }> = [
  { route: { page: 'overview' }, label: 'Overview' },
  { route: { page: 'apps' }, label: 'Apps' },
  { route: { page: 'calls' }, label: 'Calls' },
  { route: { page: 'sms' }, label: 'SMS' },
  { route: { page: 'cdrs' }, label: 'CDRs' },
  { route: { page: 'lists' }, label: 'Lists & IP rules' },
  { route: { page: 'audit' }, label: 'Audit log' },
  { route: { page: 'captcha' }, label: 'Captcha preview' },
];

export function Layout({ route, children }: { route: Route; children: ReactNode }) {
  const { signOut } = useSession();
  const current = sectionOf(route);
  return (
    <>
      <a className="skip" href="#content">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Verigate</span>
        <nav aria-label="Console">
          <ul>
            {SECTIONS.map(({ route: target, label }) => (
              <li key={label}>
                <a href={hrefOf(target)} aria-current={target.page === current ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" className="quiet" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <main id="content" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
