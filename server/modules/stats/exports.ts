import type postgres from 'postgres';
import { authorize, type Actor } from '../../auth/permissions.ts';
import type { Database } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { readSetting } from '../system/settings.ts';
import { csvChunks } from './csv.ts';
import type { EnrollmentExportQuery, QuizSubmissionExportQuery } from './dto.ts';

// Exports read through a postgres.js cursor (1,000 rows a batch), so a download of any size holds
// one batch in memory; the HTTP stream's back-pressure paces the cursor. Breaking off the
// download ends the loop, which closes the cursor and frees its connection.

const BATCH = 1000;
type Fragment = postgres.PendingQuery<postgres.Row[]>;

/** The postgres.js client under drizzle: cursors are postgres.js's, drizzle has none. */
function rawClient(db: Database): postgres.Sql {
  const client = (db as Database & { $client?: postgres.Sql }).$client;
  if (!client) throw new Error('the database handle has no postgres.js client');
  return client;
}

function checkRange(query: { from?: string; to?: string }): void {
  if (query.from && query.to && query.from > query.to) throw new AppError('validation_failed', 'The first day comes after the last.');
}

function and(sql: postgres.Sql, parts: Fragment[]): Fragment {
  return parts.reduce((all, part) => sql`${all} and ${part}`, sql`true`);
}

/** `at` within the days `from`–`to` (both included) of the organisation's timezone. */
function dayRange(sql: postgres.Sql, column: Fragment, query: { from?: string; to?: string }, timezone: string): Fragment[] {
  const parts: Fragment[] = [];
  if (query.from) parts.push(sql`${column} >= (${query.from}::date)::timestamp at time zone ${timezone}`);
  if (query.to) parts.push(sql`${column} < (${query.to}::date + 1)::timestamp at time zone ${timezone}`);
  return parts;
}

/** Members of the cohort, in the cohort's courses. */
function inCohort(sql: postgres.Sql, cohortId: string, userColumn: Fragment, courseColumn: Fragment): Fragment {
  return sql`exists (select 1 from cohort_members m join cohort_courses cc on cc.cohort_id = m.cohort_id
    where m.cohort_id = ${cohortId} and m.user_id = ${userColumn} and cc.course_id = ${courseColumn})`;
}

const enrollmentHeader = ['enrollment_id', 'learner', 'email', 'department', 'course', 'source', 'status', 'progress', 'enrolled_at', 'completed_at', 'removed_at'];

/**
 * Enrollments matching the filters as CSV chunks. Access is checked before the first byte, so a
 * refusal is a 403 and not a broken download.
 * @example for await (const chunk of exportEnrollmentsCsv(db, { actor, courseId })) await out.write(chunk);
 */
export function exportEnrollmentsCsv(db: Database, input: { actor: Actor } & EnrollmentExportQuery): AsyncGenerator<string> {
  authorize(input.actor, 'stats.export');
  checkRange(input);
  return enrollmentChunks(rawClient(db), db, input);
}

async function* enrollmentChunks(sql: postgres.Sql, db: Database, query: EnrollmentExportQuery): AsyncGenerator<string> {
  const timezone = await readSetting(db, 'organisationTimezone');
  const where: Fragment[] = [];
  if (query.courseId) where.push(sql`e.course_id = ${query.courseId}`);
  if (query.cohortId) where.push(inCohort(sql, query.cohortId, sql`e.user_id`, sql`e.course_id`));
  if (query.status === 'active' || query.status === 'removed') where.push(sql`e.status = ${query.status}`);
  if (query.status === 'completed') where.push(sql`e.status = 'active' and e.completed_at is not null`);
  if (query.status === 'in_progress') where.push(sql`e.status = 'active' and e.completed_at is null`);
  where.push(...dayRange(sql, sql`e.enrolled_at`, query, timezone));
  const cursor = sql`
    select e.id, u.name, u.email, u.department, c.title, e.source, e.status, e.progress::float8 as progress, e.enrolled_at, e.completed_at, e.removed_at
    from enrollments e join users u on u.id = e.user_id join courses c on c.id = e.course_id
    where ${and(sql, where)}
    order by e.enrolled_at, e.id`.cursor(BATCH);
  yield* csvChunks(enrollmentHeader, cursor, (r) => [r.id, r.name, r.email, r.department, r.title, r.source, r.status, r.progress, r.enrolled_at, r.completed_at, r.removed_at]);
}

const submissionHeader = ['submission_id', 'learner', 'email', 'course', 'quiz', 'attempt', 'submitted_at', 'score', 'max_score', 'percentage', 'passed', 'time_taken_seconds', 'closed_by'];

/** Submitted quiz attempts matching the filters as CSV chunks (staff, or an API key with `reports:read`). */
export function exportQuizSubmissionsCsv(db: Database, input: { actor: Actor } & QuizSubmissionExportQuery): AsyncGenerator<string> {
  authorize(input.actor, 'stats.export');
  checkRange(input);
  return submissionChunks(rawClient(db), db, input);
}

async function* submissionChunks(sql: postgres.Sql, db: Database, query: QuizSubmissionExportQuery): AsyncGenerator<string> {
  const timezone = await readSetting(db, 'organisationTimezone');
  const where: Fragment[] = [sql`s.submitted_at is not null`];
  if (query.courseId) where.push(sql`q.course_id = ${query.courseId}`);
  if (query.cohortId) where.push(inCohort(sql, query.cohortId, sql`s.user_id`, sql`q.course_id`));
  if (query.status) where.push(sql`s.passed = ${query.status === 'passed'}`);
  where.push(...dayRange(sql, sql`s.submitted_at`, query, timezone));
  const cursor = sql`
    select s.id, u.name, u.email, c.title as course, q.title as quiz, s.attempt, s.submitted_at, s.score, s.max_score,
      s.percentage::float8 as percentage, s.passed, s.time_taken_seconds, s.closed_by
    from quiz_submissions s join quizzes q on q.id = s.quiz_id join courses c on c.id = q.course_id join users u on u.id = s.user_id
    where ${and(sql, where)}
    order by s.submitted_at, s.id`.cursor(BATCH);
  yield* csvChunks(submissionHeader, cursor, (r) => [r.id, r.name, r.email, r.course, r.quiz, r.attempt, r.submitted_at, r.score, r.max_score, r.percentage, r.passed, r.time_taken_seconds, r.closed_by]);
}
