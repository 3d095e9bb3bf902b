import { createRoute } from '@hono/zod-openapi';
import { stream } from 'hono/streaming';
import { z } from 'zod';
import { actorOf, createRouter, errorResponses, jsonBody, jsonResponse, type AppDeps } from '../../http.ts';
import { createAssignment, listAssignments, myAssignments, updateAssignmentDueDate } from './assignments.ts';
import { bulkAssign } from './bulk.ts';
import {
  assignmentListQuery,
  assignmentListSchema,
  bulkAssignInput,
  bulkAssignResultSchema,
  complianceSchema,
  createAssignmentInput,
  employeeImportInput,
  employeeImportResultSchema,
  idParam,
  myTrainingSchema,
  onboardingInput,
  onboardingResultSchema,
  trainingAssignmentSchema,
  updateAssignmentInput,
} from './dto.ts';
import { importEmployees } from './employees.ts';
import { onboardEmployee } from './onboarding.ts';
import { complianceReport, exportAssignmentsCsv } from './reports.ts';

const apiKey = [{ apiKey: [] }];

export function trainingRoutes(deps: AppDeps) {
  const router = createRouter();
  const tags = ['Training'];

  router.openapi(
    createRoute({ method: 'get', path: '/training/assignments', tags, summary: 'Training assignments (staff), overdue first', request: { query: assignmentListQuery }, responses: { 200: jsonResponse(assignmentListSchema, 'A page of assignments'), ...errorResponses } }),
    async (c) => c.json(await listAssignments(deps.db, { actor: actorOf(c), ...c.req.valid('query') }), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/training/assignments.csv',
      tags,
      summary: 'Export assignments as CSV (streamed)',
      request: { query: assignmentListQuery.omit({ limit: true, offset: true }) },
      responses: { 200: { description: 'CSV, one assignment per line', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses },
    }),
    async (c) => {
      const lines = exportAssignmentsCsv(deps.db, { actor: actorOf(c), ...c.req.valid('query') });
      c.header('content-type', 'text/csv; charset=utf-8');
      c.header('content-disposition', 'attachment; filename="training-assignments.csv"');
      return stream(c, async (out) => {
        for await (const chunk of lines) await out.write(chunk);
      }) as never;
    },
  );

  router.openapi(
    createRoute({ method: 'get', path: '/me/training', tags, summary: 'My mandatory training, overdue first', responses: { 200: jsonResponse(myTrainingSchema, 'My assignments'), ...errorResponses } }),
    async (c) => c.json({ assignments: await myAssignments(deps.db, { actor: actorOf(c) }) }, 200),
  );

  router.openapi(
    createRoute({ method: 'post', path: '/training/assignments', tags, summary: 'Assign a course to one employee', request: jsonBody(createAssignmentInput), responses: { 201: jsonResponse(trainingAssignmentSchema, 'The new assignment'), ...errorResponses } }),
    async (c) => c.json(deps.relay.deliver(await createAssignment(deps.db, { actor: actorOf(c), ...c.req.valid('json'), now: deps.now() })), 201),
  );

  router.openapi(
    createRoute({ method: 'patch', path: '/training/assignments/{id}', tags, summary: 'Change a due date (staff)', request: { params: idParam, ...jsonBody(updateAssignmentInput) }, responses: { 200: jsonResponse(trainingAssignmentSchema, 'The assignment'), ...errorResponses } }),
    async (c) => c.json(deps.relay.deliver(await updateAssignmentDueDate(deps.db, { actor: actorOf(c), assignmentId: c.req.valid('param').id, dueOn: c.req.valid('json').dueOn, now: deps.now() })), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/training/bulk-assign',
      tags,
      summary: 'Assign a course to many employees (staff, or an API key with training:assign)',
      security: apiKey,
      request: jsonBody(bulkAssignInput),
      responses: { 200: jsonResponse(bulkAssignResultSchema, 'Counts: assigned, skipped, enrolled'), ...errorResponses },
    }),
    async (c) => c.json(deps.relay.deliver(await bulkAssign(deps.db, { actor: actorOf(c), ...c.req.valid('json'), now: deps.now() })), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/integrations/onboarding',
      tags: ['Integrations'],
      summary: 'Onboard an employee: account, mandatory courses, assignments (API key with onboarding); idempotent',
      security: apiKey,
      request: jsonBody(onboardingInput),
      responses: { 200: jsonResponse(onboardingResultSchema, 'The employee and their assignments'), ...errorResponses },
    }),
    async (c) => c.json(deps.relay.deliver(await onboardEmployee(deps.db, { actor: actorOf(c), ...c.req.valid('json'), now: deps.now() })), 200),
  );

  router.openapi(
    createRoute({ method: 'post', path: '/users/import', tags: ['Users'], summary: 'Import employees from CSV (create or update by email)', request: jsonBody(employeeImportInput), responses: { 200: jsonResponse(employeeImportResultSchema, 'One result per row'), ...errorResponses } }),
    async (c) => c.json(await importEmployees(deps.db, { actor: actorOf(c), csv: c.req.valid('json').csv }), 200),
  );

  router.openapi(
    createRoute({ method: 'get', path: '/training/compliance', tags, summary: 'Compliance: assigned, completed, overdue, due soon; per course and department', responses: { 200: jsonResponse(complianceSchema, 'Figures'), ...errorResponses } }),
    async (c) => c.json(await complianceReport(deps.db, { actor: actorOf(c), now: deps.now() }), 200),
  );

  return router;
}
