import { StreamableFile } from '@nestjs/common';
import { pipeline, type Transform } from 'node:stream';
import { nextBefore, type RowCursor } from '#libs/persistence';

/** `nextBefore` of a page (from the repositories' keyset paging), for the listings' answers. */
export { nextBefore };
import type { JsonLogger } from '#libs/runtime';
import * as z from 'zod';
import { adminValidate, listFormatField } from './admin-schema.js';

const formatQuery = z.object({ format: listFormatField });

/** `format` of a listing: json (default) or csv. */
export function listFormat(format: string | undefined): 'json' | 'csv' {
  return adminValidate(formatQuery, { format }).format ?? 'json';
}

/** What an export's connection failing mid-way logs (the repository's cursor reports it here). */
export function exportConnectionError(logger: JsonLogger, what: string): (error: Error) => void {
  return (error) => logger.warn(`${what} export connection failed`, { error });
}

/**
 * Streams a CSV export from a repository's row cursor (see openRowCursor in libs/persistence):
 * rows are fetched as the client reads, so memory stays flat whatever the number of rows. The
 * cursor is closed when the export ends, fails or the client goes away mid-way. A client that
 * stops reading is cut off by the HTTP idle timeout, which closes the connection and so the cursor.
 */
export function csvExport(
  cursor: RowCursor,
  csv: Transform,
  logger: JsonLogger,
  export_: { filename: string; what: string },
): StreamableFile {
  pipeline(cursor.rows, csv, (error) => {
    void cursor.close(error).then((failure) => {
      if (failure && (failure as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE')
        logger.error(`${export_.what} export failed`, { error: failure });
    });
  });
  return new StreamableFile(csv, {
    type: 'text/csv; charset=utf-8',
    disposition: `attachment; filename="${export_.filename}"`,
  });
}
