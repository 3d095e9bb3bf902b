import { createRoute } from '@hono/zod-openapi';
import { actorOf, createRouter, errorResponses, jsonBody, jsonResponse, type AppDeps } from '../../http.ts';
import { checkHealth, healthSchema } from './health.ts';
import { getSettings, settingsDto, settingsUpdateInput, updateSettings } from './settings.ts';


export function systemRoutes(deps: AppDeps) {
  const router = createRouter();

  router.openapi(
    createRoute({ method: 'get', path: '/health', tags: ['System'], summary: 'Database, job queue and realtime status', responses: { 200: jsonResponse(healthSchema, 'All parts up'), 503: jsonResponse(healthSchema, 'A part is down') } }),
    async (c) => {
      const health = await checkHealth(deps);
      return health.status === 'ok' ? c.json(health, 200) : c.json(health, 503);
    },
  );

  router.openapi(
    createRoute({ method: 'get', path: '/settings', tags: ['System'], summary: 'Organisation settings', responses: { 200: jsonResponse(settingsDto, 'Settings'), ...errorResponses } }),
    async (c) => c.json(await getSettings(deps.db, { actor: actorOf(c) }), 200),
  );

  router.openapi(
    createRoute({ method: 'patch', path: '/settings', tags: ['System'], summary: 'Change organisation settings', request: jsonBody(settingsUpdateInput), responses: { 200: jsonResponse(settingsDto, 'Settings'), ...errorResponses } }),
    async (c) => {
      const changes = c.req.valid('json');
      const saved = await updateSettings(deps.db, { actor: actorOf(c), changes });
      // Daily jobs run at a time of day in the organisation's timezone.
      if (changes.organisationTimezone) await deps.jobs.refreshSchedules();
      return c.json(saved, 200);
    },
  );

  return router;
}
