import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, numeric, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { courses, lessons, quizzes } from '../courses/schema.ts';
import { users } from '../users/schema.ts';

export const enrollmentSourceEnum = pgEnum('enrollment_source', ['self', 'staff', 'cohort', 'onboarding', 'assignment']);
export const enrollmentStatusEnum = pgEnum('enrollment_status', ['active', 'removed']);

/**
 * One row per member and course, ever (a unique index): removing access sets `removed`, and
 * enrolling again reactivates the same row with its history.
 */
export const enrollments = pgTable(
  'enrollments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    courseId: uuid('course_id').notNull().references(() => courses.id, { onDelete: 'restrict' }),
    source: enrollmentSourceEnum('source').notNull(),
    status: enrollmentStatusEnum('status').notNull().default('active'),
    /** 0–100, recomputed from completions over the course's current items whenever either changes. */
    progress: numeric('progress', { precision: 5, scale: 2, mode: 'number' }).notNull().default(0),
    currentLessonId: uuid('current_lesson_id').references(() => lessons.id, { onDelete: 'set null' }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    /**
     * When the current cycle began (recertification): lesson completions and quiz attempts before
     * it belong to earlier cycles and are kept as history, but count neither for progress nor
     * against attempt limits. Null: the enrollment's first cycle, everything counts.
     */
    cycleStartedAt: timestamp('cycle_started_at', { withTimezone: true }),
    enrolledBy: uuid('enrolled_by').references(() => users.id, { onDelete: 'set null' }),
    enrolledAt: timestamp('enrolled_at', { withTimezone: true }).notNull().defaultNow(),
    removedAt: timestamp('removed_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('enrollments_user_course_key').on(t.userId, t.courseId),
    index('enrollments_course_idx').on(t.courseId, t.status),
    check('enrollments_progress_range', sql`${t.progress} between 0 and 100`),
    check('enrollments_completed_means_full', sql`${t.completedAt} is null or ${t.progress} = 100`),
    check('enrollments_removed_has_time', sql`(${t.status} = 'removed') = (${t.removedAt} is not null)`),
  ],
);

export const lessonCompletions = pgTable(
  'lesson_completions',
  {
    enrollmentId: uuid('enrollment_id').notNull().references(() => enrollments.id, { onDelete: 'cascade' }),
    lessonId: uuid('lesson_id').notNull().references(() => lessons.id, { onDelete: 'cascade' }),
    completedAt: timestamp('completed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.enrollmentId, t.lessonId] }), index('lesson_completions_lesson_idx').on(t.lessonId)],
);

export interface SubmittedAnswer {
  questionId: string;
  optionIds: string[];
}

/**
 * One quiz attempt. Started attempts have a deadline (time limit) and no `submitted_at` yet; at most
 * one open attempt per learner and quiz (partial unique index), attempt numbers unique per quiz.
 */
export const quizSubmissions = pgTable(
  'quiz_submissions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    quizId: uuid('quiz_id').notNull().references(() => quizzes.id, { onDelete: 'cascade' }),
    enrollmentId: uuid('enrollment_id').notNull().references(() => enrollments.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    deadlineAt: timestamp('deadline_at', { withTimezone: true }),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    answers: jsonb('answers').$type<SubmittedAnswer[]>().notNull().default([]),
    score: integer('score'),
    maxScore: integer('max_score'),
    percentage: numeric('percentage', { precision: 5, scale: 2, mode: 'number' }),
    passed: boolean('passed'),
    /** Seconds from start to submission (capped at the limit for late submissions). */
    timeTakenSeconds: integer('time_taken_seconds'),
    /** Why it closed: submitted by the learner, or closed by the server when time ran out. */
    closedBy: text('closed_by'),
  },
  (t) => [
    uniqueIndex('quiz_submissions_attempt_key').on(t.quizId, t.userId, t.attempt),
    uniqueIndex('quiz_submissions_one_open_key').on(t.quizId, t.userId).where(sql`${t.submittedAt} is null`),
    index('quiz_submissions_enrollment_idx').on(t.enrollmentId),
    check('quiz_submissions_attempt_positive', sql`${t.attempt} > 0`),
    check('quiz_submissions_percentage_range', sql`${t.percentage} is null or ${t.percentage} between 0 and 100`),
    check('quiz_submissions_scored_when_submitted', sql`(${t.submittedAt} is null) = (${t.passed} is null)`),
  ],
);
