import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { stream } from 'hono/streaming';
import { z } from 'zod';
import { actorOf, createRouter, errorResponses, jsonResponse, type AppDeps, type AppEnv } from '../../http.ts';
import { auditTrail } from './audit-trail.ts';
import { courseDashboard } from './course-dashboard.ts';
import { auditPageSchema, auditQuery, courseDashboardQuery, courseDashboardSchema, courseIdParam, enrollmentExportQuery, quizSubmissionExportQuery, statsOverviewSchema } from './dto.ts';
import { exportEnrollmentsCsv, exportQuizSubmissionsCsv } from './exports.ts';
import { statsOverview } from './overview.ts';

const csvResponse = (description: string) => ({ 200: { description, content: { 'text/csv': { schema: z.string() } } }, ...errorResponses });

/**
 * Streams CSV chunks as a download. Each write waits for the client to take the previous chunk,
 * so a slow reader slows the cursor instead of filling memory; when the client goes away the loop
 * ends, which closes the cursor. A failure after the first byte can only cut the file short: it
 * is logged (a client that left is not a failure).
 */
function csvDownload(deps: AppDeps, c: Context<AppEnv>, filename: string, chunks: AsyncGenerator<string>) {
  c.header('content-type', 'text/csv; charset=utf-8');
  c.header('content-disposition', `attachment; filename="${filename}"`);
  c.header('cache-control', 'no-store');
  return stream(
    c,
    async (out) => {
      for await (const chunk of chunks) {
        if (out.aborted) break;
        await out.write(chunk);
      }
    },
    async (error, out) => {
      if (!out.aborted) deps.log.error('CSV export failed part-way', { filename, error });
    },
  );
}

export function statsRoutes(deps: AppDeps) {
  const router = createRouter();
  const tags = ['Statistics'];

  router.openapi(
    createRoute({ method: 'get', path: '/stats/overview', tags, summary: 'Statistics snapshot: compliance, weekly activity, quiz scores, evaluations, progress (staff)', responses: { 200: jsonResponse(statsOverviewSchema, 'The figures now'), ...errorResponses } }),
    async (c) => c.json(await statsOverview(deps.db, { actor: actorOf(c), now: deps.now() }), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/courses/{courseId}/dashboard',
      tags,
      summary: 'A course’s learners: progress, best quiz scores, last activity, who is stuck (owner, co-instructors, staff)',
      request: { params: courseIdParam, query: courseDashboardQuery },
      responses: { 200: jsonResponse(courseDashboardSchema, 'The dashboard'), ...errorResponses },
    }),
    async (c) => c.json(await courseDashboard(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').courseId, stuckDays: c.req.valid('query').stuckDays, now: deps.now() }), 200),
  );

  router.openapi(
    createRoute({ method: 'get', path: '/stats/exports/enrollments.csv', tags, summary: 'Export enrollments as CSV, streamed (staff, or an API key with reports:read)', security: [{ apiKey: [] }], request: { query: enrollmentExportQuery }, responses: csvResponse('CSV, one enrollment per line') }),
    async (c) => csvDownload(deps, c, 'enrollments.csv', exportEnrollmentsCsv(deps.db, { actor: actorOf(c), ...c.req.valid('query') })) as never,
  );

  router.openapi(
    createRoute({ method: 'get', path: '/stats/exports/quiz-submissions.csv', tags, summary: 'Export submitted quiz attempts as CSV, streamed (staff, or an API key with reports:read)', security: [{ apiKey: [] }], request: { query: quizSubmissionExportQuery }, responses: csvResponse('CSV, one submission per line') }),
    async (c) => csvDownload(deps, c, 'quiz-submissions.csv', exportQuizSubmissionsCsv(deps.db, { actor: actorOf(c), ...c.req.valid('query') })) as never,
  );

  router.openapi(
    createRoute({ method: 'get', path: '/audit', tags: ['System'], summary: 'The audit trail, newest first (staff); keyset pages through `nextCursor`', request: { query: auditQuery }, responses: { 200: jsonResponse(auditPageSchema, 'A page of audit events'), ...errorResponses } }),
    async (c) => c.json(await auditTrail(deps.db, { actor: actorOf(c), ...c.req.valid('query') }), 200),
  );

  return router;
}
