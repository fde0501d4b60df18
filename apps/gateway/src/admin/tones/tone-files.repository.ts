import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ToneFileEntity, type ToneStatus } from '#libs/persistence';

/**
 * tone_files as operators manage them (upload, review). The voice worker reads an approved
 * file's content on its own (apps/voice/src/media/pg-tone-source.ts).
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
}
