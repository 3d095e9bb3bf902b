import { and, asc, eq, gt, inArray, lt, ne, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { cohortCourses, cohortMembers, cohorts } from '../cohorts/schema.ts';
import { formatMinute, minuteOfDay, type EvaluatorSchedule, type Span } from './slots.ts';
import { availabilityRanges, certificateRequests, courseEvaluators, evaluatorSettings, evaluatorSlotLengths, evaluatorUnavailability } from './schema.ts';

// Cohort links are read here, read-only, as enrollment's `cohortIds` reads them: the cohorts
// module offers no lookup by learner-and-course or by evaluator, and these reads sit on the
// booking path, where one query beats loading whole cohort records.

export interface CohortLink {
  cohortId: string;
  evaluatorId: string | null;
  evaluationEndsOn: string | null;
  timezone: string;
}

/** The learner's cohorts that take this course, with the evaluator each names and its evaluation end date. */
export async function learnerCohortLinks(db: Executor, input: { userId: string; courseId: string }): Promise<CohortLink[]> {
  return db
    .select({ cohortId: cohortCourses.cohortId, evaluatorId: cohortCourses.evaluatorId, evaluationEndsOn: cohorts.evaluationEndsOn, timezone: cohorts.timezone })
    .from(cohortMembers)
    .innerJoin(cohortCourses, eq(cohortCourses.cohortId, cohortMembers.cohortId))
    .innerJoin(cohorts, eq(cohorts.id, cohortMembers.cohortId))
    .where(and(eq(cohortMembers.userId, input.userId), eq(cohortCourses.courseId, input.courseId)))
    .orderBy(asc(cohortCourses.cohortId));
}

/** Evaluators mapped to the course by moderators. */
export async function mappedEvaluatorIds(db: Executor, courseId: string): Promise<string[]> {
  const rows = await db.select({ id: courseEvaluators.evaluatorId }).from(courseEvaluators).where(eq(courseEvaluators.courseId, courseId)).orderBy(asc(courseEvaluators.evaluatorId));
  return rows.map((r) => r.id);
}

/** Everyone who evaluates the course: mapped to it, or named by a cohort taking it. */
export async function allEvaluatorIds(db: Executor, courseId: string): Promise<string[]> {
  const rows = await db.execute<{ id: string }>(sql`
    select evaluator_id as id from ${courseEvaluators} where course_id = ${courseId}
    union select evaluator_id from ${cohortCourses} where course_id = ${courseId} and evaluator_id is not null`);
  return Array.from(rows, (r) => r.id);
}

/** Courses an evaluator serves, mapped or through a cohort: the boards that show their time. */
export async function coursesServedBy(db: Executor, evaluatorId: string): Promise<string[]> {
  const rows = await db.execute<{ id: string }>(sql`
    select course_id as id from ${courseEvaluators} where evaluator_id = ${evaluatorId}
    union select course_id from ${cohortCourses} where evaluator_id = ${evaluatorId}
    order by id`);
  return Array.from(rows, (r) => r.id);
}

export interface EvaluatorPlan {
  evaluatorId: string;
  timezone: string;
  bufferMinutes: number;
  meetingLink: string | null;
  updatedAt: Date;
  schedule: EvaluatorSchedule;
  /** Slot length per course where the evaluator set one. */
  slotMinutesByCourse: Map<string, number>;
}

/**
 * Scheduling settings, weekly hours, slot lengths and unavailability of these evaluators, by id,
 * in one statement (every booking and slot board reads it). Evaluators who never saved their
 * availability are absent: they offer no slots.
 */
export async function loadPlans(db: Executor, evaluatorIds: readonly string[]): Promise<Map<string, EvaluatorPlan>> {
  if (!evaluatorIds.length) return new Map();
  type Json<T> = T | string;
  const rows = await db.execute<{
    evaluator_id: string;
    timezone: string;
    buffer_minutes: number;
    meeting_link: string | null;
    updated_at: string | Date;
    weekly: Json<{ weekday: number; start: string; end: string }[]>;
    lengths: Json<{ courseId: string; minutes: number }[]>;
    unavailable: Json<{ startsOn: string; endsOn: string }[]>;
  }>(sql`
    select s.evaluator_id, s.timezone, s.buffer_minutes, s.meeting_link, s.updated_at,
      coalesce((select json_agg(json_build_object('weekday', r.weekday, 'start', r.start_time::text, 'end', r.end_time::text) order by r.weekday, r.start_time)
        from ${availabilityRanges} r where r.evaluator_id = s.evaluator_id), '[]') as weekly,
      coalesce((select json_agg(json_build_object('courseId', l.course_id, 'minutes', l.slot_minutes))
        from ${evaluatorSlotLengths} l where l.evaluator_id = s.evaluator_id), '[]') as lengths,
      coalesce((select json_agg(json_build_object('startsOn', u.starts_on::text, 'endsOn', u.ends_on::text) order by u.starts_on)
        from ${evaluatorUnavailability} u where u.evaluator_id = s.evaluator_id), '[]') as unavailable
    from ${evaluatorSettings} s
    where s.evaluator_id = any(${sql.param([...evaluatorIds])}::uuid[])`);
  const parsed = <T>(value: Json<T>): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);
  return new Map(
    Array.from(rows, (s) => [
      s.evaluator_id,
      {
        evaluatorId: s.evaluator_id,
        timezone: s.timezone,
        bufferMinutes: s.buffer_minutes,
        meetingLink: s.meeting_link,
        updatedAt: new Date(s.updated_at),
        schedule: {
          timezone: s.timezone,
          bufferMinutes: s.buffer_minutes,
          weekly: parsed(s.weekly).map((r) => ({ weekday: r.weekday, startMinute: minuteOfDay(r.start), endMinute: minuteOfDay(r.end) })),
          unavailable: parsed(s.unavailable),
        },
        slotMinutesByCourse: new Map(parsed(s.lengths).map((l) => [l.courseId, l.minutes])),
      },
    ]),
  );
}

/** A weekly range as the API shows it. */
export function weeklyRangeDto(range: { weekday: number; startMinute: number; endMinute: number }) {
  return { weekday: range.weekday, start: formatMinute(range.startMinute), end: formatMinute(range.endMinute) };
}

/** Non-cancelled bookings of these evaluators that touch [from, to), by evaluator; `exceptRequestId` is left out (a reschedule moving itself). */
export async function loadBookings(
  db: Executor,
  input: { evaluatorIds: readonly string[]; from: number; to: number; exceptRequestId?: string },
): Promise<Map<string, Span[]>> {
  const byEvaluator = new Map<string, Span[]>(input.evaluatorIds.map((id) => [id, []]));
  if (!input.evaluatorIds.length) return byEvaluator;
  const rows = await db
    .select({ evaluatorId: certificateRequests.evaluatorId, startsAt: certificateRequests.startsAt, endsAt: certificateRequests.endsAt })
    .from(certificateRequests)
    .where(
      and(
        inArray(certificateRequests.evaluatorId, [...input.evaluatorIds]),
        ne(certificateRequests.status, 'cancelled'),
        lt(certificateRequests.startsAt, new Date(input.to)),
        gt(certificateRequests.endsAt, new Date(input.from)),
        input.exceptRequestId ? ne(certificateRequests.id, input.exceptRequestId) : undefined,
      ),
    );
  for (const row of rows) byEvaluator.get(row.evaluatorId)?.push({ startsAt: row.startsAt.getTime(), endsAt: row.endsAt.getTime() });
  return byEvaluator;
}

/** Pending requests per evaluator starting in [from, to): the load the server balances when it assigns an evaluator. */
export async function pendingLoad(db: Executor, input: { evaluatorIds: readonly string[]; from: number; to: number }): Promise<Map<string, number>> {
  const load = new Map<string, number>(input.evaluatorIds.map((id) => [id, 0]));
  if (!input.evaluatorIds.length) return load;
  const rows = await db
    .select({ evaluatorId: certificateRequests.evaluatorId, n: sql<number>`count(*)::int` })
    .from(certificateRequests)
    .where(
      and(
        inArray(certificateRequests.evaluatorId, [...input.evaluatorIds]),
        eq(certificateRequests.status, 'pending'),
        sql`${certificateRequests.startsAt} >= ${new Date(input.from).toISOString()}::timestamptz`,
        lt(certificateRequests.startsAt, new Date(input.to)),
      ),
    )
    .groupBy(certificateRequests.evaluatorId);
  for (const row of rows) load.set(row.evaluatorId, row.n);
  return load;
}

/** The member's pending request for the course, if any (at most one: a partial unique index). */
export async function pendingRequestId(db: Executor, input: { memberId: string; courseId: string }): Promise<string | null> {
  const [row] = await db
    .select({ id: certificateRequests.id })
    .from(certificateRequests)
    .where(and(eq(certificateRequests.memberId, input.memberId), eq(certificateRequests.courseId, input.courseId), eq(certificateRequests.status, 'pending')));
  return row?.id ?? null;
}
