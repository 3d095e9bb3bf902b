import { createRoute } from '@hono/zod-openapi';
import { actorOf, createRouter, errorResponses, jsonBody, jsonResponse, type AppDeps } from '../../http.ts';
import {
  enrollmentSchema,
  idParam,
  learnCourseSchema,
  learnLessonSchema,
  learnQuizSchema,
  myEnrollmentsSchema,
  startedAttemptSchema,
  submitInput,
  submitResultSchema,
} from './dto.ts';
import { listMyEnrollments, selfEnrol } from './enrollments.ts';
import { completeLesson, learnCourse, openLesson } from './learning.ts';
import { quizView, startAttempt, submitAttempt } from './quiz-attempts.ts';

/** What a learner does: enrol, study, take quizzes. */
export function learnerRoutes(deps: AppDeps) {
  const router = createRouter();
  const tags = ['Learning'];

  router.openapi(
    createRoute({
      method: 'post',
      path: '/courses/{id}/enroll',
      tags,
      summary: 'Enrol yourself in a published course (again: your existing enrollment)',
      request: { params: idParam },
      responses: { 201: jsonResponse(enrollmentSchema, 'Enrolled'), 200: jsonResponse(enrollmentSchema, 'Already enrolled'), ...errorResponses },
    }),
    async (c) => {
      const { enrollment, created } = deps.relay.deliver(await selfEnrol(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').id, now: deps.now() }));
      return created ? c.json(enrollment, 201) : c.json(enrollment, 200);
    },
  );

  router.openapi(
    createRoute({ method: 'get', path: '/me/enrollments', tags, summary: 'Your courses, most recent activity first', responses: { 200: jsonResponse(myEnrollmentsSchema, 'Your enrollments'), ...errorResponses } }),
    async (c) => c.json(await listMyEnrollments(deps.db, { actor: actorOf(c) }), 200),
  );

  router.openapi(
    createRoute({ method: 'get', path: '/learn/courses/{id}', tags, summary: 'A course you study: outline with what is done, where to resume', request: { params: idParam }, responses: { 200: jsonResponse(learnCourseSchema, 'The course'), ...errorResponses } }),
    async (c) => c.json(await learnCourse(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').id }), 200),
  );

  router.openapi(
    createRoute({ method: 'get', path: '/learn/lessons/{id}', tags, summary: 'Open a lesson (it becomes your current lesson)', request: { params: idParam }, responses: { 200: jsonResponse(learnLessonSchema, 'The lesson'), ...errorResponses } }),
    async (c) => c.json(deps.relay.deliver(await openLesson(deps.db, { actor: actorOf(c), lessonId: c.req.valid('param').id, now: deps.now() })), 200),
  );

  router.openapi(
    createRoute({ method: 'post', path: '/learn/lessons/{id}/complete', tags, summary: 'Mark a lesson done (idempotent)', request: { params: idParam }, responses: { 200: jsonResponse(enrollmentSchema, 'Your enrollment with its new progress'), ...errorResponses } }),
    async (c) => c.json(deps.relay.deliver(await completeLesson(deps.db, { actor: actorOf(c), lessonId: c.req.valid('param').id, now: deps.now() })), 200),
  );

  const quizTags = ['Quizzes'];
  router.openapi(
    createRoute({ method: 'get', path: '/learn/quizzes/{id}', tags: quizTags, summary: 'A quiz (without answers), your attempts and best score', request: { params: idParam }, responses: { 200: jsonResponse(learnQuizSchema, 'The quiz'), ...errorResponses } }),
    async (c) => c.json(await quizView(deps.db, { actor: actorOf(c), quizId: c.req.valid('param').id, now: deps.now() }), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/learn/quizzes/{id}/attempts',
      tags: quizTags,
      summary: 'Start an attempt (or get the one already open)',
      request: { params: idParam },
      responses: { 201: jsonResponse(startedAttemptSchema, 'Started'), 200: jsonResponse(startedAttemptSchema, 'The attempt already open'), ...errorResponses },
    }),
    async (c) => {
      const { attempt, created } = await startAttempt(deps.db, { actor: actorOf(c), quizId: c.req.valid('param').id, now: deps.now() });
      return created ? c.json(attempt, 201) : c.json(attempt, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/learn/submissions/{id}/submit',
      tags: quizTags,
      summary: 'Submit an attempt: graded, with correct answers and explanations',
      request: { params: idParam, ...jsonBody(submitInput) },
      responses: { 200: jsonResponse(submitResultSchema, 'Score and answers'), ...errorResponses },
    }),
    async (c) => {
      const result = await submitAttempt(deps.db, { actor: actorOf(c), submissionId: c.req.valid('param').id, ...c.req.valid('json'), now: deps.now() });
      return c.json(deps.relay.deliver(result), 200);
    },
  );

  return router;
}
