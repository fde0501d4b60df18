import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CallEventEntity } from '../entities/index.js';
import { READ_DATA_SOURCE } from '../read-data-source.js';

/**
 * call_events as operators read them. The voice worker records each event in the statement of
 * its step (CallSessionsRepository), so those writes stay there.
 */
@Injectable()
export class CallEventsRepository {
  constructor(@Inject(READ_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** A session's events in the order they happened. */
  ofSession(sessionId: string): Promise<CallEventEntity[]> {
    return this.dataSource.getRepository(CallEventEntity).find({ where: { sessionId }, order: { seq: 'ASC' } });
  }
}
