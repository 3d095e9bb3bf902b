import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, jsonb, pgEnum, pgTable, primaryKey, smallint, text, time, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { cohorts } from '../cohorts/schema.ts';
import { courses } from '../courses/schema.ts';
import { users } from '../users/schema.ts';

export const certificateRequestStatusEnum = pgEnum('certificate_request_status', ['pending', 'completed', 'cancelled']);
export const evaluationOutcomeEnum = pgEnum('evaluation_outcome', ['pass', 'fail']);

/** Which people evaluate a course (a cohort's own evaluator for the course wins over these). */
export const courseEvaluators = pgTable(
  'course_evaluators',
  {
    courseId: uuid('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    evaluatorId: uuid('evaluator_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    addedBy: uuid('added_by').references(() => users.id, { onDelete: 'set null' }),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.evaluatorId] }), index('course_evaluators_evaluator_idx').on(t.evaluatorId)],
);

/** An evaluator's scheduling settings: the zone their weekly hours are meant in, a buffer, a standing meeting link. */
export const evaluatorSettings = pgTable(
  'evaluator_settings',
  {
    evaluatorId: uuid('evaluator_id').primaryKey().references(() => users.id, { onDelete: 'cascade' }),
    timezone: text('timezone').notNull(),
    bufferMinutes: integer('buffer_minutes').notNull().default(0),
    meetingLink: text('meeting_link'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('evaluator_settings_buffer_range', sql`${t.bufferMinutes} between 0 and 240`),
    check('evaluator_settings_meeting_link_https', sql`${t.meetingLink} is null or ${t.meetingLink} like 'https://%'`),
  ],
);

/**
 * Weekly hours, wall-clock in the evaluator's zone. ISO weekday (1 = Monday). Overlapping ranges
 * of one evaluator on one weekday are refused by an exclusion constraint (migration
 * `booking_exclusion`); `end_time` may be 24:00 (until midnight).
 */
export const availabilityRanges = pgTable(
  'availability_ranges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    evaluatorId: uuid('evaluator_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    weekday: smallint('weekday').notNull(),
    startTime: time('start_time').notNull(),
    endTime: time('end_time').notNull(),
  },
  (t) => [
    index('availability_ranges_evaluator_idx').on(t.evaluatorId, t.weekday),
    check('availability_ranges_weekday_iso', sql`${t.weekday} between 1 and 7`),
    check('availability_ranges_ordered', sql`${t.endTime} > ${t.startTime}`),
  ],
);

/** An evaluator's slot length for one course, when it differs from the course's `evaluation_slot_minutes`. */
export const evaluatorSlotLengths = pgTable(
  'evaluator_slot_lengths',
  {
    evaluatorId: uuid('evaluator_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    courseId: uuid('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    slotMinutes: integer('slot_minutes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.evaluatorId, t.courseId] }), check('evaluator_slot_lengths_range', sql`${t.slotMinutes} between 5 and 480`)],
);

/** Whole days (in the evaluator's zone, both ends included) on which an evaluator takes no evaluations. */
export const evaluatorUnavailability = pgTable(
  'evaluator_unavailability',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    evaluatorId: uuid('evaluator_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on').notNull(),
    reason: text('reason').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('evaluator_unavailability_evaluator_idx').on(t.evaluatorId, t.endsOn), check('evaluator_unavailability_ordered', sql`${t.endsOn} >= ${t.startsOn}`)],
);

/**
 * A booked evaluation. No two non-cancelled requests of one evaluator overlap (exclusion
 * constraint `certificate_requests_no_overlap`, migration `booking_exclusion`); a member has at
 * most one pending request per course (partial unique index below).
 */
export const certificateRequests = pgTable(
  'certificate_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    memberId: uuid('member_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    courseId: uuid('course_id').notNull().references(() => courses.id, { onDelete: 'restrict' }),
    cohortId: uuid('cohort_id').references(() => cohorts.id, { onDelete: 'set null' }),
    evaluatorId: uuid('evaluator_id').notNull().references(() => users.id, { onDelete: 'restrict' }),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    status: certificateRequestStatusEnum('status').notNull().default('pending'),
    learnerTimezone: text('learner_timezone').notNull(),
    meetingLink: text('meeting_link'),
    outcome: evaluationOutcomeEnum('outcome'),
    rubricScores: jsonb('rubric_scores').$type<Record<string, number>>(),
    notes: text('notes'),
    /** The .ics SEQUENCE: 0 when booked, raised by every reschedule and the cancellation. */
    icsSequence: integer('ics_sequence').notNull().default(0),
    cancelledBy: uuid('cancelled_by').references(() => users.id, { onDelete: 'set null' }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    cancelReason: text('cancel_reason'),
    /** When the evaluator marked it Completed, and who did (the evaluator or a moderator). */
    completedAt: timestamp('completed_at', { withTimezone: true }),
    completedBy: uuid('completed_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('certificate_requests_one_pending_key').on(t.memberId, t.courseId).where(sql`${t.status} = 'pending'`),
    index('certificate_requests_evaluator_idx').on(t.evaluatorId, t.startsAt),
    index('certificate_requests_member_idx').on(t.memberId, t.startsAt),
    index('certificate_requests_course_idx').on(t.courseId, t.startsAt),
    check('certificate_requests_ordered', sql`${t.endsAt} > ${t.startsAt}`),
    check('certificate_requests_cancelled_has_time', sql`(${t.status} = 'cancelled') = (${t.cancelledAt} is not null)`),
    check('certificate_requests_outcome_when_completed', sql`${t.outcome} is null or ${t.status} = 'completed'`),
    check('certificate_requests_sequence_nonnegative', sql`${t.icsSequence} >= 0`),
    check('certificate_requests_completed_has_outcome', sql`(${t.status} = 'completed') = (${t.outcome} is not null and ${t.completedAt} is not null)`),
  ],
);

/** One criterion of a course's evaluation rubric: evaluators score it from 0 to `maxScore`. */
export interface RubricCriterion {
  /** Stable key of the criterion; scores are stored under it. */
  key: string;
  name: string;
  maxScore: number;
}

/**
 * A course's evaluation settings kept by the scheduling module: the rubric evaluators score.
 * A course without a row has an empty rubric (an outcome and notes only).
 */
export const courseEvaluationSettings = pgTable('course_evaluation_settings', {
  courseId: uuid('course_id').primaryKey().references(() => courses.id, { onDelete: 'cascade' }),
  rubric: jsonb('rubric').$type<RubricCriterion[]>().notNull().default([]),
  updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Learners waiting for a slot of a course: their position is their order of joining. One entry per
 * member and course (unique index). `notifiedOpeningId` names the last opening they were told
 * about, so a retried notification job tells each opening once.
 */
export const evaluationWaitlist = pgTable(
  'evaluation_waitlist',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Order of joining, strictly increasing: breaks ties between equal `joined_at` times. */
    seq: bigint('seq', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    courseId: uuid('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    memberId: uuid('member_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow(),
    notifiedAt: timestamp('notified_at', { withTimezone: true }),
    notifiedOpeningId: uuid('notified_opening_id'),
  },
  (t) => [uniqueIndex('evaluation_waitlist_member_course_key').on(t.courseId, t.memberId), index('evaluation_waitlist_order_idx').on(t.courseId, t.joinedAt, t.id), index('evaluation_waitlist_seq_idx').on(t.courseId, t.seq)],
);
