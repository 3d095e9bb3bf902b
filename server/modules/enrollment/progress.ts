import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { AppError, pgErrorCode, pgErrors } from '../../errors.ts';
import { domainEvent, type DomainEvent } from '../../realtime/events.ts';
import { loadCourseItems, type CourseItems } from '../courses/access.ts';
import { loadEnrollments } from './queries.ts';
import { enrollments } from './schema.ts';
import { syncAssignmentsForEnrollments } from '../training/sync.ts';

/** Namespace of the per-course progress lock (`pg_advisory_xact_lock(namespace, hashtext(courseId))`). */
const PROGRESS_LOCK = 727_010;

/**
 * The per-course progress lock, held until the transaction ends. Whoever recomputes one learner's
 * progress takes it shared (before locking that enrollment row), so learners never wait for each
 * other; `recomputeCourseProgress` takes it exclusive, so it waits for completions in flight and
 * its one UPDATE then sees every committed completion, and a completion that comes after it
 * sees the course's new items. Taken before any enrollment row lock, always.
 */
export async function lockCourseProgress(tx: Executor, courseId: string, mode: 'shared' | 'exclusive'): Promise<void> {
  if (mode === 'shared') await tx.execute(sql`select pg_advisory_xact_lock_shared(${PROGRESS_LOCK}, hashtext(${courseId}))`);
  else await tx.execute(sql`select pg_advisory_xact_lock(${PROGRESS_LOCK}, hashtext(${courseId}))`);
}

/**
 * The learner's active enrollment in the course, locked for this transaction (progress lock
 * shared, then the row `FOR UPDATE`); 403 `not_enrolled` when there is none. Every change to one
 * learner's progress starts here, so concurrent completions add up exactly.
 */
export async function lockActiveEnrollment(tx: Executor, input: { userId: string; courseId: string }) {
  await lockCourseProgress(tx, input.courseId, 'shared');
  const [row] = await tx
    .select()
    .from(enrollments)
    .where(and(eq(enrollments.userId, input.userId), eq(enrollments.courseId, input.courseId), eq(enrollments.status, 'active')))
    .for('update');
  if (!row) throw new AppError('not_enrolled', 'Enrol in this course first.');
  return row;
}

/**
 * Sets progress (0–100, two decimals) of the course's active enrollments, or of those in
 * `enrollmentIds`, in one UPDATE: completed current lessons plus passed required quizzes over the
 * course's current lessons plus required quizzes, counting only the current cycle's (from
 * `cycle_started_at`, set by recertification). `completed_at` is set when progress first
 * reaches 100 and cleared when it drops below. Returns the ids whose progress or completion changed.
 */
export async function updateProgress(
  tx: Executor,
  input: { courseId: string; items: CourseItems; enrollmentIds?: readonly string[]; now?: Date },
): Promise<string[]> {
  const { lessonIds, requiredQuizIds } = input.items;
  const total = lessonIds.length + requiredQuizIds.length;
  const now = input.now ? sql`${input.now.toISOString()}::timestamptz` : sql`now()`;
  const only = input.enrollmentIds ? sql`and e.id = any(${sql.param([...input.enrollmentIds])}::uuid[])` : sql``;
  const rows = await tx.execute<{ id: string }>(sql`
    with computed as (
      select d.id, case
        when ${total}::int = 0 then 0::numeric
        when d.done >= ${total}::int then 100::numeric
        else least(99.99, round(100.0 * d.done / ${total}::int, 2)) -- 100 means everything, never a rounding
      end as value
      from (
        select e.id,
          (select count(*) from lesson_completions lc where lc.enrollment_id = e.id and lc.lesson_id = any(${sql.param(lessonIds)}::uuid[])
            and lc.completed_at >= coalesce(e.cycle_started_at, '-infinity'))
          + (select count(distinct qs.quiz_id) from quiz_submissions qs where qs.enrollment_id = e.id and qs.passed and qs.quiz_id = any(${sql.param(requiredQuizIds)}::uuid[])
            and qs.started_at >= coalesce(e.cycle_started_at, '-infinity')) as done
        from ${enrollments} e
        where e.course_id = ${input.courseId} and e.status = 'active' ${only}
      ) d
    )
    update ${enrollments} e set
      progress = c.value,
      completed_at = case when c.value >= 100 then coalesce(e.completed_at, ${now}) else null end,
      updated_at = ${now}
    from computed c
    where e.id = c.id and e.status = 'active'
      and (e.progress <> c.value or (e.completed_at is not null) <> (c.value >= 100))
    returning e.id`);
  return Array.from(rows, (row) => row.id);
}

/**
 * Recomputes the progress of every active enrollment of a course in one UPDATE and returns an
 * `enrollment.updated` event for each one whose progress changed. Courses authoring calls it
 * inside its own transaction after adding or removing lessons or quizzes, or changing a quiz's
 * `isRequired`; relay the events after that transaction commits.
 * @example const events = await recomputeCourseProgress(tx, courseId, now);
 */
export async function recomputeCourseProgress(tx: Executor, courseId: string, now?: Date): Promise<DomainEvent[]> {
  await lockCourseProgress(tx, courseId, 'exclusive');
  const items = await loadCourseItems(tx, courseId);
  const changed = await updateProgress(tx, { courseId, items, now });
  return [...(await loadEnrollments(tx, changed)).map((enrollment) => domainEvent('enrollment.updated', enrollment)), ...(await syncAssignmentsForEnrollments(tx, changed, now ?? new Date()))];
}

/** Recomputes one enrollment (whose row the caller has locked); true when its progress changed. */
export async function recomputeEnrollmentProgress(tx: Executor, input: { courseId: string; enrollmentId: string; now: Date }): Promise<boolean> {
  const items = await loadCourseItems(tx, input.courseId);
  const changed = await updateProgress(tx, { courseId: input.courseId, items, enrollmentIds: [input.enrollmentId], now: input.now });
  return changed.length > 0;
}

/**
 * Runs a transaction again (up to three times) when PostgreSQL broke a deadlock by aborting it:
 * possible when a learner completes a lesson while an author deletes it and recomputes progress.
 */
export async function retryOnDeadlock<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || pgErrorCode(error) !== pgErrors.deadlockDetected) throw error;
    }
  }
}
