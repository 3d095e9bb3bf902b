import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, normalize } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { resolveActor, sameOriginGuard } from './auth/middleware.ts';
import { publicUrl } from './config.ts';
import { AppError } from './errors.ts';
import { withSharePreview } from './frontend.ts';
import { createRouter, type AppDeps, type AppEnv } from './http.ts';
import { mailRoutes } from './mail/routes.ts';
import { enrollmentRoutes } from './modules/enrollment/routes.ts';
import { certificateRoutes } from './modules/certificates/routes.ts';
import { publicCertificateRoutes } from './modules/certificates/public.routes.ts';
import { certificateSharePreview } from './modules/certificates/public.ts';
import { cohortRoutes } from './modules/cohorts/routes.ts';
import { courseRoutes } from './modules/courses/routes.ts';
import { schedulingRoutes } from './modules/scheduling/routes.ts';
import { statsRoutes } from './modules/stats/routes.ts';
import { recordRoutes } from './modules/records/routes.ts';
import { systemRoutes } from './modules/system/routes.ts';
import { trainingRoutes } from './modules/training/routes.ts';
import { credentialsRoutes } from './modules/certificates/credentials.routes.ts';
import { authRoutes } from './modules/users/auth.routes.ts';
import { userRoutes } from './modules/users/users.routes.ts';

/**
 * The whole HTTP app: middleware, one error handler, one `route()` per module, the OpenAPI
 * document and docs page, and the built frontend. Listening is `server/index.ts`'s job, so
 * tests call `app.request()` with no port open.
 */
export function createApp(deps: AppDeps) {
  const api = createRouter();
  api.use('*', bodyLimit({ maxSize: 2 * 1024 * 1024, onError: () => { throw new AppError('payload_too_large', 'The request body is larger than 2 MB.'); } }));
  api.use('*', sameOriginGuard());
  api.use('*', resolveActor(deps));
  api.route('/', systemRoutes(deps));
  api.route('/', authRoutes(deps));
  api.route('/', userRoutes(deps));
  api.route('/', mailRoutes(deps));
  api.route('/', enrollmentRoutes(deps));
  api.route('/', cohortRoutes(deps));
  api.route('/', courseRoutes(deps));
  api.route('/', schedulingRoutes(deps));
  api.route('/', trainingRoutes(deps));
  api.route('/', certificateRoutes(deps));
  api.route('/', publicCertificateRoutes(deps));
  api.route('/', statsRoutes(deps));
  api.route('/', recordRoutes(deps));

  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Learning Platform API', version: '1', description: 'Sign in with the session cookie, or send `Authorization: Bearer <API key>` from integrations.' },
  });
  api.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer' });
  api.get('/docs', (c) => c.html(docsPage()));
  api.get('/docs/assets/:file', async (c) => {
    const file = c.req.param('file');
    if (!DOCS_ASSETS.has(file)) throw new AppError('not_found', 'No such file.');
    const body = await readFile(join(swaggerUiDir(), file));
    return c.body(body, 200, { 'content-type': file.endsWith('.css') ? 'text/css' : 'text/javascript', 'cache-control': 'public, max-age=86400' });
  });
  api.all('*', () => {
    throw new AppError('not_found', 'No such API endpoint.');
  });

  const app = new Hono<AppEnv>();
  app.onError((error, c) => {
    if (error instanceof AppError) {
      const headers: Record<string, string> = {};
      const retry = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
      if (error.code === 'rate_limited' && retry) headers['retry-after'] = String(retry);
      return c.json({ error: { code: error.code, message: error.message, ...(error.details !== undefined ? { details: error.details } : {}) } }, error.status, headers);
    }
    if (error instanceof HTTPException && error.status < 500) {
      // Hono's own 4xx, e.g. a body that is not JSON.
      return c.json({ error: { code: 'bad_request', message: error.message || 'Bad request.' } }, error.status);
    }
    deps.log.error('unhandled error', { method: c.req.method, path: c.req.path, error });
    return c.json({ error: { code: 'internal', message: 'Something went wrong on our side. It has been logged.' } }, 500);
  });
  app.route('/api', api);
  // Public keys of the organisation's credentials, before the single-page app's catch-all.
  app.route('/', credentialsRoutes(deps));

  if (deps.frontendDir && existsSync(join(deps.frontendDir, 'index.html'))) {
    const root = deps.frontendDir;
    const indexHtml = readFile(join(root, 'index.html'), 'utf8');
    app.use('/_app/immutable/*', async (c, next) => {
      await next();
      c.header('cache-control', 'public, max-age=31536000, immutable');
    });
    app.use('*', serveStatic({ root: normalize(root) }));
    // A verification page shared as a link previews as the certificate.
    app.get('/certificate/:publicId', async (c) => {
      const preview = await certificateSharePreview(deps.db, { publicId: c.req.param('publicId'), baseUrl: publicUrl(deps.config), now: deps.now() });
      return c.html(preview ? withSharePreview(await indexHtml, preview) : await indexHtml);
    });
    // Single-page app: every other path is the app shell, which routes in the browser.
    app.get('*', async (c) => c.html(await indexHtml));
  }
  return app;
}

const DOCS_ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js']);

function swaggerUiDir(): string {
  return createRequire(import.meta.url).resolve('swagger-ui-dist/package.json').replace(/package\.json$/, '');
}

function docsPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Learning Platform API</title><link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="docs"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#docs', deepLinking: true, withCredentials: true });</script>
</body></html>`;
}
