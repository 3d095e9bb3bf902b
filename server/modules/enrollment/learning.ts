import { and, eq, sql } from 'drizzle-orm';
import { authorize, requireUser, type Actor } from '../../auth/permissions.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError, pgErrorCode, pgErrors } from '../../errors.ts';
import { domainEvent } from '../../realtime/events.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import type { CourseOutlineDto } from '../courses/dto.ts';
import { lessonCourseId } from '../courses/access.ts';
import { loadLesson, loadOutline } from '../courses/queries.ts';
import type { EnrollmentDto, LearnCourseDto, LearnLessonDto } from './dto.ts';
import { lockActiveEnrollment, recomputeEnrollmentProgress, retryOnDeadlock } from './progress.ts';
import { loadEnrollment, requireActiveEnrollment } from './queries.ts';
import { enrollments, lessonCompletions } from './schema.ts';
import { syncAssignmentsForEnrollments } from '../training/sync.ts';

/** A course as its learner studies it: the outline with what is done, the enrollment, and where to resume. */
export async function learnCourse(db: Executor, input: { actor: Actor; courseId: string }): Promise<LearnCourseDto> {
  const actor = requireUser(authorize(input.actor, 'learning.participate'));
  const outline = await loadOutline(db, input.courseId);
  const record = await requireActiveEnrollment(db, { userId: actor.userId, courseId: outline.course.id });
  const enrollment = await loadEnrollment(db, record.id);
  const done = new Set([...enrollment.completedLessonIds, ...enrollment.passedQuizIds]);
  const chapters = outline.chapters.map((chapter) => ({ ...chapter, items: chapter.items.map((item) => ({ ...item, done: done.has(item.id) })) }));
  const lessonIds = outlineOrder(outline).filter((item) => item.kind === 'lesson').map((item) => item.id);
  const resumeLessonId =
    (enrollment.currentLessonId && lessonIds.includes(enrollment.currentLessonId) ? enrollment.currentLessonId : null) ??
    lessonIds.find((id) => !done.has(id)) ??
    lessonIds[0] ??
    null;
  return { course: outline.course, chapters, enrollment, resumeLessonId };
}

/**
 * Opens a lesson for its learner: the lesson, its neighbours in outline order, whether it is
 * done. It becomes the enrollment's current lesson (an `enrollment.updated` when that changed).
 */
export async function openLesson(db: Database, input: { actor: Actor; lessonId: string; now: Date }): Promise<Outcome<LearnLessonDto>> {
  const actor = requireUser(authorize(input.actor, 'learning.participate'));
  const lesson = await loadLesson(db, input.lessonId);
  const record = await requireActiveEnrollment(db, { userId: actor.userId, courseId: lesson.courseId });
  const order = outlineOrder(await loadOutline(db, lesson.courseId));
  const index = order.findIndex((item) => item.kind === 'lesson' && item.id === lesson.id);
  const moved = await db
    .update(enrollments)
    .set({ currentLessonId: lesson.id, updatedAt: input.now })
    .where(and(eq(enrollments.id, record.id), eq(enrollments.status, 'active'), sql`${enrollments.currentLessonId} is distinct from ${lesson.id}`))
    .returning({ id: enrollments.id });
  const enrollment = await loadEnrollment(db, record.id);
  return outcome(
    {
      lesson,
      previous: index > 0 ? order[index - 1] : null,
      next: index >= 0 && index < order.length - 1 ? order[index + 1] : null,
      done: enrollment.completedLessonIds.includes(lesson.id),
    },
    moved.length ? [domainEvent('enrollment.updated', enrollment)] : [],
  );
}

/**
 * Marks a lesson done for its learner and recomputes their progress, under the enrollment's
 * lock so concurrent completions add up exactly. Completing it again changes nothing.
 */
export async function completeLesson(db: Database, input: { actor: Actor; lessonId: string; now: Date }): Promise<Outcome<EnrollmentDto>> {
  const actor = requireUser(authorize(input.actor, 'learning.participate'));
  return retryOnDeadlock(() =>
    db.transaction(async (tx) => {
      const lesson = { id: input.lessonId, courseId: await lessonCourseId(tx, input.lessonId) };
      const record = await lockActiveEnrollment(tx, { userId: actor.userId, courseId: lesson.courseId });
      let inserted: unknown[];
      try {
        inserted = await tx
          .insert(lessonCompletions)
          .values({ enrollmentId: record.id, lessonId: lesson.id, completedAt: input.now })
          // A completion from an earlier cycle is history: completing the lesson again in this
          // cycle moves it to now; within one cycle a second completion changes nothing.
          .onConflictDoUpdate({
            target: [lessonCompletions.enrollmentId, lessonCompletions.lessonId],
            set: { completedAt: input.now },
            setWhere: record.cycleStartedAt ? sql`"lesson_completions"."completed_at" < ${record.cycleStartedAt.toISOString()}::timestamptz` : sql`false`,
          })
          .returning({ lessonId: lessonCompletions.lessonId });
      } catch (error) {
        if (pgErrorCode(error) === pgErrors.foreignKeyViolation) throw new AppError('not_found', 'No such lesson.');
        throw error;
      }
      if (!inserted.length) return outcome(await loadEnrollment(tx, record.id));
      await recomputeEnrollmentProgress(tx, { courseId: lesson.courseId, enrollmentId: record.id, now: input.now });
      const enrollment = await loadEnrollment(tx, record.id);
      return outcome(enrollment, [domainEvent('enrollment.updated', enrollment), ...(await syncAssignmentsForEnrollments(tx, [record.id], input.now))]);
    }),
  );
}

/** Lessons and quizzes in the order a learner meets them. */
export function outlineOrder(outline: CourseOutlineDto): { id: string; kind: 'lesson' | 'quiz' }[] {
  return outline.chapters.flatMap((chapter) => chapter.items.map((item) => ({ id: item.id, kind: item.kind })));
}
