import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built widget (`npm run build:widget` writes it; committed, so the gateway needs no build step for it). */
function readAsset(name: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // From apps/gateway/src/captcha (tests) or dist/apps/gateway/src/captcha (built).
  for (const dir of [
    join(here, '..', '..', 'public'),
    join(here, '..', '..', '..', '..', '..', 'apps', 'gateway', 'public'),
  ]) {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch {
      // try the next place
    }
  }
  throw new Error(`widget asset ${name} not found`);
}

/** Serves the captcha widget and a demo page that uses it. */
@Controller()
export class WidgetController {
  private readonly widget = readAsset('captcha-widget.js');
  private readonly demo = readAsset('captcha-demo.html');

  @Get('captcha/widget.js')
  script(@Res({ passthrough: true }) reply: FastifyReply): string {
    reply.header('content-type', 'application/javascript; charset=utf-8');
    reply.header('cache-control', 'public, max-age=300');
    return this.widget;
  }

  @Get('demo/captcha')
  page(@Res({ passthrough: true }) reply: FastifyReply): string {
    reply.header('content-type', 'text/html; charset=utf-8');
    return this.demo;
  }
}
