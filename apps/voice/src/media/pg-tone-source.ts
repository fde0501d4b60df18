import type { DataSource } from 'typeorm';
import { preparedRows } from '#libs/persistence';
import type { ToneSource } from './tone-cache.js';

/** Approved tone files of an app, read from `tone_files` (where the management API stores them). */
export class PgToneSource implements ToneSource {
  constructor(private readonly dataSource: DataSource) {}

  async digest(appKey: string, name: string): Promise<string | null> {
    const [row] = await preparedRows<{ sha256: string }>(
      this.dataSource,
      `SELECT t.sha256 FROM tone_files t JOIN apps a ON a.id = t.app_id WHERE a.app_key = $1 AND t.name = $2 AND t.status = 'approved'`,
      [appKey, name],
    );
    return row?.sha256 ?? null;
  }

  async content(appKey: string, name: string): Promise<Uint8Array | null> {
    const [row] = await preparedRows<{ content: Buffer }>(
      this.dataSource,
      `SELECT t.content FROM tone_files t JOIN apps a ON a.id = t.app_id WHERE a.app_key = $1 AND t.name = $2 AND t.status = 'approved'`,
      [appKey, name],
    );
    return row?.content ?? null;
  }
}
