import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Executor } from '../server/db/client.ts';
import { lessons } from '../server/modules/courses/schema.ts';
import { lockActiveEnrollment, recomputeCourseProgress, recomputeEnrollmentProgress } from '../server/modules/enrollment/progress.ts';
import { lessonCompletions } from '../server/modules/enrollment/schema.ts';
import { useTestApp } from './support/app.ts';
import { createCourse, type TestCourse } from './support/courses.ts';
import { createUser, signIn } from './support/factories.ts';

describe('progress', () => {
  const t = useTestApp();
  const enrolled = async (course: TestCourse) => {
    const user = await createUser(t().db);
    const client = await signIn(t().client(), user);
    const enrollment = await client.post(`/api/courses/${course.id}/enroll`);
    expect(enrollment.status).toBe(201);
    return { user, client, enrollmentId: enrollment.body.id as string };
  };
  const stored = async (enrollmentId: string) => {
    const [row] = await t().database.sql`select progress::float as progress, completed_at from enrollments where id = ${enrollmentId}`;
    return row as { progress: number; completed_at: string | null };
  };
  const addLesson = async (db: Executor, course: TestCourse, position: number) => {
    const [row] = await db.insert(lessons).values({ courseId: course.id, chapterId: course.chapterId, title: `Added ${position}`, position }).returning({ id: lessons.id });
    return row.id;
  };

  it('counts every one of ten lessons completed at once: exactly 100 and completed', async () => {
    const course = await createCourse(t().db, { lessons: 10 });
    const { client, enrollmentId } = await enrolled(course);
    const answers = await Promise.all(course.lessonIds.map((id) => client.post(`/api/learn/lessons/${id}/complete`)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.map((a) => a.body.progress).sort((a, b) => a - b)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    const row = await stored(enrollmentId);
    expect(row.progress).toBe(100);
    expect(row.completed_at).not.toBeNull();
    const [{ count }] = await t().database.sql`select count(*)::int as count from lesson_completions where enrollment_id = ${enrollmentId}`;
    expect(count).toBe(10);
  });

  it('shows 75 after three of four lessons, with the live event carrying it', async () => {
    const course = await createCourse(t().db, { lessons: 4 });
    const { client, enrollmentId } = await enrolled(course);
    for (const id of course.lessonIds.slice(0, 3)) await client.post(`/api/learn/lessons/${id}/complete`);
    const again = await client.post(`/api/learn/lessons/${course.lessonIds[0]}/complete`);
    expect(again.body).toMatchObject({ progress: 75, completedAt: null });
    expect(again.body.completedLessonIds).toHaveLength(3);
    const events = t().relay.events.filter((e) => e.name === 'enrollment.updated' && e.payload.id === enrollmentId);
    expect(events.map((e) => (e.name === 'enrollment.updated' ? e.payload.progress : null))).toEqual([0, 25, 50, 75]);
  });

  it('brings progress down when a lesson is added after 100%, and never above 100 when lessons are removed', async () => {
    const course = await createCourse(t().db, { lessons: 3 });
    const { client, enrollmentId } = await enrolled(course);
    for (const id of course.lessonIds) await client.post(`/api/learn/lessons/${id}/complete`);
    expect(await stored(enrollmentId)).toMatchObject({ progress: 100, completed_at: expect.anything() });

    const added = await t().db.transaction(async (tx) => {
      await addLesson(tx, course, 3);
      return recomputeCourseProgress(tx, course.id);
    });
    expect(await stored(enrollmentId)).toEqual({ progress: 75, completed_at: null });
    expect(added).toContainEqual({ name: 'enrollment.updated', payload: expect.objectContaining({ id: enrollmentId, progress: 75, completedAt: null }) });

    // Remove a done lesson and the new one: 2 of 2 remain done.
    const extra = (await t().db.select({ id: lessons.id }).from(lessons).where(eq(lessons.courseId, course.id))).map((l) => l.id).filter((id) => !course.lessonIds.includes(id));
    await t().db.transaction(async (tx) => {
      await tx.delete(lessons).where(inArray(lessons.id, [course.lessonIds[0], ...extra]));
      await recomputeCourseProgress(tx, course.id);
    });
    expect(await stored(enrollmentId)).toMatchObject({ progress: 100, completed_at: expect.anything() });
    const learn = await client.get(`/api/learn/courses/${course.id}`);
    expect(learn.body.enrollment).toMatchObject({ progress: 100, completedLessonIds: course.lessonIds.slice(1) });

    // Nothing changed: no events.
    expect(await t().db.transaction((tx) => recomputeCourseProgress(tx, course.id))).toEqual([]);
  });

  it('stays exact when an author adds a lesson while the learner completes the last one', async () => {
    const course = await createCourse(t().db, { lessons: 6 });
    const { user, client, enrollmentId } = await enrolled(course);
    for (const id of course.lessonIds.slice(0, 5)) await client.post(`/api/learn/lessons/${id}/complete`);
    // The learner's completion holds its locks while the author adds a lesson and recomputes.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const learner = t().db.transaction(async (tx) => {
      await lockActiveEnrollment(tx, { userId: user.id, courseId: course.id });
      await tx.insert(lessonCompletions).values({ enrollmentId, lessonId: course.lessonIds[5] });
      await recomputeEnrollmentProgress(tx, { courseId: course.id, enrollmentId, now: new Date() });
      await held;
    });
    await new Promise((r) => setTimeout(r, 50));
    const authoring = t().db.transaction(async (tx) => {
      await addLesson(tx, course, 6);
      return recomputeCourseProgress(tx, course.id);
    });
    await new Promise((r) => setTimeout(r, 150));
    release();
    const [, events] = await Promise.all([learner, authoring]);
    expect((await stored(enrollmentId)).progress).toBe(85.71); // 6 of 7, not a stale 5 of 7
    expect(events).toContainEqual({ name: 'enrollment.updated', payload: expect.objectContaining({ id: enrollmentId, progress: 85.71 }) });
  });

  it('shows the outline with what is done, resumes at the last lesson opened, and links neighbours', async () => {
    const course = await createCourse(t().db, { lessons: 3, quizzes: [{}] });
    const { client, enrollmentId } = await enrolled(course);
    const fresh = await client.get(`/api/learn/courses/${course.id}`);
    expect(fresh.status).toBe(200);
    expect(fresh.body.resumeLessonId).toBe(course.lessonIds[0]);
    await client.post(`/api/learn/lessons/${course.lessonIds[0]}/complete`);

    const lesson = await client.get(`/api/learn/lessons/${course.lessonIds[2]}`);
    expect(lesson.status).toBe(200);
    expect(lesson.body).toMatchObject({
      lesson: { id: course.lessonIds[2], html: expect.stringContaining('Body of lesson 3') },
      previous: { id: course.lessonIds[1], kind: 'lesson' },
      next: { id: course.quizzes[0].id, kind: 'quiz' },
      done: false,
    });
    expect((await client.get(`/api/learn/lessons/${course.lessonIds[0]}`)).body).toMatchObject({ previous: null, done: true });
    expect(t().relay.events).toContainEqual({ name: 'enrollment.updated', payload: expect.objectContaining({ id: enrollmentId, currentLessonId: course.lessonIds[2] }) });

    const learn = await client.get(`/api/learn/courses/${course.id}`);
    expect(learn.body.resumeLessonId).toBe(course.lessonIds[0]);
    expect(learn.body.enrollment.currentLessonId).toBe(course.lessonIds[0]);
    expect(learn.body.chapters[0].items.map((i: { id: string; done: boolean }) => [i.id, i.done])).toEqual([
      [course.lessonIds[0], true],
      [course.lessonIds[1], false],
      [course.lessonIds[2], false],
      [course.quizzes[0].id, false],
    ]);
    expect(learn.body.enrollment.progress).toBe(25); // 1 of 3 lessons + 1 required quiz
  });
});
