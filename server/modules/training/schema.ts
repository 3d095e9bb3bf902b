import { sql } from 'drizzle-orm';
import { check, date, index, integer, pgEnum, pgTable, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { courses } from '../courses/schema.ts';
import { enrollments } from '../enrollment/schema.ts';
import { users } from '../users/schema.ts';

export const trainingAssignmentStatusEnum = pgEnum('training_assignment_status', ['pending', 'in_progress', 'completed', 'overdue']);
export const trainingAssignmentSourceEnum = pgEnum('training_assignment_source', ['manual', 'bulk', 'onboarding', 'recertification']);

/**
 * A due date for one employee to complete one course (TA-0001 onward, from `number`). Status
 * follows the enrollment's progress in SQL (`syncAssignmentsForEnrollments`) and the daily sweep
 * (overdue). At most one open (not completed) assignment per employee and course: a partial
 * unique index, so concurrent assigners can never both win. Completed rows are kept for audits;
 * a trigger refuses to delete them. `cycle` counts recertifications: each cycle is its own row.
 */
export const trainingAssignments = pgTable(
  'training_assignments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Shown as TA-0001; an identity sequence, so numbers never repeat. */
    number: integer('number').notNull().generatedAlwaysAsIdentity(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'restrict' }),
    courseId: uuid('course_id').notNull().references(() => courses.id, { onDelete: 'restrict' }),
    enrollmentId: uuid('enrollment_id').notNull().references(() => enrollments.id, { onDelete: 'restrict' }),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    status: trainingAssignmentStatusEnum('status').notNull().default('pending'),
    source: trainingAssignmentSourceEnum('source').notNull().default('manual'),
    cycle: integer('cycle').notNull().default(1),
    /** A completion of the enrollment counts for this cycle only if it happened at or after this instant (null: any completion). */
    countsFrom: timestamp('counts_from', { withTimezone: true }),
    assignedBy: uuid('assigned_by').references(() => users.id, { onDelete: 'set null' }),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
    /** The day it was completed, in the organisation's timezone. */
    completedOn: date('completed_on', { mode: 'string' }),
    /** Set by the sweep in the same UPDATE that picks the assignment for its reminder: at most one reminder. */
    reminderSentAt: timestamp('reminder_sent_at', { withTimezone: true }),
    /** Set when the learner was told it became overdue: at most once. */
    overdueNotifiedAt: timestamp('overdue_notified_at', { withTimezone: true }),
    /** Set on a completed assignment when the next cycle's assignment was created (recertification): once. */
    renewedAt: timestamp('renewed_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('training_assignments_number_key').on(t.number),
    // No index names `status`, not even in a predicate ("open" is `completed_on is null`, which the
    // check below makes the same thing): the sweep's pending → overdue UPDATE of every late row
    // then changes no indexed column and stays a HOT update (fillfactor 50 leaves the room, see
    // migration `training_sweep_hot`), writing no index entries at all.
    uniqueIndex('training_assignments_one_open_key').on(t.userId, t.courseId).where(sql`${t.completedOn} is null`),
    uniqueIndex('training_assignments_cycle_key').on(t.userId, t.courseId, t.cycle),
    index('training_assignments_enrollment_idx').on(t.enrollmentId),
    index('training_assignments_course_idx').on(t.courseId),
    index('training_assignments_open_due_idx').on(t.dueOn).where(sql`${t.completedOn} is null`),
    check('training_assignments_cycle_positive', sql`${t.cycle} > 0`),
    check('training_assignments_completed_has_day', sql`(${t.status} = 'completed') = (${t.completedOn} is not null)`),
  ],
);
