import { sql } from 'drizzle-orm';
import { check, date, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { courses } from '../courses/schema.ts';
import { users } from '../users/schema.ts';

export const cohorts = pgTable(
  'cohorts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on').notNull(),
    /** IANA zone the dates are meant in. */
    timezone: text('timezone').notNull(),
    /** Null: no limit. Enforced by a trigger on cohort_members. */
    seats: integer('seats'),
    /** Evaluations must happen by this day; it cuts the booking horizon. */
    evaluationEndsOn: date('evaluation_ends_on'),
    createdBy: uuid('created_by').notNull().references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('cohorts_dates_ordered', sql`${t.endsOn} >= ${t.startsOn}`),
    check('cohorts_seats_positive', sql`${t.seats} is null or ${t.seats} > 0`),
    check('cohorts_evaluation_after_start', sql`${t.evaluationEndsOn} is null or ${t.evaluationEndsOn} >= ${t.startsOn}`),
  ],
);

/** The courses a cohort takes, each with the evaluator who assesses it for this cohort. */
export const cohortCourses = pgTable(
  'cohort_courses',
  {
    cohortId: uuid('cohort_id').notNull().references(() => cohorts.id, { onDelete: 'cascade' }),
    courseId: uuid('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    evaluatorId: uuid('evaluator_id').references(() => users.id, { onDelete: 'set null' }),
    position: integer('position').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.cohortId, t.courseId] }), index('cohort_courses_course_idx').on(t.courseId)],
);

export const cohortMembers = pgTable(
  'cohort_members',
  {
    cohortId: uuid('cohort_id').notNull().references(() => cohorts.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow(),
    addedBy: uuid('added_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [primaryKey({ columns: [t.cohortId, t.userId] }), index('cohort_members_user_idx').on(t.userId)],
);
