import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { requireUser, type Actor } from '../../auth/permissions.ts';
import type { Executor } from '../../db/client.ts';
import { iso } from '../../http.ts';
import { enrollments } from '../enrollment/schema.ts';
import { users } from '../users/schema.ts';
import { authorizeCohort } from './access.ts';
import type { CohortDashboardDto, CourseProgressDto, MyCohortsDto } from './dto.ts';
import { loadCohortRecords } from './queries.ts';
import { cohortCourses, cohortMembers } from './schema.ts';

interface MatrixRow extends Record<string, unknown> {
  user_id: string;
  name: string;
  email: string;
  joined_at: string | Date;
  progress: Record<string, { enrollmentId: string; progress: number; status: 'active' | 'removed'; currentLessonId: string | null; completedAt: string | null }>;
}

/**
 * Every member's progress in every course of the cohort, with per-course averages, for staff and
 * the cohort's runners. Set-based whatever the cohort's size: one query for the matrix (members ×
 * courses, aggregated to one JSON object per member), besides the cohort's own loader.
 */
export async function cohortDashboard(db: Executor, input: { actor: Actor; cohortId: string }): Promise<CohortDashboardDto> {
  const { cohort } = await authorizeCohort(db, { ...input, action: 'cohorts.viewDashboard' });
  const rows = await db.execute<MatrixRow>(sql`
    select m.user_id, u.name, u.email, m.joined_at,
      coalesce(json_object_agg(e.course_id, json_build_object(
        'enrollmentId', e.id, 'progress', e.progress, 'status', e.status,
        'currentLessonId', e.current_lesson_id, 'completedAt', e.completed_at
      )) filter (where e.id is not null), '{}'::json) as progress
    from ${cohortMembers} m
    join ${users} u on u.id = m.user_id
    left join ${cohortCourses} cc on cc.cohort_id = m.cohort_id
    left join ${enrollments} e on e.user_id = m.user_id and e.course_id = cc.course_id
    where m.cohort_id = ${cohort.id}
    group by m.user_id, u.name, u.email, m.joined_at
    order by u.name, m.user_id`);
  const members = Array.from(rows, (row) => ({
    userId: row.user_id,
    name: row.name,
    email: row.email,
    joinedAt: iso(new Date(row.joined_at)),
    progress: Object.fromEntries(Object.entries(row.progress).map(([courseId, p]) => [courseId, progressEntry(p)])),
  }));
  const courses = cohort.courses.map(({ courseId, title }) => {
    const active = members.map((m) => m.progress[courseId]).filter((p): p is CourseProgressDto => p?.status === 'active');
    const sum = active.reduce((total, p) => total + p.progress, 0);
    return {
      courseId,
      title,
      averageProgress: active.length ? Math.round((sum / active.length) * 100) / 100 : 0,
      completed: active.filter((p) => p.completedAt !== null).length,
      enrolled: active.length,
    };
  });
  return { cohort, courses, members };
}

/** The signed-in person's cohorts, newest first, each with their own progress in its courses. */
export async function myCohorts(db: Executor, input: { actor: Actor }): Promise<MyCohortsDto> {
  const { userId } = requireUser(input.actor);
  const memberships = await db
    .select({ cohortId: cohortMembers.cohortId, joinedAt: cohortMembers.joinedAt })
    .from(cohortMembers)
    .where(eq(cohortMembers.userId, userId))
    .orderBy(desc(cohortMembers.joinedAt));
  const records = await loadCohortRecords(db, memberships.map((m) => m.cohortId));
  const courseIds = [...new Set(records.flatMap((r) => r.cohort.courses.map((c) => c.courseId)))];
  const mine = courseIds.length
    ? await db.select().from(enrollments).where(and(eq(enrollments.userId, userId), inArray(enrollments.courseId, courseIds)))
    : [];
  const byCourse = new Map(
    mine.map((e) => [
      e.courseId,
      progressEntry({ enrollmentId: e.id, progress: e.progress, status: e.status, currentLessonId: e.currentLessonId, completedAt: iso(e.completedAt) }),
    ]),
  );
  const joinedAt = new Map(memberships.map((m) => [m.cohortId, iso(m.joinedAt)]));
  return {
    cohorts: records.map(({ cohort }) => ({
      cohort,
      joinedAt: joinedAt.get(cohort.id)!,
      progress: Object.fromEntries(cohort.courses.flatMap((c) => (byCourse.has(c.courseId) ? [[c.courseId, byCourse.get(c.courseId)!]] : []))),
    })),
  };
}

function progressEntry(p: CourseProgressDto): CourseProgressDto {
  return {
    enrollmentId: p.enrollmentId,
    progress: Number(p.progress),
    status: p.status,
    currentLessonId: p.currentLessonId,
    // JSON from Postgres writes instants as "2025-01-02T03:04:05.6+00:00": normalise to the API's ISO form.
    completedAt: p.completedAt ? new Date(p.completedAt).toISOString() : null,
  };
}
