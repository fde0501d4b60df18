import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdminError } from '../http/rest-error.js';

/**
 * The console may load only its own files and call this origin: no inline script or style
 * attribute, no eval, no other origin, no framing. Captcha images arrive as data: URLs, a tone to
 * listen to as a blob: URL (fetched with the operator token, which an <audio src> cannot send);
 * the captcha preview frames this gateway's own /demo/captcha.
 */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src blob:; frame-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The only files served under /console/assets/ (no path from the request ever reaches the file system). */
const ASSETS: Record<string, string> = {
  'console.js': 'application/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

/** apps/gateway/public/console, from the sources (tests) or from dist/ (built). */
function consoleDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, '..', '..', 'public', 'console'),
    join(here, '..', '..', '..', '..', '..', 'apps', 'gateway', 'public', 'console'),
  ];
  for (const dir of candidates) {
    try {
      readFileSync(join(dir, 'index.html'));
      return dir;
    } catch {
      // try the next place
    }
  }
  throw new Error('the operator console (apps/gateway/public/console) was not found');
}

/**
 * `/console`: the operator console, a single page bundled at build time (`npm run build:console`,
 * committed like the captcha widget), public like /docs: every figure it shows comes from
 * /admin/v1 with the operator token the person signs in with.
 */
@Controller('console')
export class ConsoleController {
  private readonly dir = consoleDir();
  private readonly cache = new Map<string, Buffer>();

  @Get()
  page(@Res({ passthrough: true }) reply: FastifyReply): Buffer {
    this.secure(reply).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache');
    return this.file('index.html');
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): Buffer {
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file]! : undefined;
    if (!type) throw new AdminError(404, 'NOT_FOUND', 'no such file');
    this.secure(reply).header('content-type', type).header('cache-control', 'no-cache');
    return this.file(file);
  }

  private secure(reply: FastifyReply): FastifyReply {
    return reply
      .header('content-security-policy', CONSOLE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer');
  }

  private file(name: string): Buffer {
    if (!this.cache.has(name)) this.cache.set(name, readFileSync(join(this.dir, name)));
    return this.cache.get(name)!;
  }
}
