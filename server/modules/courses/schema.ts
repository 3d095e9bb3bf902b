import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../users/schema.ts';

export const courseStatusEnum = pgEnum('course_status', ['draft', 'published']);
export const questionKindEnum = pgEnum('question_kind', ['single', 'multiple']);

export const courses = pgTable(
  'courses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    /** A cover picture as a data: URL (uploaded) or an https URL. */
    coverImage: text('cover_image'),
    status: courseStatusEnum('status').notNull().default('draft'),
    /** The course creator who owns it; moderators may edit every course. */
    ownerId: uuid('owner_id').notNull().references(() => users.id),
    isMandatory: boolean('is_mandatory').notNull().default(false),
    /** Days a completion (and its certificate) stays valid; only for mandatory courses. */
    validityDays: integer('validity_days'),
    disableSelfLearning: boolean('disable_self_learning').notNull().default(false),
    enableCertification: boolean('enable_certification').notNull().default(false),
    /** The certificate needs an evaluator-led request first. */
    evaluationRequired: boolean('evaluation_required').notNull().default(false),
    /** Default length of an evaluation slot, used by scheduling. */
    evaluationSlotMinutes: integer('evaluation_slot_minutes').notNull().default(30),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('courses_status_idx').on(t.status),
    index('courses_owner_idx').on(t.ownerId),
    check('courses_validity_days_positive', sql`${t.validityDays} is null or ${t.validityDays} > 0`),
    check('courses_validity_needs_mandatory', sql`${t.validityDays} is null or ${t.isMandatory}`),
    check('courses_evaluation_needs_certification', sql`not ${t.evaluationRequired} or ${t.enableCertification}`),
    check('courses_slot_minutes_range', sql`${t.evaluationSlotMinutes} between 5 and 480`),
    check('courses_title_not_blank', sql`length(trim(${t.title})) > 0`),
  ],
);

/** Further instructors of a course besides its owner: they see its learners' progress. */
export const courseInstructors = pgTable(
  'course_instructors',
  {
    courseId: uuid('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId] }), index('course_instructors_user_idx').on(t.userId)],
);

export const chapters = pgTable(
  'chapters',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    courseId: uuid('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    position: integer('position').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('chapters_course_idx').on(t.courseId, t.position)],
);

export const lessons = pgTable(
  'lessons',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    courseId: uuid('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    chapterId: uuid('chapter_id').notNull().references(() => chapters.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    /** Markdown, rendered to sanitised HTML when served. */
    body: text('body').notNull().default(''),
    videoUrl: text('video_url'),
    position: integer('position').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('lessons_course_idx').on(t.courseId), index('lessons_chapter_idx').on(t.chapterId, t.position)],
);

export const quizzes = pgTable(
  'quizzes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    courseId: uuid('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    chapterId: uuid('chapter_id').notNull().references(() => chapters.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    position: integer('position').notNull(),
    passPercentage: integer('pass_percentage').notNull().default(70),
    /** Null: unlimited attempts. */
    maxAttempts: integer('max_attempts'),
    /** Null: untimed. */
    timeLimitSeconds: integer('time_limit_seconds'),
    /** Required quizzes count toward progress and gate certification. */
    isRequired: boolean('is_required').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('quizzes_course_idx').on(t.courseId),
    check('quizzes_pass_percentage_range', sql`${t.passPercentage} between 0 and 100`),
    check('quizzes_max_attempts_positive', sql`${t.maxAttempts} is null or ${t.maxAttempts} > 0`),
    check('quizzes_time_limit_positive', sql`${t.timeLimitSeconds} is null or ${t.timeLimitSeconds} >= 10`),
  ],
);

export const quizQuestions = pgTable(
  'quiz_questions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    quizId: uuid('quiz_id').notNull().references(() => quizzes.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    prompt: text('prompt').notNull(),
    kind: questionKindEnum('kind').notNull(),
    explanation: text('explanation').notNull().default(''),
    points: integer('points').notNull().default(1),
  },
  (t) => [index('quiz_questions_quiz_idx').on(t.quizId, t.position), check('quiz_questions_points_positive', sql`${t.points} > 0`)],
);

export const quizOptions = pgTable(
  'quiz_options',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    questionId: uuid('question_id').notNull().references(() => quizQuestions.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    label: text('label').notNull(),
    isCorrect: boolean('is_correct').notNull().default(false),
  },
  (t) => [index('quiz_options_question_idx').on(t.questionId, t.position)],
);
