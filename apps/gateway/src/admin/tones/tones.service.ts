import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ToneFilesRepository, type ToneFileEntity, type ToneStatus } from '#libs/persistence';
import { AppDirectory } from '../../directory/app-directory.service.js';
import { notFound } from '../admin-schema.js';
import { AppsAdminService } from '../apps/apps-admin.service.js';
import type { WavFormat } from './wav.js';

/** What an operator sees of a tone file (never its content). */
export function toneView(t: ToneFileEntity) {
  return {
    name: t.name,
    status: t.status,
    encoding: t.encoding,
    sampleRate: t.sampleRate,
    channels: t.channels,
    durationMs: t.durationMs,
    sizeBytes: t.sizeBytes,
    sha256: t.sha256,
    createdAt: t.createdAt,
    reviewedAt: t.reviewedAt,
  };
}

/** Tone files of an app: store a validated upload (back to review), list, approve or reject. */
@Injectable()
export class TonesService {
  constructor(
    private readonly tones: ToneFilesRepository,
    private readonly apps: AppsAdminService,
    private readonly directory: AppDirectory,
  ) {}

  async store(appKey: string, name: string, body: Buffer, format: WavFormat) {
    const app = await this.apps.entity(appKey);
    // Re-uploading a name replaces the file and sends it back to review.
    const stored = await this.tones.upsert({
      appId: app.id,
      name,
      status: 'pending' as ToneStatus,
      encoding: format.encoding,
      sampleRate: format.sampleRate,
      channels: format.channels,
      durationMs: format.durationMs,
      sizeBytes: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
      content: body,
      reviewedAt: null,
    });
    this.directory.invalidate(appKey);
    return toneView(stored);
  }

  async list(appKey: string) {
    const app = await this.apps.entity(appKey);
    return (await this.tones.ofApp(app.id)).map(toneView);
  }

  /** The WAV file as uploaded (the console plays it before the operator approves it). */
  async content(appKey: string, name: string): Promise<Buffer> {
    const app = await this.apps.entity(appKey);
    const content = await this.tones.content(app.id, name);
    if (!content) throw notFound(`tone ${name}`);
    return content;
  }

  async review(appKey: string, name: string, status: ToneStatus) {
    const app = await this.apps.entity(appKey);
    const reviewed = await this.tones.review(app.id, name, status);
    if (!reviewed) throw notFound(`tone ${name}`);
    this.directory.invalidate(appKey);
    return toneView(reviewed);
  }
}
