import { createRoute } from '@hono/zod-openapi';
import { actorOf, createRouter, errorResponses, jsonBody, jsonResponse, type AppDeps } from '../../http.ts';
import { importEnrollments } from './csv.ts';
import { enrollmentListQuery, enrollmentListSchema, enrollmentSchema, idParam, importInput, importResultSchema, staffEnrolInput, staffEnrolResultSchema } from './dto.ts';
import { getEnrollment, listCourseEnrollments, removeEnrollment, staffEnrol } from './enrollments.ts';

/** What staff do with enrollments: see a course's learners, enrol, import, remove. */
export function staffEnrollmentRoutes(deps: AppDeps) {
  const router = createRouter();
  const tags = ['Enrollments'];

  router.openapi(
    createRoute({
      method: 'get',
      path: '/courses/{id}/enrollments',
      tags,
      summary: 'A course’s learners and their progress',
      request: { params: idParam, query: enrollmentListQuery },
      responses: { 200: jsonResponse(enrollmentListSchema, 'A page of enrollments'), ...errorResponses },
    }),
    async (c) => c.json(await listCourseEnrollments(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').id, ...c.req.valid('query') }), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/courses/{id}/enrollments',
      tags,
      summary: 'Enrol learners, with a result per learner',
      request: { params: idParam, ...jsonBody(staffEnrolInput) },
      responses: { 200: jsonResponse(staffEnrolResultSchema, 'One result per learner'), ...errorResponses },
    }),
    async (c) => {
      const result = await staffEnrol(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').id, ...c.req.valid('json'), now: deps.now() });
      return c.json(deps.relay.deliver(result), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/courses/{id}/enrollments/import',
      tags,
      summary: 'Enrol the people a CSV lists (header row with an email column), with a result per row',
      request: { params: idParam, ...jsonBody(importInput) },
      responses: { 200: jsonResponse(importResultSchema, 'One result per row, and counts'), ...errorResponses },
    }),
    async (c) => {
      const result = await importEnrollments(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').id, csv: c.req.valid('json').csv, now: deps.now() });
      return c.json(deps.relay.deliver(result), 200);
    },
  );

  router.openapi(
    createRoute({ method: 'get', path: '/enrollments/{id}', tags, summary: 'One enrollment (its learner, the course’s runners, staff)', request: { params: idParam }, responses: { 200: jsonResponse(enrollmentSchema, 'The enrollment'), ...errorResponses } }),
    async (c) => c.json(await getEnrollment(deps.db, { actor: actorOf(c), enrollmentId: c.req.valid('param').id }), 200),
  );

  router.openapi(
    createRoute({ method: 'delete', path: '/enrollments/{id}', tags, summary: 'Remove a learner’s access (history kept; enrolling again reactivates it)', request: { params: idParam }, responses: { 200: jsonResponse(enrollmentSchema, 'The removed enrollment'), ...errorResponses } }),
    async (c) => c.json(deps.relay.deliver(await removeEnrollment(deps.db, { actor: actorOf(c), enrollmentId: c.req.valid('param').id, now: deps.now() })), 200),
  );

  return router;
}
