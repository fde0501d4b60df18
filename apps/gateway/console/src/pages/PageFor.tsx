import type { Route } from '../routes.js';
import { AppPage } from './AppPage.js';
import { AppsPage } from './AppsPage.js';
import { AuditPage } from './AuditPage.js';
import { CallPage } from './CallPage.js';
import { CallsPage } from './CallsPage.js';
import { CaptchaPage } from './CaptchaPage.js';
import { CdrsPage } from './CdrsPage.js';
import { ListsPage } from './ListsPage.js';
import { MessagePage, SmsPage } from './SmsPages.js';
import { OverviewPage } from './OverviewPage.js';

export function PageFor({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview':
      return <OverviewPage />;
    case 'apps':
      return <AppsPage />;
    case 'app':
      return <AppPage appKey={route.appKey} />;
    case 'calls':
      return <CallsPage />;
    case 'call':
      return <CallPage sessionId={route.sessionId} />;
    case 'sms':
      return <SmsPage />;
    case 'message':
      return <MessagePage messageId={route.messageId} />;
    case 'cdrs':
      return <CdrsPage />;
    case 'lists':
      return <ListsPage />;
    case 'audit':
      return <AuditPage />;
    case 'captcha':
      return <CaptchaPage />;
  }
}
