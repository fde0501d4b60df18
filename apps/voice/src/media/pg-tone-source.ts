import type { ToneFilesRepository } from '#libs/persistence';
import type { ToneSource } from './tone-cache.js';

/** Approved tone files of an app, read from `tone_files` (where the management API stores them). */
export class PgToneSource implements ToneSource {
  constructor(private readonly toneFiles: ToneFilesRepository) {}

  digest(appKey: string, name: string): Promise<string | null> {
    return this.toneFiles.approvedDigest(appKey, name);
  }

  content(appKey: string, name: string): Promise<Uint8Array | null> {
    return this.toneFiles.approvedContent(appKey, name);
  }
}
