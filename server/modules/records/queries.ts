import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import type { SubmittedAnswer } from '../enrollment/schema.ts';

// Read-only SQL over the enrollment and courses modules' tables, for the reports only: nothing
// here writes, and there is no service in those modules that lists a person's closed attempts.

/** One quiz attempt with what its report heads with: who, which course and quiz. */
export interface SubmissionRecord {
  id: string;
  quizId: string;
  quizTitle: string;
  enrollmentId: string;
  courseId: string;
  courseTitle: string;
  userId: string;
  memberName: string;
  memberEmail: string;
  attempt: number;
  /** Null while the attempt is open. */
  submittedAt: Date | null;
  answers: SubmittedAnswer[];
  percentage: number | null;
  passed: boolean | null;
}

type SubmissionRow = {
  id: string;
  quiz_id: string;
  quiz_title: string;
  enrollment_id: string;
  course_id: string;
  course_title: string;
  user_id: string;
  member_name: string;
  member_email: string;
  attempt: number;
  submitted_at: string | Date | null;
  answers: SubmittedAnswer[] | null;
  percentage: string | null;
  passed: boolean | null;
};

function toRecord(row: SubmissionRow): SubmissionRecord {
  return {
    id: row.id,
    quizId: row.quiz_id,
    quizTitle: row.quiz_title,
    enrollmentId: row.enrollment_id,
    courseId: row.course_id,
    courseTitle: row.course_title,
    userId: row.user_id,
    memberName: row.member_name,
    memberEmail: row.member_email,
    attempt: row.attempt,
    submittedAt: row.submitted_at === null ? null : new Date(row.submitted_at),
    answers: row.answers ?? [],
    percentage: row.percentage === null ? null : Number(row.percentage),
    passed: row.passed,
  };
}

async function selectSubmissions(db: Executor, where: ReturnType<typeof sql>): Promise<SubmissionRecord[]> {
  const rows = await db.execute<SubmissionRow>(sql`
    select qs.id, qs.quiz_id, q.title as quiz_title, qs.enrollment_id, q.course_id, c.title as course_title,
      qs.user_id, u.name as member_name, u.email as member_email, qs.attempt, qs.submitted_at, qs.answers,
      qs.percentage::text as percentage, qs.passed
    from quiz_submissions qs
    join quizzes q on q.id = qs.quiz_id
    join courses c on c.id = q.course_id
    join users u on u.id = qs.user_id
    where ${where}
    order by c.title, c.id, qs.submitted_at nulls last, q.title, qs.attempt, qs.id`);
  return Array.from(rows, toRecord);
}

/** One attempt (open or closed), or null when there is none. */
export async function findSubmission(db: Executor, submissionId: string): Promise<SubmissionRecord | null> {
  const [record] = await selectSubmissions(db, sql`qs.id = ${submissionId}`);
  return record ?? null;
}

/** An enrollment's closed attempts, every cycle, in the order they were submitted. */
export async function enrollmentSubmissions(db: Executor, enrollmentId: string): Promise<SubmissionRecord[]> {
  return selectSubmissions(db, sql`qs.enrollment_id = ${enrollmentId} and qs.submitted_at is not null`);
}

/** A person's closed attempts in every course, by course then submission time. */
export async function memberSubmissions(db: Executor, userId: string): Promise<SubmissionRecord[]> {
  return selectSubmissions(db, sql`qs.user_id = ${userId} and qs.submitted_at is not null`);
}
