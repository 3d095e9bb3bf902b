import { and, asc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { authorize, requireUser, type Actor } from '../../auth/permissions.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError, pgErrorCode, pgErrors } from '../../errors.ts';
import { iso } from '../../http.ts';
import { domainEvent } from '../../realtime/events.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import type { QuizAuthoringDto } from '../courses/dto.ts';
import { loadQuiz, withoutAnswers } from '../courses/queries.ts';
import type { LearnQuizDto, StartedAttemptDto, SubmissionSummaryDto, SubmitInput, SubmitResultDto } from './dto.ts';
import { gradeAnswers, maxScoreOf } from './grading.ts';
import { lockActiveEnrollment, recomputeEnrollmentProgress, retryOnDeadlock } from './progress.ts';
import { loadEnrollment, passedQuizzes, requireActiveEnrollment } from './queries.ts';
import { quizSubmissions } from './schema.ts';
import { syncAssignmentsForEnrollments } from '../training/sync.ts';

/** A submission this long after its deadline still counts: the network and a slow click. */
export const SUBMIT_GRACE_MS = 5_000;

type SubmissionRow = typeof quizSubmissions.$inferSelect;

/** A quiz as its learner sees it before an attempt: no answers, their attempts so far, the best one. */
export async function quizView(db: Database, input: { actor: Actor; quizId: string; now: Date }): Promise<LearnQuizDto> {
  const actor = requireUser(authorize(input.actor, 'learning.participate'));
  const quiz = await loadQuiz(db, input.quizId);
  const enrollment = await requireActiveEnrollment(db, { userId: actor.userId, courseId: quiz.courseId });
  await closeExpiredAttempts(db, { quiz, userId: actor.userId, now: input.now });
  // Attempts of earlier cycles (before a recertification) are history; this cycle starts afresh.
  const rows = (
    await db
      .select()
      .from(quizSubmissions)
      .where(and(eq(quizSubmissions.quizId, quiz.id), eq(quizSubmissions.userId, actor.userId)))
      .orderBy(asc(quizSubmissions.attempt))
  ).filter((row) => !enrollment.cycleStartedAt || row.startedAt >= enrollment.cycleStartedAt);
  const history = rows.filter((row) => row.submittedAt).map(toSummary);
  const open = rows.find((row) => !row.submittedAt);
  const best = [...history].sort((a, b) => (b.percentage ?? 0) - (a.percentage ?? 0) || a.attempt - b.attempt)[0] ?? null;
  return {
    quiz: withoutAnswers(quiz),
    attemptsUsed: rows.length,
    attemptsLeft: quiz.maxAttempts === null ? null : Math.max(0, quiz.maxAttempts - rows.length),
    best,
    openAttempt: open ? { submissionId: open.id, deadlineAt: iso(open.deadlineAt) } : null,
    history,
  };
}

/**
 * Starts an attempt: an open submission numbered after the previous ones, with a deadline when
 * the quiz is timed. Returns the open attempt instead when there is one (`created: false`);
 * 409 `attempts_exhausted` when the quiz's attempts are used up.
 */
export async function startAttempt(db: Database, input: { actor: Actor; quizId: string; now: Date }): Promise<{ attempt: StartedAttemptDto; created: boolean }> {
  const actor = requireUser(authorize(input.actor, 'learning.participate'));
  return db.transaction(async (tx) => {
    const quiz = await loadQuiz(tx, input.quizId);
    const enrollment = await lockActiveEnrollment(tx, { userId: actor.userId, courseId: quiz.courseId });
    await closeExpiredAttempts(tx, { quiz, userId: actor.userId, now: input.now });
    const mine = and(eq(quizSubmissions.quizId, quiz.id), eq(quizSubmissions.userId, actor.userId));
    const [open] = await tx.select().from(quizSubmissions).where(and(mine, isNull(quizSubmissions.submittedAt)));
    if (open) return { attempt: started(open, quiz), created: false };
    if (!quiz.questions.length) throw new AppError('conflict', 'This quiz has no questions yet.');
    // The limit counts this cycle's attempts; numbers go on from the last attempt of any cycle.
    const cycleStart = enrollment.cycleStartedAt?.toISOString() ?? '-infinity';
    const [{ used, last }] = await tx
      .select({
        used: sql<number>`(count(*) filter (where ${quizSubmissions.startedAt} >= ${cycleStart}::timestamptz))::int`,
        last: sql<number>`coalesce(max(${quizSubmissions.attempt}), 0)::int`,
      })
      .from(quizSubmissions)
      .where(mine);
    if (quiz.maxAttempts !== null && used >= quiz.maxAttempts) {
      throw new AppError('attempts_exhausted', `You have used all ${quiz.maxAttempts} attempts at this quiz.`, { maxAttempts: quiz.maxAttempts });
    }
    try {
      const [row] = await tx
        .insert(quizSubmissions)
        .values({
          quizId: quiz.id,
          enrollmentId: enrollment.id,
          userId: actor.userId,
          attempt: last + 1,
          startedAt: input.now,
          deadlineAt: quiz.timeLimitSeconds === null ? null : new Date(input.now.getTime() + quiz.timeLimitSeconds * 1000),
        })
        .returning();
      return { attempt: started(row, quiz), created: true };
    } catch (error) {
      if (pgErrorCode(error) === pgErrors.uniqueViolation) throw new AppError('conflict', 'An attempt at this quiz is already open.');
      throw error;
    }
  });
}

/**
 * Submits an open attempt: graded on the server, answers and explanations returned. Passing a
 * required quiz for the first time recomputes progress. Submitted after the deadline (plus
 * `SUBMIT_GRACE_MS`): the attempt is closed as failed, its answers discarded, and 409
 * `time_expired` answers.
 */
export async function submitAttempt(
  db: Database,
  input: { actor: Actor; submissionId: string; answers: SubmitInput['answers']; now: Date },
): Promise<Outcome<SubmitResultDto>> {
  const actor = requireUser(authorize(input.actor, 'learning.participate'));
  const result = await retryOnDeadlock(() =>
    db.transaction(async (tx) => {
      const [found] = await tx.select({ quizId: quizSubmissions.quizId, userId: quizSubmissions.userId }).from(quizSubmissions).where(eq(quizSubmissions.id, input.submissionId));
      if (!found) throw new AppError('not_found', 'No such attempt.');
      if (found.userId !== actor.userId) throw new AppError('forbidden', 'This attempt is someone else’s.');
      const quiz = await loadQuiz(tx, found.quizId);
      const enrollment = await lockActiveEnrollment(tx, { userId: actor.userId, courseId: quiz.courseId });
      const [submission] = await tx.select().from(quizSubmissions).where(eq(quizSubmissions.id, input.submissionId));
      if (submission.submittedAt) throw new AppError('attempt_closed', 'This attempt is already closed. Start a new one.');
      if (submission.deadlineAt && input.now.getTime() > submission.deadlineAt.getTime() + SUBMIT_GRACE_MS) {
        await closeExpiredAttempts(tx, { quiz, userId: actor.userId, now: input.now });
        return { expired: true as const };
      }

      const grade = gradeAnswers(quiz, input.answers);
      const wasPassed = (await passedQuizzes(tx, enrollment.id, [quiz.id])).has(quiz.id);
      const elapsed = Math.max(0, Math.floor((input.now.getTime() - submission.startedAt.getTime()) / 1000));
      const [row] = await tx
        .update(quizSubmissions)
        .set({
          submittedAt: input.now,
          answers: grade.answers,
          score: grade.score,
          maxScore: grade.maxScore,
          percentage: grade.percentage,
          passed: grade.passed,
          timeTakenSeconds: quiz.timeLimitSeconds === null ? elapsed : Math.min(elapsed, quiz.timeLimitSeconds),
          closedBy: 'learner',
        })
        .where(eq(quizSubmissions.id, submission.id))
        .returning();
      const firstPass = grade.passed && !wasPassed;
      if (firstPass && quiz.isRequired) await recomputeEnrollmentProgress(tx, { courseId: quiz.courseId, enrollmentId: enrollment.id, now: input.now });
      const after = await loadEnrollment(tx, enrollment.id);
      return {
        expired: false as const,
        value: { submission: toSummary(row), results: grade.results, enrollment: after },
        events: firstPass ? [domainEvent('enrollment.updated', after), ...(await syncAssignmentsForEnrollments(tx, [enrollment.id], input.now))] : [],
      };
    }),
  );
  // Thrown after the commit, so the attempt stays closed.
  if (result.expired) throw new AppError('time_expired', 'Time ran out before this attempt was submitted; it was closed without a score.');
  return outcome(result.value, result.events);
}

/** Closes the learner's open attempts whose deadline (plus grace) has passed: failed, scored 0, answers discarded. */
async function closeExpiredAttempts(tx: Executor, input: { quiz: QuizAuthoringDto; userId: string; now: Date }): Promise<void> {
  await tx
    .update(quizSubmissions)
    .set({
      submittedAt: input.now,
      answers: [],
      score: 0,
      maxScore: maxScoreOf(input.quiz),
      percentage: 0,
      passed: false,
      timeTakenSeconds: sql`extract(epoch from ${quizSubmissions.deadlineAt} - ${quizSubmissions.startedAt})::int`,
      closedBy: 'timeout',
    })
    .where(
      and(
        eq(quizSubmissions.quizId, input.quiz.id),
        eq(quizSubmissions.userId, input.userId),
        isNull(quizSubmissions.submittedAt),
        isNotNull(quizSubmissions.deadlineAt),
        sql`${quizSubmissions.deadlineAt} + ${`${SUBMIT_GRACE_MS} milliseconds`}::interval < ${input.now.toISOString()}::timestamptz`,
      ),
    );
}

function started(row: SubmissionRow, quiz: QuizAuthoringDto): StartedAttemptDto {
  return { submissionId: row.id, attempt: row.attempt, startedAt: iso(row.startedAt), deadlineAt: iso(row.deadlineAt), quiz: withoutAnswers(quiz) };
}

function toSummary(row: SubmissionRow): SubmissionSummaryDto {
  return {
    id: row.id,
    quizId: row.quizId,
    attempt: row.attempt,
    startedAt: iso(row.startedAt),
    deadlineAt: iso(row.deadlineAt),
    submittedAt: iso(row.submittedAt),
    score: row.score,
    maxScore: row.maxScore,
    percentage: row.percentage === null ? null : Number(row.percentage),
    passed: row.passed,
    timeTakenSeconds: row.timeTakenSeconds,
    closedBy: row.closedBy === 'learner' || row.closedBy === 'timeout' ? row.closedBy : null,
  };
}
