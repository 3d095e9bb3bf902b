import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { iso } from '../../http.ts';
import { cohortCourses, cohortMembers } from '../cohorts/schema.ts';
import { courses } from '../courses/schema.ts';
import { users } from '../users/schema.ts';
import type { EnrollmentDto } from './dto.ts';
import { enrollments, lessonCompletions, quizSubmissions } from './schema.ts';

/** The columns of an EnrollmentDto, for any query over `enrollments` joined to `users` and `courses`. */
export const enrollmentFields = {
  enrollment: enrollments,
  userName: users.name,
  userEmail: users.email,
  courseTitle: courses.title,
  // Only the current cycle's completions and passes count (see `enrollments.cycle_started_at`).
  completedLessonIds: sql<string[]>`coalesce((select array_agg(lc.lesson_id order by lc.completed_at, lc.lesson_id) from ${lessonCompletions} lc where lc.enrollment_id = ${enrollments.id} and lc.completed_at >= coalesce(${enrollments.cycleStartedAt}, '-infinity')), '{}')`,
  passedQuizIds: sql<string[]>`coalesce((select array_agg(distinct qs.quiz_id) from ${quizSubmissions} qs where qs.enrollment_id = ${enrollments.id} and qs.passed and qs.started_at >= coalesce(${enrollments.cycleStartedAt}, '-infinity')), '{}')`,
  // Cohorts where the learner is a member and the course is one of the cohort's courses.
  cohortIds: sql<string[]>`coalesce((select array_agg(cm.cohort_id order by cm.cohort_id) from ${cohortMembers} cm join ${cohortCourses} cc on cc.cohort_id = cm.cohort_id and cc.course_id = ${enrollments.courseId} where cm.user_id = ${enrollments.userId}), '{}')`,
};

type EnrollmentRow = {
  enrollment: typeof enrollments.$inferSelect;
  userName: string;
  userEmail: string;
  courseTitle: string;
  completedLessonIds: string[];
  passedQuizIds: string[];
  cohortIds: string[];
};

export function toEnrollmentDto(row: EnrollmentRow): EnrollmentDto {
  const e = row.enrollment;
  return {
    id: e.id,
    userId: e.userId,
    userName: row.userName,
    userEmail: row.userEmail,
    courseId: e.courseId,
    courseTitle: row.courseTitle,
    source: e.source,
    status: e.status,
    progress: Number(e.progress),
    currentLessonId: e.currentLessonId,
    completedAt: iso(e.completedAt),
    cycleStartedAt: iso(e.cycleStartedAt),
    enrolledAt: iso(e.enrolledAt),
    updatedAt: iso(e.updatedAt),
    completedLessonIds: row.completedLessonIds,
    passedQuizIds: row.passedQuizIds,
    cohortIds: row.cohortIds,
  };
}

/** The base query of every enrollment read: enrollments with their learner and course. */
export function selectEnrollments(db: Executor) {
  return db
    .select(enrollmentFields)
    .from(enrollments)
    .innerJoin(users, eq(users.id, enrollments.userId))
    .innerJoin(courses, eq(courses.id, enrollments.courseId));
}

/** Enrollments as DTOs, in the order of `ids` (one query, fit for thousands). */
export async function loadEnrollments(db: Executor, ids: readonly string[]): Promise<EnrollmentDto[]> {
  if (!ids.length) return [];
  const rows = await selectEnrollments(db).where(sql`${enrollments.id} = any(${sql.param([...ids])}::uuid[])`);
  const byId = new Map(rows.map((row) => [row.enrollment.id, toEnrollmentDto(row)]));
  return ids.map((id) => byId.get(id)).filter((e): e is EnrollmentDto => e !== undefined);
}

export async function loadEnrollment(db: Executor, id: string): Promise<EnrollmentDto> {
  const [enrollment] = await loadEnrollments(db, [id]);
  if (!enrollment) throw new AppError('not_found', 'No such enrollment.');
  return enrollment;
}

export type EnrollmentRecord = typeof enrollments.$inferSelect;

/** The learner's active enrollment in a course (unlocked: for reads); 403 `not_enrolled` when there is none. */
export async function requireActiveEnrollment(db: Executor, input: { userId: string; courseId: string }): Promise<EnrollmentRecord> {
  const [row] = await db
    .select()
    .from(enrollments)
    .where(and(eq(enrollments.userId, input.userId), eq(enrollments.courseId, input.courseId), eq(enrollments.status, 'active')));
  if (!row) throw new AppError('not_enrolled', 'Enrol in this course first.');
  return row;
}

/** Instants from which this enrollment's completions and attempts count: the current cycle's start. */
const cycleStart = (enrollmentId: string) =>
  sql`coalesce((select "enrollments"."cycle_started_at" from ${enrollments} where "enrollments"."id" = ${enrollmentId}), '-infinity')`;

/** Lesson ids this enrollment has completed in its current cycle. */
export async function completedLessons(db: Executor, enrollmentId: string): Promise<Set<string>> {
  const rows = await db
    .select({ lessonId: lessonCompletions.lessonId })
    .from(lessonCompletions)
    .where(and(eq(lessonCompletions.enrollmentId, enrollmentId), sql`${lessonCompletions.completedAt} >= ${cycleStart(enrollmentId)}`));
  return new Set(rows.map((r) => r.lessonId));
}

/** Quiz ids among `quizIds` this enrollment has passed at least once in its current cycle. */
export async function passedQuizzes(db: Executor, enrollmentId: string, quizIds: readonly string[]): Promise<Set<string>> {
  if (!quizIds.length) return new Set();
  const rows = await db
    .selectDistinct({ quizId: quizSubmissions.quizId })
    .from(quizSubmissions)
    .where(
      and(
        eq(quizSubmissions.enrollmentId, enrollmentId),
        eq(quizSubmissions.passed, true),
        inArray(quizSubmissions.quizId, [...quizIds]),
        sql`${quizSubmissions.startedAt} >= ${cycleStart(enrollmentId)}`,
      ),
    );
  return new Set(rows.map((r) => r.quizId));
}
