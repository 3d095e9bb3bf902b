import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { actorOf, createRouter, errorResponses, jsonBody, jsonResponse, noContent, type AppDeps } from '../../http.ts';
import {
  boardsQuery,
  certificateRequestSchema,
  completeInput,
  evaluationDetailSchema,
  evaluatorBoardsSchema,
  idParam,
  myWaitlistSchema,
  rubricInput,
  rubricSchema,
  waitlistEntrySchema,
  waitlistSchema,
} from './dto.ts';
import { getEvaluatorBoards } from './evaluator-boards.ts';
import { completeEvaluation, getEvaluationDetail } from './outcomes.ts';
import { getRubric, saveRubric } from './rubrics.ts';
import { getMyWaitlistEntry, joinWaitlist, leaveWaitlist, listWaitlist } from './waitlist.ts';

/** Evaluation outcomes and rubrics, the waitlist, and the moderators' boards of every evaluator. */
export function schedulingOutcomeRoutes(deps: AppDeps) {
  const router = createRouter();
  const now = () => deps.now();
  const ok = <S extends z.ZodType>(schema: S, description: string) => ({ 200: jsonResponse(schema, description), ...errorResponses });

  const outcomeTags = ['Certificate requests'];
  router.openapi(
    createRoute({ method: 'get', path: '/certificate-requests/{id}/evaluation', tags: outcomeTags, summary: 'A request as its evaluator opens it: learner, quiz results, rubric', request: { params: idParam }, responses: ok(evaluationDetailSchema, 'The evaluation') }),
    async (c) => c.json(await getEvaluationDetail(deps.db, { actor: actorOf(c), requestId: c.req.valid('param').id }), 200),
  );
  router.openapi(
    createRoute({ method: 'post', path: '/certificate-requests/{id}/complete', tags: outcomeTags, summary: 'Mark an evaluation Completed: pass or fail, rubric scores, notes', request: { params: idParam, ...jsonBody(completeInput) }, responses: ok(certificateRequestSchema, 'The request, completed') }),
    async (c) => c.json(deps.relay.deliver(await completeEvaluation(deps.db, { actor: actorOf(c), requestId: c.req.valid('param').id, result: c.req.valid('json'), jobs: deps.jobs, now: now() })), 200),
  );
  router.openapi(
    createRoute({ method: 'get', path: '/courses/{id}/evaluation-rubric', tags: outcomeTags, summary: 'A course’s evaluation rubric', request: { params: idParam }, responses: ok(rubricSchema, 'The rubric') }),
    async (c) => c.json(await getRubric(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').id }), 200),
  );
  router.openapi(
    createRoute({ method: 'put', path: '/courses/{id}/evaluation-rubric', tags: outcomeTags, summary: 'Replace a course’s evaluation rubric', request: { params: idParam, ...jsonBody(rubricInput) }, responses: ok(rubricSchema, 'The rubric') }),
    async (c) => c.json(deps.relay.deliver(await saveRubric(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').id, rubric: c.req.valid('json'), now: now() })), 200),
  );

  const waitlistTags = ['Waitlist'];
  router.openapi(
    createRoute({ method: 'get', path: '/courses/{id}/waitlist/me', tags: waitlistTags, summary: 'My place on a course’s waitlist', request: { params: idParam }, responses: ok(myWaitlistSchema, 'My entry, or null') }),
    async (c) => c.json(await getMyWaitlistEntry(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').id }), 200),
  );
  router.openapi(
    createRoute({ method: 'post', path: '/courses/{id}/waitlist', tags: waitlistTags, summary: 'Join a course’s waitlist (only when no slot is free)', request: { params: idParam }, responses: { 201: jsonResponse(waitlistEntrySchema, 'My entry'), ...errorResponses } }),
    async (c) => c.json(deps.relay.deliver(await joinWaitlist(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').id, now: now() })), 201),
  );
  router.openapi(
    createRoute({ method: 'delete', path: '/courses/{id}/waitlist/me', tags: waitlistTags, summary: 'Leave a course’s waitlist', request: { params: idParam }, responses: { 204: noContent, ...errorResponses } }),
    async (c) => {
      deps.relay.deliver(await leaveWaitlist(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').id }));
      return c.body(null, 204);
    },
  );
  router.openapi(
    createRoute({ method: 'get', path: '/courses/{id}/waitlist', tags: waitlistTags, summary: 'A course’s waitlist in order (staff, course runners)', request: { params: idParam }, responses: ok(waitlistSchema, 'The waitlist') }),
    async (c) => c.json(await listWaitlist(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').id }), 200),
  );

  router.openapi(
    createRoute({ method: 'get', path: '/scheduling/boards', tags: ['Evaluators'], summary: 'Every evaluator of a course or cohort with booked, free and completed counts', request: { query: boardsQuery }, responses: ok(evaluatorBoardsSchema, 'The boards') }),
    async (c) => c.json(await getEvaluatorBoards(deps.db, { actor: actorOf(c), ...c.req.valid('query'), now: now() }), 200),
  );
  return router;
}
