import { eq } from 'drizzle-orm';
import { authorize, can, type Actor } from '../../auth/permissions.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import { domainEvent } from '../../realtime/events.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { queueCertificateAfterEvaluation } from '../certificates/issuance.ts';
import { loadCourseItems } from '../courses/access.ts';
import { passedQuizzes, requireActiveEnrollment, type EnrollmentRecord } from '../enrollment/queries.ts';
import { recordAudit } from '../system/audit.ts';
import { loadUser } from '../users/queries.ts';
import type { CertificateRequestDto, CompleteInput, EvaluationDetailDto, QuizResultDto } from './dto.ts';
import { learnerQuizAttempts } from './outcome-queries.ts';
import { loadRequest, requestSubject } from './requests.ts';
import { loadRubric } from './rubrics.ts';
import { certificateRequests, type RubricCriterion } from './schema.ts';

/**
 * How long before its start an evaluation may be marked Completed. Evaluators often open the
 * call a few minutes early and a short conversation can end before the booked end; earlier than
 * this, nothing has happened yet to judge.
 */
export const COMPLETION_MARGIN_MS = 15 * 60_000;

/** The earliest instant a request may be completed. */
export function completableFrom(startsAt: Date | string): Date {
  return new Date(new Date(startsAt).getTime() - COMPLETION_MARGIN_MS);
}

/** The learner's enrollment in the course, or null when they are no longer enrolled. */
async function enrollmentOf(db: Executor, request: { memberId: string; courseId: string }): Promise<EnrollmentRecord | null> {
  try {
    return await requireActiveEnrollment(db, { userId: request.memberId, courseId: request.courseId });
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_enrolled') return null;
    throw error;
  }
}

/** Required quizzes of the course the learner has not passed (all of them when they are no longer enrolled). */
async function missingRequiredQuizzes(db: Executor, request: { memberId: string; courseId: string }, enrollment: EnrollmentRecord | null): Promise<string[]> {
  const { requiredQuizIds } = await loadCourseItems(db, request.courseId);
  if (!enrollment) return requiredQuizIds;
  const passed = await passedQuizzes(db, enrollment.id, requiredQuizIds);
  return requiredQuizIds.filter((id) => !passed.has(id));
}

/**
 * One request as the evaluator opens it: the learner (with their zone), their progress and quiz
 * results in the course, the course's rubric, and whether the viewer may complete it now.
 * Its learner, its evaluator and staff may read it.
 */
export async function getEvaluationDetail(db: Executor, input: { actor: Actor; requestId: string }): Promise<EvaluationDetailDto> {
  const request = await loadRequest(db, input.requestId);
  authorize(input.actor, 'certificateRequests.view', requestSubject(request));
  const learner = await loadUser(db, request.memberId);
  if (!learner) throw new AppError('not_found', 'No such learner.');
  const enrollment = await enrollmentOf(db, request);
  const attempts = await learnerQuizAttempts(db, { courseId: request.courseId, enrollmentId: enrollment?.id ?? null });
  const passed = enrollment ? await passedQuizzes(db, enrollment.id, attempts.map((a) => a.quizId)) : new Set<string>();
  const quizResults: QuizResultDto[] = attempts.map((a) => ({ ...a, passed: passed.has(a.quizId) }));
  return {
    request,
    learner: { id: learner.id, name: learner.name, email: learner.email, timezone: request.learnerTimezone },
    progress: enrollment ? Number(enrollment.progress) : null,
    quizResults,
    missingQuizIds: quizResults.filter((q) => q.isRequired && !q.passed).map((q) => q.quizId),
    rubric: await loadRubric(db, request.courseId),
    canComplete: request.status === 'pending' && can(input.actor, 'certificateRequests.complete', { ownerIds: [request.evaluatorId] }),
    completableFrom: completableFrom(request.startsAt).toISOString(),
  };
}

/** Every criterion scored, within its range, and nothing else; 400 naming the offending criteria otherwise. */
function checkScores(rubric: readonly RubricCriterion[], scores: Record<string, number>): Record<string, number> {
  const issues: { path: string; message: string }[] = [];
  for (const criterion of rubric) {
    const score = scores[criterion.key];
    if (score === undefined) issues.push({ path: `rubricScores.${criterion.key}`, message: `Score “${criterion.name}” (0–${criterion.maxScore})` });
    else if (score > criterion.maxScore) issues.push({ path: `rubricScores.${criterion.key}`, message: `“${criterion.name}” scores at most ${criterion.maxScore}` });
  }
  for (const key of Object.keys(scores)) {
    if (!rubric.some((c) => c.key === key)) issues.push({ path: `rubricScores.${key}`, message: 'Not a criterion of this course’s rubric' });
  }
  if (issues.length) throw new AppError('validation_failed', `Invalid input: ${issues.map((i) => i.message).join('; ')}`, { issues });
  return Object.fromEntries(rubric.map((c) => [c.key, scores[c.key]]));
}

/**
 * Marks an evaluation Completed with its outcome, rubric scores and notes: the one way a request
 * is completed. Only its assigned evaluator or a moderator; only a pending request, from
 * `COMPLETION_MARGIN_MS` before its start. A pass is refused (409 `quizzes_not_passed`) while the
 * learner has not passed every required quiz of the course. In the same transaction: the audit
 * record, the learner's outcome email (a job) and, for a pass, the certificate's issuance job.
 */
export async function completeEvaluation(
  db: Database,
  input: { actor: Actor; requestId: string; result: CompleteInput; jobs: JobQueue; now: Date },
): Promise<Outcome<CertificateRequestDto>> {
  const { result } = input;
  return db.transaction(async (tx) => {
    // The row lock orders a completion against a concurrent cancel or reschedule of the same request.
    const [before] = await tx.select().from(certificateRequests).where(eq(certificateRequests.id, input.requestId)).for('update');
    if (!before) throw new AppError('not_found', 'No such certificate request.');
    authorize(input.actor, 'certificateRequests.view', requestSubject(before));
    authorize(input.actor, 'certificateRequests.complete', { ownerIds: [before.evaluatorId] });
    if (before.status !== 'pending') throw new AppError('request_closed', `This request is ${before.status}; it can no longer be completed.`);
    const from = completableFrom(before.startsAt);
    if (input.now < from) {
      throw new AppError('evaluation_not_started', 'This evaluation has not started yet: mark it completed once it has taken place.', { completableFrom: from.toISOString() });
    }
    const rubricScores = checkScores(await loadRubric(tx, before.courseId), result.rubricScores);
    if (result.outcome === 'pass') {
      const missingQuizIds = await missingRequiredQuizzes(tx, before, await enrollmentOf(tx, before));
      if (missingQuizIds.length) {
        throw new AppError(
          'quizzes_not_passed',
          `The learner has not passed ${missingQuizIds.length === 1 ? 'a required quiz' : `${missingQuizIds.length} required quizzes`} of this course: record a fail, or wait until they pass.`,
          { missingQuizIds },
        );
      }
    }

    await tx
      .update(certificateRequests)
      .set({
        status: 'completed',
        outcome: result.outcome,
        rubricScores,
        notes: result.notes || null,
        completedAt: input.now,
        completedBy: input.actor.kind === 'user' ? input.actor.userId : null,
        updatedAt: input.now,
      })
      .where(eq(certificateRequests.id, before.id));
    await recordAudit(tx, { actor: input.actor, action: 'certificate_request_completed', subjectType: 'certificate_request', subjectId: before.id, details: { outcome: result.outcome, rubricScores } });
    await input.jobs.send('scheduling.outcome-notice', { requestId: before.id }, { tx });
    // A pass certifies: the certificates module's issuance job is queued here, in this transaction,
    // so a committed pass always has its certificate on the way and a rolled-back one never does.
    if (result.outcome === 'pass') await queueCertificateAfterEvaluation(tx, input.jobs, { certificateRequestId: before.id });
    const request = await loadRequest(tx, before.id);
    return outcome(request, [domainEvent('certificateRequest.updated', request)]);
  });
}
