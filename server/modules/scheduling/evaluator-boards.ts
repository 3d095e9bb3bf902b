import { sql, type SQL } from 'drizzle-orm';
import { Temporal } from 'temporal-polyfill';
import { authorize, type Actor } from '../../auth/permissions.ts';
import type { Executor } from '../../db/client.ts';
import { iso } from '../../http.ts';
import { loadCohortRecord } from '../cohorts/queries.ts';
import { loadCourseAccess } from '../courses/access.ts';
import { loadCourses } from '../courses/queries.ts';
import { readSettings } from '../system/settings.ts';
import { loadUsers } from '../users/queries.ts';
import type { BoardCountsDto, EvaluatorBoardsDto } from './dto.ts';
import { allEvaluatorIds, loadBookings, loadPlans, mappedEvaluatorIds } from './queries.ts';
import { certificateRequests } from './schema.ts';
import { scheduleSlots } from './slots.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const zero = (): BoardCountsDto => ({ booked: 0, free: 0, completed: 0, passed: 0, failed: 0 });

interface Scope {
  kind: 'course' | 'cohort';
  id: string;
  title: string;
  /** Which scope courses each evaluator serves (the first decides their slot length for `free`). */
  coursesByEvaluator: Map<string, string[]>;
  /** Which requests count: the course's, or the cohort's. */
  requestFilter: SQL;
  /** Free slots are counted up to this (the cohort's evaluation end, else only the horizon). */
  endsAt: number;
}

async function courseScope(db: Executor, actor: Actor, courseId: string): Promise<Scope> {
  const course = await loadCourseAccess(db, courseId);
  authorize(actor, 'schedulingBoards.view', { ownerIds: course.runnerIds });
  const ids = await allEvaluatorIds(db, courseId);
  return { kind: 'course', id: course.id, title: course.title, coursesByEvaluator: new Map(ids.map((id) => [id, [course.id]])), requestFilter: sql`course_id = ${course.id}`, endsAt: Infinity };
}

async function cohortScope(db: Executor, actor: Actor, cohortId: string): Promise<Scope> {
  const { cohort, runnerIds } = await loadCohortRecord(db, cohortId);
  authorize(actor, 'schedulingBoards.view', { ownerIds: runnerIds });
  const coursesByEvaluator = new Map<string, string[]>();
  const add = (evaluatorId: string, courseId: string) => coursesByEvaluator.set(evaluatorId, [...(coursesByEvaluator.get(evaluatorId) ?? []), courseId]);
  for (const course of cohort.courses) {
    // The cohort's evaluator for a course wins over the course's mapping, as on the booking path.
    if (course.evaluatorId) add(course.evaluatorId, course.courseId);
    else for (const id of await mappedEvaluatorIds(db, course.courseId)) add(id, course.courseId);
  }
  const endsAt = cohort.evaluationEndsOn ? Temporal.PlainDate.from(cohort.evaluationEndsOn).add({ days: 1 }).toZonedDateTime(cohort.timezone).epochMilliseconds : Infinity;
  return { kind: 'cohort', id: cohort.id, title: cohort.title, coursesByEvaluator, requestFilter: sql`cohort_id = ${cohort.id}`, endsAt };
}

/**
 * Every evaluator of a course or a cohort with their counts: booked (pending), completed (passed,
 * failed), and free slots from now (after the minimum notice) to the horizon or the cohort's
 * evaluation end. The request counts are one grouped query over the scope's requests; the free
 * slots are generated from each evaluator's hours minus all their bookings (any course: their
 * time is shared). Staff and the runners of the course (or of the cohort's courses).
 */
export async function getEvaluatorBoards(db: Executor, input: { actor: Actor; courseId?: string; cohortId?: string; now: Date }): Promise<EvaluatorBoardsDto> {
  const scope = input.courseId ? await courseScope(db, input.actor, input.courseId) : await cohortScope(db, input.actor, input.cohortId!);
  const evaluatorIds = [...scope.coursesByEvaluator.keys()].sort();
  const courseIds = [...new Set([...scope.coursesByEvaluator.values()].flat())];
  const settings = await readSettings(db);
  const now = input.now.getTime();
  const from = now + settings.minimumNoticeHours * HOUR_MS;
  const to = Math.min(now + settings.bookingHorizonDays * DAY_MS, scope.endsAt);

  const [people, plans, courses, counted, bookings] = await Promise.all([
    loadUsers(db, evaluatorIds),
    loadPlans(db, evaluatorIds),
    loadCourses(db, courseIds),
    evaluatorIds.length
      ? db.execute<{ evaluator_id: string; booked: number; completed: number; passed: number; failed: number }>(sql`
          select evaluator_id,
                 count(*) filter (where status = 'pending')::int as booked,
                 count(*) filter (where status = 'completed')::int as completed,
                 count(*) filter (where outcome = 'pass')::int as passed,
                 count(*) filter (where outcome = 'fail')::int as failed
          from ${certificateRequests}
          where evaluator_id = any(${sql.param(evaluatorIds)}::uuid[]) and ${scope.requestFilter}
          group by evaluator_id`)
      : Promise.resolve([]),
    to > from ? loadBookings(db, { evaluatorIds, from: from - DAY_MS, to: to + DAY_MS }) : Promise.resolve(new Map()),
  ]);
  const countsBy = new Map(Array.from(counted, (row) => [row.evaluator_id, row]));
  const slotMinutesOf = new Map(courses.map((c) => [c.id, c.evaluationSlotMinutes]));

  const evaluators = evaluatorIds.map((evaluatorId) => {
    const person = people.find((p) => p.id === evaluatorId);
    const plan = plans.get(evaluatorId);
    const served = scope.coursesByEvaluator.get(evaluatorId) ?? [];
    const row = countsBy.get(evaluatorId);
    const counts: BoardCountsDto = { ...zero(), ...(row ? { booked: row.booked, completed: row.completed, passed: row.passed, failed: row.failed } : {}) };
    if (plan && to > from && person?.isActive && person.roles.includes('batch_evaluator')) {
      const slotMinutes = plan.slotMinutesByCourse.get(served[0]) ?? slotMinutesOf.get(served[0]) ?? 30;
      counts.free = scheduleSlots({ schedule: plan.schedule, slotMinutes, bookings: bookings.get(evaluatorId) ?? [], from, to }).length;
    }
    return {
      evaluatorId,
      name: person?.name ?? 'Unknown evaluator',
      timezone: plan?.timezone ?? person?.timezone ?? 'UTC',
      configured: Boolean(plan),
      courseIds: served,
      counts,
    };
  });
  const totals = evaluators.reduce((sum, e) => {
    for (const key of Object.keys(sum) as (keyof BoardCountsDto)[]) sum[key] += e.counts[key];
    return sum;
  }, zero());
  return {
    scope: { kind: scope.kind, id: scope.id, title: scope.title },
    courseIds,
    evaluators: evaluators.sort((a, b) => a.name.localeCompare(b.name)),
    totals,
    countedAt: iso(input.now),
  };
}
