import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { iso } from '../../http.ts';
import type { QuizResultDto } from './dto.ts';

// Read here, read-only, as queries.ts reads cohort links: the enrollment module offers the passed
// set (`passedQuizzes`, which decides) but no per-quiz summary of attempts and best scores, and
// the evaluator's page needs all of them in one query.

/** Every quiz of the course in outline order with the learner's submitted attempts and best score (`passed` is decided by the caller). */
export async function learnerQuizAttempts(db: Executor, input: { courseId: string; enrollmentId: string | null }): Promise<Omit<QuizResultDto, 'passed'>[]> {
  const rows = await db.execute<{ id: string; title: string; is_required: boolean; pass_percentage: number; attempts: number; best: string | null; last: Date | string | null; best_submission_id: string | null }>(sql`
    select q.id, q.title, q.is_required, q.pass_percentage,
           count(s.id) filter (where s.submitted_at is not null)::int as attempts,
           max(s.percentage) filter (where s.submitted_at is not null) as best,
           max(s.submitted_at) as last,
           (array_agg(s.id order by s.percentage desc, s.submitted_at desc) filter (where s.submitted_at is not null))[1] as best_submission_id
    from quizzes q
    join chapters ch on ch.id = q.chapter_id
    left join quiz_submissions s on s.quiz_id = q.id and s.enrollment_id = ${input.enrollmentId}
    where q.course_id = ${input.courseId}
    group by q.id, ch.position, ch.created_at
    order by ch.position, ch.created_at, q.position, q.created_at`);
  return Array.from(rows, (r) => ({
    quizId: r.id,
    title: r.title,
    isRequired: r.is_required,
    passPercentage: Number(r.pass_percentage),
    attempts: Number(r.attempts),
    bestPercentage: r.best === null ? null : Number(r.best),
    lastSubmittedAt: r.last === null ? null : iso(new Date(r.last)),
    bestSubmissionId: r.best_submission_id,
  }));
}
