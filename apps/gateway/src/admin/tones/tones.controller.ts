import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UseFilters,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Audited } from '../audit/audited.decorator.js';
import { AuditInterceptor } from '../audit/audit.interceptor.js';
import { AdminExceptionFilter } from '../../http/admin-exception.filter.js';
import { AdminError } from '../../http/rest-error.js';
import { adminValidate } from '../admin-schema.js';
import { toneUploadQuery } from './tones.schema.js';
import { OperatorTokenGuard } from '../operator-token.guard.js';
import { PendingUpload } from '../../http/pending-upload.js';
import { TonesService } from './tones.service.js';
import { MAX_TONE_BYTES, parseWav } from './wav.js';

/** Tone files: uploaded as `audio/wav`, validated, `pending` until an operator approves them. */
@Controller('admin/v1/apps/:appKey/tones')
@UseGuards(OperatorTokenGuard)
@UseFilters(AdminExceptionFilter)
@UseInterceptors(AuditInterceptor)
export class TonesController {
  constructor(private readonly tones: TonesService) {}

  @Post()
  @HttpCode(201)
  // The file itself never reaches the audit log: its digest, size and format do.
  @Audited<
    | { name?: string; sha256?: string; sizeBytes?: number; encoding?: string; durationMs?: number; status?: string }
    | undefined
  >(
    'tone.upload',
    (_req, result) => result?.name,
    (_req, result, defaults) => ({
      ...defaults,
      sha256: result?.sha256,
      sizeBytes: result?.sizeBytes,
      encoding: result?.encoding,
      durationMs: result?.durationMs,
      status: result?.status,
    }),
  )
  async upload(@Param('appKey') appKey: string, @Query('name') name: string | undefined, @Body() upload: unknown) {
    adminValidate(toneUploadQuery, { name });
    // The body is read only now, after OperatorTokenGuard (see http/fastify-setup.ts).
    if (!(upload instanceof PendingUpload))
      throw new AdminError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the WAV file as the body with Content-Type: audio/wav');
    const body = await upload.read(MAX_TONE_BYTES);
    if (!body) throw new AdminError(413, 'TONE_TOO_LARGE', `tone files are limited to ${MAX_TONE_BYTES} bytes`);
    const wav = parseWav(body);
    if (!wav.ok) throw new AdminError(400, 'INVALID_TONE', wav.reason);
    return this.tones.store(appKey, name!, body, wav.format);
  }

  @Get()
  list(@Param('appKey') appKey: string) {
    return this.tones.list(appKey);
  }

  /** The file itself (audio/wav), to listen to before approving; reading it changes nothing, so not audited. */
  @Get(':name/audio')
  async audio(
    @Param('appKey') appKey: string,
    @Param('name') name: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const content = await this.tones.content(appKey, name);
    reply.header('content-type', 'audio/wav').header('cache-control', 'no-store');
    return content;
  }

  @Post(':name/approve')
  @HttpCode(200)
  @Audited('tone.approve', (req) => req.params.name)
  approve(@Param('appKey') appKey: string, @Param('name') name: string) {
    return this.tones.review(appKey, name, 'approved');
  }

  @Post(':name/reject')
  @HttpCode(200)
  @Audited('tone.reject', (req) => req.params.name)
  reject(@Param('appKey') appKey: string, @Param('name') name: string) {
    return this.tones.review(appKey, name, 'rejected');
  }
}
