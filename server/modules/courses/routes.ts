import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { actorOf, createRouter, errorResponses, jsonBody, jsonResponse, noContent, type AppDeps } from '../../http.ts';
import { idParam } from '../users/dto.ts';
import { createCourse, deleteCourse, setCourseStatus, setInstructors, updateCourse } from './authoring.ts';
import { getCourseOutline, listAuthoredCourses, listCatalogue } from './catalogue.ts';
import {
  chapterInput,
  courseDetailSchema,
  courseListQuery,
  courseListSchema,
  courseOutlineSchema,
  courseSchema,
  courseSettingsInput,
  courseUpdateInput,
  instructorsInput,
  lessonInput,
  lessonSchema,
  lessonUpdateInput,
  outlineOrderInput,
  quizAuthoringSchema,
  quizInput,
} from './dto.ts';
import { addChapter, addLesson, deleteChapter, deleteLesson, getLessonForAuthors, renameChapter, reorderOutline, updateLesson } from './outline.ts';
import { createQuiz, deleteQuiz, getQuizForAuthors, saveQuiz } from './quizzes.ts';

export function courseRoutes(deps: AppDeps) {
  const router = createRouter();
  const tags = ['Courses'];
  const now = () => deps.now();
  const ok = <S extends z.ZodType>(schema: S, description: string) => ({ 200: jsonResponse(schema, description), ...errorResponses });

  router.openapi(createRoute({ method: 'get', path: '/catalogue', tags, summary: 'Published courses', request: { query: courseListQuery }, responses: ok(courseListSchema, 'A page of courses') }), async (c) =>
    c.json(await listCatalogue(deps.db, { actor: actorOf(c), ...c.req.valid('query') }), 200),
  );
  router.openapi(createRoute({ method: 'get', path: '/courses', tags, summary: 'Courses I author (all, for moderators)', request: { query: courseListQuery }, responses: ok(courseListSchema, 'A page of courses') }), async (c) =>
    c.json(await listAuthoredCourses(deps.db, { actor: actorOf(c), ...c.req.valid('query') }), 200),
  );
  router.openapi(
    createRoute({ method: 'post', path: '/courses', tags, summary: 'Create a course (draft)', request: jsonBody(courseSettingsInput), responses: { 201: jsonResponse(courseSchema, 'The new course'), ...errorResponses } }),
    async (c) => c.json(deps.relay.deliver(await createCourse(deps.db, { actor: actorOf(c), settings: c.req.valid('json'), now: now() })), 201),
  );
  router.openapi(createRoute({ method: 'get', path: '/courses/{id}', tags, summary: 'A course with its outline', request: { params: idParam }, responses: ok(courseDetailSchema, 'The course') }), async (c) =>
    c.json(await getCourseOutline(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').id }), 200),
  );
  router.openapi(
    createRoute({ method: 'patch', path: '/courses/{id}', tags, summary: 'Change course settings', request: { params: idParam, ...jsonBody(courseUpdateInput) }, responses: ok(courseSchema, 'The course') }),
    async (c) => c.json(deps.relay.deliver(await updateCourse(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').id, changes: c.req.valid('json'), now: now() })), 200),
  );
  for (const [path, status] of [['publish', 'published'], ['unpublish', 'draft']] as const) {
    router.openapi(
      createRoute({ method: 'post', path: `/courses/{id}/${path}`, tags, summary: status === 'published' ? 'Publish' : 'Back to draft', request: { params: idParam }, responses: ok(courseSchema, 'The course') }),
      async (c) => c.json(deps.relay.deliver(await setCourseStatus(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').id, status, now: now() })), 200),
    );
  }
  router.openapi(
    createRoute({ method: 'put', path: '/courses/{id}/instructors', tags, summary: 'Set co-instructors', request: { params: idParam, ...jsonBody(instructorsInput) }, responses: ok(courseSchema, 'The course') }),
    async (c) => c.json(deps.relay.deliver(await setInstructors(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').id, userIds: c.req.valid('json').userIds, now: now() })), 200),
  );
  router.openapi(createRoute({ method: 'delete', path: '/courses/{id}', tags, summary: 'Delete a course nobody enrolled in', request: { params: idParam }, responses: { 204: noContent, ...errorResponses } }), async (c) => {
    await deleteCourse(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').id });
    return c.body(null, 204);
  });
  router.openapi(
    createRoute({ method: 'put', path: '/courses/{id}/outline', tags, summary: 'Reorder chapters, lessons and quizzes', request: { params: idParam, ...jsonBody(outlineOrderInput) }, responses: ok(courseOutlineSchema, 'The outline') }),
    async (c) => c.json(deps.relay.deliver(await reorderOutline(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').id, order: c.req.valid('json'), now: now() })), 200),
  );

  const outlineTags = ['Course content'];
  router.openapi(
    createRoute({ method: 'post', path: '/courses/{id}/chapters', tags: outlineTags, summary: 'Add a chapter', request: { params: idParam, ...jsonBody(chapterInput) }, responses: { 201: jsonResponse(courseOutlineSchema, 'The outline'), ...errorResponses } }),
    async (c) => c.json(deps.relay.deliver(await addChapter(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').id, title: c.req.valid('json').title, now: now() })), 201),
  );
  router.openapi(
    createRoute({ method: 'patch', path: '/chapters/{id}', tags: outlineTags, summary: 'Rename a chapter', request: { params: idParam, ...jsonBody(chapterInput) }, responses: ok(courseOutlineSchema, 'The outline') }),
    async (c) => c.json(deps.relay.deliver(await renameChapter(deps.db, { actor: actorOf(c), chapterId: c.req.valid('param').id, title: c.req.valid('json').title, now: now() })), 200),
  );
  router.openapi(createRoute({ method: 'delete', path: '/chapters/{id}', tags: outlineTags, summary: 'Delete a chapter and its items', request: { params: idParam }, responses: ok(courseOutlineSchema, 'The outline') }), async (c) =>
    c.json(deps.relay.deliver(await deleteChapter(deps.db, { actor: actorOf(c), chapterId: c.req.valid('param').id, now: now() })), 200),
  );
  router.openapi(
    createRoute({ method: 'post', path: '/chapters/{id}/lessons', tags: outlineTags, summary: 'Add a lesson', request: { params: idParam, ...jsonBody(lessonInput) }, responses: { 201: jsonResponse(lessonSchema, 'The lesson'), ...errorResponses } }),
    async (c) => c.json(deps.relay.deliver(await addLesson(deps.db, { actor: actorOf(c), chapterId: c.req.valid('param').id, lesson: c.req.valid('json'), now: now() })), 201),
  );
  router.openapi(createRoute({ method: 'get', path: '/lessons/{id}', tags: outlineTags, summary: 'A lesson, for its authors', request: { params: idParam }, responses: ok(lessonSchema, 'The lesson') }), async (c) =>
    c.json(await getLessonForAuthors(deps.db, { actor: actorOf(c), lessonId: c.req.valid('param').id }), 200),
  );
  router.openapi(
    createRoute({ method: 'patch', path: '/lessons/{id}', tags: outlineTags, summary: 'Edit or move a lesson', request: { params: idParam, ...jsonBody(lessonUpdateInput) }, responses: ok(lessonSchema, 'The lesson') }),
    async (c) => c.json(deps.relay.deliver(await updateLesson(deps.db, { actor: actorOf(c), lessonId: c.req.valid('param').id, changes: c.req.valid('json'), now: now() })), 200),
  );
  router.openapi(createRoute({ method: 'delete', path: '/lessons/{id}', tags: outlineTags, summary: 'Delete a lesson', request: { params: idParam }, responses: ok(courseOutlineSchema, 'The outline') }), async (c) =>
    c.json(deps.relay.deliver(await deleteLesson(deps.db, { actor: actorOf(c), lessonId: c.req.valid('param').id, now: now() })), 200),
  );
  router.openapi(
    createRoute({ method: 'post', path: '/chapters/{id}/quizzes', tags: outlineTags, summary: 'Add a quiz', request: { params: idParam, ...jsonBody(quizInput) }, responses: { 201: jsonResponse(quizAuthoringSchema, 'The quiz'), ...errorResponses } }),
    async (c) => c.json(deps.relay.deliver(await createQuiz(deps.db, { actor: actorOf(c), chapterId: c.req.valid('param').id, quiz: c.req.valid('json'), now: now() })), 201),
  );
  router.openapi(createRoute({ method: 'get', path: '/quizzes/{id}', tags: outlineTags, summary: 'A quiz with its answers, for its authors', request: { params: idParam }, responses: ok(quizAuthoringSchema, 'The quiz') }), async (c) =>
    c.json(await getQuizForAuthors(deps.db, { actor: actorOf(c), quizId: c.req.valid('param').id }), 200),
  );
  router.openapi(
    createRoute({ method: 'put', path: '/quizzes/{id}', tags: outlineTags, summary: 'Replace a quiz’s settings and questions', request: { params: idParam, ...jsonBody(quizInput) }, responses: ok(quizAuthoringSchema, 'The quiz') }),
    async (c) => c.json(deps.relay.deliver(await saveQuiz(deps.db, { actor: actorOf(c), quizId: c.req.valid('param').id, quiz: c.req.valid('json'), now: now() })), 200),
  );
  router.openapi(createRoute({ method: 'delete', path: '/quizzes/{id}', tags: outlineTags, summary: 'Delete a quiz', request: { params: idParam }, responses: { 204: noContent, ...errorResponses } }), async (c) => {
    deps.relay.deliver(await deleteQuiz(deps.db, { actor: actorOf(c), quizId: c.req.valid('param').id, now: now() }));
    return c.body(null, 204);
  });

  return router;
}
