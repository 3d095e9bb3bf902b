import { createRoute } from '@hono/zod-openapi';
import { actorOf, createRouter, errorResponses, jsonBody, jsonResponse, type AppDeps } from '../../http.ts';
import { setCohortCourses } from './cohort-courses.ts';
import { cohortDashboard, myCohorts } from './dashboard.ts';
import {
  cohortCoursesInput,
  cohortDashboardSchema,
  cohortDetailSchema,
  cohortInput,
  cohortListQuery,
  cohortListSchema,
  cohortSchema,
  cohortUpdateInput,
  idParam,
  memberIdsInput,
  memberListQuery,
  memberListSchema,
  membersAddedSchema,
  membersRemovedSchema,
  myCohortsSchema,
} from './dto.ts';
import { addMembers, listMembers, removeMembers } from './membership.ts';
import { createCohort, getCohort, listCohorts, updateCohort } from './service.ts';

export function cohortRoutes(deps: AppDeps) {
  const router = createRouter();
  const tags = ['Cohorts'];

  router.openapi(
    createRoute({ method: 'get', path: '/cohorts', tags, summary: 'Cohorts I may see (all of them for staff)', request: { query: cohortListQuery }, responses: { 200: jsonResponse(cohortListSchema, 'A page of cohorts'), ...errorResponses } }),
    async (c) => c.json(await listCohorts(deps.db, { actor: actorOf(c), ...c.req.valid('query') }), 200),
  );
  router.openapi(
    createRoute({ method: 'post', path: '/cohorts', tags, summary: 'Create a cohort', request: jsonBody(cohortInput), responses: { 201: jsonResponse(cohortSchema, 'The new cohort'), ...errorResponses } }),
    async (c) => c.json(deps.relay.deliver(await createCohort(deps.db, { actor: actorOf(c), cohort: c.req.valid('json'), now: deps.now() })), 201),
  );
  router.openapi(
    createRoute({ method: 'get', path: '/cohorts/{id}', tags, summary: 'One cohort (with its first members for staff and runners)', request: { params: idParam }, responses: { 200: jsonResponse(cohortDetailSchema, 'The cohort'), ...errorResponses } }),
    async (c) => c.json(await getCohort(deps.db, { actor: actorOf(c), cohortId: c.req.valid('param').id }), 200),
  );
  router.openapi(
    createRoute({ method: 'patch', path: '/cohorts/{id}', tags, summary: 'Edit a cohort’s details', request: { params: idParam, ...jsonBody(cohortUpdateInput) }, responses: { 200: jsonResponse(cohortSchema, 'The cohort'), ...errorResponses } }),
    async (c) => {
      const result = await updateCohort(deps.db, { actor: actorOf(c), cohortId: c.req.valid('param').id, changes: c.req.valid('json'), now: deps.now() });
      return c.json(deps.relay.deliver(result), 200);
    },
  );
  router.openapi(
    createRoute({
      method: 'put',
      path: '/cohorts/{id}/courses',
      tags,
      summary: 'Set the cohort’s courses and their evaluators; new courses enrol every member',
      request: { params: idParam, ...jsonBody(cohortCoursesInput) },
      responses: { 200: jsonResponse(cohortSchema, 'The cohort'), ...errorResponses },
    }),
    async (c) => {
      const result = await setCohortCourses(deps.db, { actor: actorOf(c), cohortId: c.req.valid('param').id, courses: c.req.valid('json').courses, now: deps.now() });
      return c.json(deps.relay.deliver(result), 200);
    },
  );
  router.openapi(
    createRoute({ method: 'get', path: '/cohorts/{id}/members', tags, summary: 'The cohort’s members', request: { params: idParam, query: memberListQuery }, responses: { 200: jsonResponse(memberListSchema, 'A page of members'), ...errorResponses } }),
    async (c) => c.json(await listMembers(deps.db, { actor: actorOf(c), cohortId: c.req.valid('param').id, ...c.req.valid('query') }), 200),
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/cohorts/{id}/members',
      tags,
      summary: 'Add members; each is enrolled in every course of the cohort',
      request: { params: idParam, ...jsonBody(memberIdsInput) },
      responses: { 200: jsonResponse(membersAddedSchema, 'Who was added'), ...errorResponses },
    }),
    async (c) => {
      const result = await addMembers(deps.db, { actor: actorOf(c), cohortId: c.req.valid('param').id, userIds: c.req.valid('json').userIds, now: deps.now() });
      return c.json(deps.relay.deliver(result), 200);
    },
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/cohorts/{id}/members/remove',
      tags,
      summary: 'Remove members; their enrollments and progress stay',
      request: { params: idParam, ...jsonBody(memberIdsInput) },
      responses: { 200: jsonResponse(membersRemovedSchema, 'Who was removed'), ...errorResponses },
    }),
    async (c) => {
      const result = await removeMembers(deps.db, { actor: actorOf(c), cohortId: c.req.valid('param').id, userIds: c.req.valid('json').userIds, now: deps.now() });
      return c.json(deps.relay.deliver(result), 200);
    },
  );
  router.openapi(
    createRoute({ method: 'get', path: '/cohorts/{id}/dashboard', tags, summary: 'Every member’s progress in every course', request: { params: idParam }, responses: { 200: jsonResponse(cohortDashboardSchema, 'The dashboard'), ...errorResponses } }),
    async (c) => c.json(await cohortDashboard(deps.db, { actor: actorOf(c), cohortId: c.req.valid('param').id }), 200),
  );
  router.openapi(
    createRoute({ method: 'get', path: '/me/cohorts', tags, summary: 'My cohorts with my progress', responses: { 200: jsonResponse(myCohortsSchema, 'My cohorts'), ...errorResponses } }),
    async (c) => c.json(await myCohorts(deps.db, { actor: actorOf(c) }), 200),
  );

  return router;
}
