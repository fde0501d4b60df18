import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AdminError } from '../http/rest-error.js';
import { openApiDocument } from './openapi.js';

/**
 * The page may load only its own files: Swagger UI sets inline styles (hence 'unsafe-inline' for
 * styles only) and draws some icons as data: images; no inline script, no eval, no other origin,
 * no framing. "Try it out" calls this same origin (connect-src 'self').
 */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SWAGGER_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** The only files served under /docs/assets/ (no path from the request ever reaches the file system). */
const ASSETS: Record<string, { type: string; body: () => Buffer | string }> = {
  'swagger-ui.css': { type: 'text/css; charset=utf-8', body: () => readFileSync(join(SWAGGER_DIR, 'swagger-ui.css')) },
  'swagger-ui-bundle.js': {
    type: 'application/javascript; charset=utf-8',
    body: () => readFileSync(join(SWAGGER_DIR, 'swagger-ui-bundle.js')),
  },
  'favicon-32x32.png': { type: 'image/png', body: () => readFileSync(join(SWAGGER_DIR, 'favicon-32x32.png')) },
  // Our own initialiser: an external script, so the CSP needs no inline script.
  'init.js': {
    type: 'application/javascript; charset=utf-8',
    body: () =>
      "window.ui = SwaggerUIBundle({ url: '/docs/openapi.json', dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null });\n",
  },
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Verigate API</title>
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
`;

/** `/docs` (Swagger UI), `/docs/openapi.json` and the UI's files; public, like the API it describes. */
@Controller('docs')
export class DocsController {
  private readonly cache = new Map<string, Buffer | string>();

  @Get()
  page(@Res({ passthrough: true }) reply: FastifyReply): string {
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', DOCS_CSP)
      .header('x-content-type-options', 'nosniff');
    return PAGE;
  }

  @Get('openapi.json')
  document(@Res({ passthrough: true }) reply: FastifyReply): unknown {
    reply.header('content-type', 'application/json; charset=utf-8').header('access-control-allow-origin', '*');
    return openApiDocument();
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): Buffer | string {
    const asset = Object.hasOwn(ASSETS, file) ? ASSETS[file]! : undefined;
    if (!asset) throw new AdminError(404, 'NOT_FOUND', 'no such file');
    if (!this.cache.has(file)) this.cache.set(file, asset.body());
    reply
      .header('content-type', asset.type)
      .header('cache-control', 'public, max-age=3600')
      .header('x-content-type-options', 'nosniff');
    return this.cache.get(file)!;
  }
}
