import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ToneFileEntity, type ToneStatus } from '../entities/index.js';
import { preparedRows } from '../query-rows.js';

/**
 * tone_files: operators upload and review them (gateway); the voice worker reads an approved
 * file's digest and content by app key and name (prepared statements: they run per call when the
 * worker's tone cache misses).
 */
@Injectable()
export class ToneFilesRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(ToneFileEntity);
  }

  /** Stores the file under (app, name), replacing any earlier one; returns the stored row. */
  async upsert(values: Omit<ToneFileEntity, 'id' | 'createdAt'>): Promise<ToneFileEntity> {
    await this.repo.upsert(values, ['appId', 'name']);
    return this.repo.findOneByOrFail({ appId: values.appId, name: values.name });
  }

  /** The app's files, in name order. */
  ofApp(appId: string): Promise<ToneFileEntity[]> {
    return this.repo.find({ where: { appId }, order: { name: 'ASC' } });
  }

  /** Records a review; null when the app has no such file. */
  async review(appId: string, name: string, status: ToneStatus): Promise<ToneFileEntity | null> {
    const result = await this.repo.update({ appId, name }, { status, reviewedAt: new Date() });
    if (!result.affected) return null;
    return this.repo.findOneByOrFail({ appId, name });
  }

  /** The bytes of the app's file of that name, whatever its review (an operator listens before approving), or null. */
  async content(appId: string, name: string): Promise<Buffer | null> {
    const row = await this.repo.findOne({ where: { appId, name }, select: { id: true, content: true } });
    return row?.content ?? null;
  }

  /** The SHA-256 of the app's approved file of that name, or null. */
  async approvedDigest(appKey: string, name: string): Promise<string | null> {
    const [row] = await preparedRows<{ sha256: string }>(
      this.dataSource,
      `SELECT t.sha256 FROM tone_files t JOIN apps a ON a.id = t.app_id WHERE a.app_key = $1 AND t.name = $2 AND t.status = 'approved'`,
      [appKey, name],
    );
    return row?.sha256 ?? null;
  }

  /** The content of the app's approved file of that name, or null. */
  async approvedContent(appKey: string, name: string): Promise<Uint8Array | null> {
    const [row] = await preparedRows<{ content: Buffer }>(
      this.dataSource,
      `SELECT t.content FROM tone_files t JOIN apps a ON a.id = t.app_id WHERE a.app_key = $1 AND t.name = $2 AND t.status = 'approved'`,
      [appKey, name],
    );
    return row?.content ?? null;
  }
}
