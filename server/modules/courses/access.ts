import { and, count, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { can } from '../../auth/permissions.ts';
import { AppError } from '../../errors.ts';
import { loadUserActor } from '../users/queries.ts';
import { courseInstructors, courses, lessons, quizzes } from './schema.ts';

export interface CourseAccess {
  id: string;
  title: string;
  status: 'draft' | 'published';
  ownerId: string;
  instructorIds: string[];
  /** Owner and instructors: the `ownerIds` of permission checks on this course. */
  runnerIds: string[];
  disableSelfLearning: boolean;
  enableCertification: boolean;
  evaluationRequired: boolean;
  isMandatory: boolean;
  validityDays: number | null;
}

/**
 * What permission checks and other modules need to know about a course, or 404.
 * @example const course = await loadCourseAccess(db, id); authorize(actor, 'courses.edit', { ownerIds: course.runnerIds });
 */
export async function loadCourseAccess(db: Executor, courseId: string): Promise<CourseAccess> {
  const [row] = await db
    .select({
      id: courses.id,
      title: courses.title,
      status: courses.status,
      ownerId: courses.ownerId,
      disableSelfLearning: courses.disableSelfLearning,
      enableCertification: courses.enableCertification,
      evaluationRequired: courses.evaluationRequired,
      isMandatory: courses.isMandatory,
      validityDays: courses.validityDays,
      instructorIds: sql<string[]>`coalesce((select array_agg(ci.user_id) from ${courseInstructors} ci where ci.course_id = "courses"."id"), '{}')`,
    })
    .from(courses)
    .where(eq(courses.id, courseId));
  if (!row) throw new AppError('not_found', 'No such course.');
  return { ...row, runnerIds: [row.ownerId, ...row.instructorIds] };
}

/** The course a lesson belongs to, without loading (or rendering) the lesson; 404 when there is no such lesson. */
export async function lessonCourseId(db: Executor, lessonId: string): Promise<string> {
  const [row] = await db.select({ courseId: lessons.courseId }).from(lessons).where(eq(lessons.id, lessonId));
  if (!row) throw new AppError('not_found', 'No such lesson.');
  return row.courseId;
}

/** Course ids that `userId` owns or teaches. */
export async function coursesRunBy(db: Executor, userId: string): Promise<string[]> {
  const owned = await db.select({ id: courses.id }).from(courses).where(eq(courses.ownerId, userId));
  const taught = await db.select({ id: courseInstructors.courseId }).from(courseInstructors).where(eq(courseInstructors.userId, userId));
  return [...new Set([...owned, ...taught].map((r) => r.id))];
}

export interface CourseItems {
  lessonIds: string[];
  /** Quizzes that count toward progress and gate certification. */
  requiredQuizIds: string[];
  /** The first lesson in outline order: where a new learner starts. */
  firstLessonId: string | null;
}

/** The items progress is measured against, read fresh so added or removed lessons count at once. */
export async function loadCourseItems(db: Executor, courseId: string): Promise<CourseItems> {
  // One round trip: every progress change and every booking asks for it.
  const [row] = await db.execute<{ lesson_ids: string[] | string; quiz_ids: string[] | string }>(sql`
    select
      coalesce((select array_agg(l.id order by c.position, c.created_at, l.position, l.created_at)
        from ${lessons} l join chapters c on c.id = l.chapter_id where l.course_id = ${courseId}), '{}') as lesson_ids,
      coalesce((select array_agg(q.id) from ${quizzes} q where q.course_id = ${courseId} and q.is_required), '{}') as quiz_ids`);
  const lessonIds = uuidArray(row.lesson_ids);
  return { lessonIds, requiredQuizIds: uuidArray(row.quiz_ids), firstLessonId: lessonIds[0] ?? null };
}

/** Number of lessons plus required quizzes per course, for set-based progress recomputation. */
export async function countCourseItems(db: Executor, courseIds: string[]): Promise<Map<string, number>> {
  if (!courseIds.length) return new Map();
  const lessonCounts = await db.select({ courseId: lessons.courseId, n: count() }).from(lessons).where(inArray(lessons.courseId, courseIds)).groupBy(lessons.courseId);
  const quizCounts = await db
    .select({ courseId: quizzes.courseId, n: count() })
    .from(quizzes)
    .where(and(inArray(quizzes.courseId, courseIds), eq(quizzes.isRequired, true)))
    .groupBy(quizzes.courseId);
  const totals = new Map(courseIds.map((id) => [id, 0]));
  for (const row of [...lessonCounts, ...quizCounts]) totals.set(row.courseId, (totals.get(row.courseId) ?? 0) + row.n);
  return totals;
}

/** May `userId` hear every learner's progress in this course (the `course:<id>` room)? */
export async function canWatchCourse(db: Executor, userId: string, courseId: string): Promise<boolean> {
  const actor = await loadUserActor(db, userId);
  if (!actor) return false;
  try {
    const course = await loadCourseAccess(db, courseId);
    return can(actor, 'courses.viewProgress', { ownerIds: course.runnerIds });
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') return false;
    throw error;
  }
}

/** A uuid[] from a raw query: postgres.js parses it to an array, or hands over the text form `{a,b}`. */
function uuidArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, '');
  return inner ? inner.split(',') : [];
}
