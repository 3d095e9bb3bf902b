import { Readable } from 'node:stream';
import { createRoute } from '@hono/zod-openapi';
import { publicUrl } from '../../config.ts';
import { actorOf, createRouter, errorResponses, type AppDeps } from '../../http.ts';
import { download, idParam } from './dto.ts';
import { openEvidencePack } from './evidence-pack.ts';
import { courseQuizReportPdf, quizSubmissionReportPdf } from './quiz-reports.ts';

const pdfHeaders = (fileName: string) => ({
  'content-type': 'application/pdf',
  'content-disposition': `attachment; filename="${fileName}"`,
  'cache-control': 'private, no-store',
});

/** HR files: quiz report PDFs and the per-employee evidence pack. */
export function recordRoutes(deps: AppDeps) {
  const router = createRouter();
  const tags = ['HR files'];
  const security = [{ apiKey: [] }];

  router.openapi(
    createRoute({
      method: 'get',
      path: '/quiz-submissions/{id}/report.pdf',
      tags,
      security,
      summary: 'Quiz Submission Report PDF of a submitted attempt (its learner, the course’s owner and instructors, staff, or an API key with reports:read); 409 while the attempt is open',
      request: { params: idParam },
      responses: { 200: download('application/pdf', 'PDF, as a download'), ...errorResponses },
    }),
    async (c) => {
      const { pdf, fileName } = await quizSubmissionReportPdf(deps.db, { actor: actorOf(c), submissionId: c.req.valid('param').id });
      return c.body(new Uint8Array(pdf), 200, pdfHeaders(fileName)) as never;
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/enrollments/{id}/quiz-report.pdf',
      tags,
      security,
      summary: 'Consolidated Course Quiz PDF of an enrollment: every submitted attempt (same audience as a submission report)',
      request: { params: idParam },
      responses: { 200: download('application/pdf', 'PDF, as a download'), ...errorResponses },
    }),
    async (c) => {
      const { pdf, fileName } = await courseQuizReportPdf(deps.db, { actor: actorOf(c), enrollmentId: c.req.valid('param').id, now: deps.now() });
      return c.body(new Uint8Array(pdf), 200, pdfHeaders(fileName)) as never;
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/users/{id}/evidence-pack.zip',
      tags,
      security,
      summary: 'One employee’s evidence pack, streamed: certificate PDFs, quiz reports, training-assignments.csv and summary.csv (staff, or an API key with reports:read)',
      request: { params: idParam },
      responses: { 200: download('application/zip', 'Zip archive, as a download'), ...errorResponses },
    }),
    async (c) => {
      const pack = await openEvidencePack(deps.db, { actor: actorOf(c), userId: c.req.valid('param').id, baseUrl: publicUrl(deps.config), now: deps.now() });
      // The headers are gone by the time a PDF could fail: the client sees a cut download, and we log why.
      pack.body.on('error', (error) => deps.log.error('evidence pack failed while streaming', { userId: c.req.valid('param').id, error }));
      return c.body(Readable.toWeb(pack.body) as ReadableStream<Uint8Array>, 200, {
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename="${pack.fileName}"`,
        'cache-control': 'private, no-store',
        'x-evidence-files': String(pack.entries.length),
      }) as never;
    },
  );

  return router;
}
