import { Injectable } from '@nestjs/common';
import {
  CallEventsRepository,
  CallSessionsRepository,
  CdrsRepository,
  type CdrFilter,
  type RowCursor,
} from '#libs/persistence';

/** What operators read of calls: a session with its events and CDR, CDR pages and exports. */
@Injectable()
export class CallRecordsService {
  constructor(
    private readonly sessions: CallSessionsRepository,
    private readonly events: CallEventsRepository,
    private readonly cdrs: CdrsRepository,
  ) {}

  /** A session with its events (in order) and its CDR; null when there is no such session. */
  async call(sessionId: string) {
    const session = await this.sessions.find(sessionId);
    if (!session) return null;
    const events = await this.events.ofSession(sessionId);
    const cdr = await this.cdrs.ofSession(sessionId);
    return { session, events, cdr };
  }

  cdrPage(filter: CdrFilter, before: string | undefined, take: number) {
    return this.cdrs.page(filter, before, take);
  }

  cdrExport(
    filter: CdrFilter,
    options: { timeoutSeconds: number; onConnectionError: (error: Error) => void },
  ): Promise<RowCursor> {
    return this.cdrs.exportCursor(filter, options);
  }
}
