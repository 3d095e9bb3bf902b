import { and, asc, eq, gt, inArray, lt, ne, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { cohortCourses } from '../cohorts/schema.ts';
import { formatMinute, minuteOfDay, type EvaluatorSchedule, type Span } from './slots.ts';
import { availabilityRanges, certificateRequests, courseEvaluators, evaluatorSettings, evaluatorSlotLengths, evaluatorUnavailability } from './schema.ts';

// Cohort links are read here, read-only, as enrollment's `cohortIds` reads them: the cohorts
// module offers no lookup by learner-and-course or by evaluator, and these reads sit on the
// booking path, where one query beats loading whole cohort records (see `loadBookingFacts`).

export interface CohortLink {
  cohortId: string;
  evaluatorId: string | null;
  evaluationEndsOn: string | null;
  timezone: string;
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

/** Everything but the evaluators' plans that decides a learner's slots and whether they may book. */
export interface BookingFacts {
  course: { id: string; title: string; evaluationRequired: boolean; evaluationSlotMinutes: number } | null;
  /** The learner's active enrollment in the course. */
  enrollment: { id: string; progress: number } | null;
  learner: { id: string; name: string; email: string; timezone: string | null } | null;
  links: CohortLink[];
  /** Active batch evaluators serving the learner (their cohorts' evaluators, else the course's), never the learner, in id order. */
  evaluatorIds: string[];
  settings: { minimumNoticeHours: unknown; bookingHorizonDays: unknown };
  /** Required quizzes not passed in the enrollment's current cycle. */
  missingQuizIds: string[];
  /** The learner's pending request for the course, if any. */
  pendingRequestId: string | null;
}

/**
 * The booking path's facts in one statement: every slot board, booking and refusal asks for
 * them, and under a cohort's booking storm statements are what the database runs out of first.
 * A read model over the course, the learner, their enrollment and quiz passes, their cohorts,
 * the course's evaluators and two settings, read-only (as the statistics module reads), instead
 * of nine service calls. A cohort's named evaluator wins over the course's mapping.
 */
export async function loadBookingFacts(db: Executor, input: { userId: string; courseId: string }): Promise<BookingFacts> {
  const { userId, courseId } = input;
  const [row] = await db.execute<{
    course: BookingFacts['course'] | string;
    enrollment: { id: string; progress: number | string } | string | null;
    learner: BookingFacts['learner'] | string;
    links: CohortLink[] | string;
    evaluator_ids: string[] | string;
    minimum_notice_hours: unknown;
    booking_horizon_days: unknown;
    missing_quiz_ids: string[] | string;
    pending_request_id: string | null;
  }>(sql`
    with links as (
      select cc.cohort_id, cc.evaluator_id, co.evaluation_ends_on::text as evaluation_ends_on, co.timezone
      from cohort_members cm
        join cohort_courses cc on cc.cohort_id = cm.cohort_id
        join cohorts co on co.id = cm.cohort_id
      where cm.user_id = ${userId} and cc.course_id = ${courseId}
    ), named as (
      select distinct evaluator_id from links where evaluator_id is not null
    ), candidates as (
      select evaluator_id as id from named
      union select ce.evaluator_id from course_evaluators ce where ce.course_id = ${courseId} and not exists (select 1 from named)
    ), e as (
      select id, progress, cycle_started_at from enrollments where user_id = ${userId} and course_id = ${courseId} and status = 'active'
    )
    select
      (select json_build_object('id', c.id, 'title', c.title, 'evaluationRequired', c.evaluation_required, 'evaluationSlotMinutes', c.evaluation_slot_minutes)
        from courses c where c.id = ${courseId}) as course,
      (select json_build_object('id', e.id, 'progress', e.progress) from e) as enrollment,
      (select json_build_object('id', u.id, 'name', u.name, 'email', u.email, 'timezone', u.timezone) from users u where u.id = ${userId}) as learner,
      coalesce((select json_agg(json_build_object('cohortId', l.cohort_id, 'evaluatorId', l.evaluator_id, 'evaluationEndsOn', l.evaluation_ends_on, 'timezone', l.timezone) order by l.cohort_id)
        from links l), '[]') as links,
      coalesce((select json_agg(x.id order by x.id) from candidates x join users u on u.id = x.id
        where u.id <> ${userId} and u.is_active and exists (select 1 from user_roles r where r.user_id = u.id and r.role = 'batch_evaluator')), '[]') as evaluator_ids,
      (select value from settings where key = 'minimumNoticeHours') as minimum_notice_hours,
      (select value from settings where key = 'bookingHorizonDays') as booking_horizon_days,
      coalesce((select json_agg(q.id order by q.id) from quizzes q
        where q.course_id = ${courseId} and q.is_required and not exists (
          select 1 from quiz_submissions qs join e on e.id = qs.enrollment_id
          where qs.quiz_id = q.id and qs.passed and qs.started_at >= coalesce(e.cycle_started_at, '-infinity'))), '[]') as missing_quiz_ids,
      (select r.id from ${certificateRequests} r where r.member_id = ${userId} and r.course_id = ${courseId} and r.status = 'pending') as pending_request_id`);
  const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);
  const enrollment = json(row.enrollment);
  return {
    course: json(row.course),
    enrollment: enrollment ? { id: enrollment.id, progress: Number(enrollment.progress) } : null,
    learner: json(row.learner),
    links: json(row.links),
    evaluatorIds: json(row.evaluator_ids),
    settings: { minimumNoticeHours: row.minimum_notice_hours ?? undefined, bookingHorizonDays: row.booking_horizon_days ?? undefined },
    missingQuizIds: json(row.missing_quiz_ids),
    pendingRequestId: row.pending_request_id,
  };
}
