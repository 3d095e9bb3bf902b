import { authorize, type Actor } from '../../auth/permissions.ts';
import type { Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import type { CourseQuizReport, QuizSubmissionReport } from '../certificates/render/index.ts';
import type { QuizAuthoringDto } from '../courses/dto.ts';
import { loadCourseAccess } from '../courses/access.ts';
import { loadQuiz } from '../courses/queries.ts';
import { loadEnrollment } from '../enrollment/queries.ts';
import { readSetting } from '../system/settings.ts';
import { allEvaluatorIds } from '../scheduling/queries.ts';
import { loadUser } from '../users/queries.ts';
import { enrollmentSubmissions, findSubmission, type SubmissionRecord } from './queries.ts';

/** The report renderer, loaded on first use: it reads its fonts once, which a node that never prints need not pay for. */
export const reportRenderer = () => import('../certificates/render/index.ts');

/**
 * A piece of a download name any file system and mail client accepts.
 * @example fileNamePart('Fire safety & evacuation') // 'Fire_safety_evacuation'
 */
export function fileNamePart(text: string, fallback = 'report'): string {
  return text.normalize('NFKD').replace(/[^\w\s-]/g, '').trim().replace(/\s+/g, '_').slice(0, 60) || fallback;
}

/** What every report of one printing shares: the organisation's name and the zone its times are shown in. */
export interface ReportContext {
  organisationName: string;
  timezone: string;
}

/** The viewer's own timezone when they have set one, else the organisation's (integrations, people without one). */
export async function reportContext(db: Executor, actor: Actor): Promise<ReportContext> {
  const own = actor.kind === 'user' ? (await loadUser(db, actor.userId))?.timezone : null;
  return { organisationName: await readSetting(db, 'organisationName'), timezone: own || (await readSetting(db, 'organisationTimezone')) };
}

/** Quizzes by id, each loaded once however many attempts a report prints. */
export function quizCache(db: Executor): (quizId: string) => Promise<QuizAuthoringDto> {
  const loaded = new Map<string, Promise<QuizAuthoringDto>>();
  return (quizId) => {
    if (!loaded.has(quizId)) loaded.set(quizId, loadQuiz(db, quizId));
    return loaded.get(quizId)!;
  };
}

/**
 * A closed attempt as printed: each of the quiz's questions with the options chosen and the
 * correct ones. Questions are the quiz's as it stands (the attempt stores option ids, not copies),
 * so an option removed since the attempt no longer shows; the score is the one the attempt got.
 */
export function submissionReport(record: SubmissionRecord, quiz: QuizAuthoringDto, context: ReportContext): QuizSubmissionReport {
  if (!record.submittedAt) throw new AppError('attempt_open', 'This attempt is still open: its report exists once it is submitted.');
  const chosenBy = new Map(record.answers.map((answer) => [answer.questionId, new Set(answer.optionIds)]));
  return {
    organisationName: context.organisationName,
    memberName: record.memberName,
    memberEmail: record.memberEmail,
    courseTitle: record.courseTitle,
    quizTitle: record.quizTitle,
    submittedAt: record.submittedAt.toISOString(),
    timezone: context.timezone,
    scorePercent: record.percentage ?? 0,
    passPercent: quiz.passPercentage,
    passed: record.passed ?? false,
    attemptNumber: record.attempt,
    questions: quiz.questions.map((question) => {
      const chosen = chosenBy.get(question.id) ?? new Set<string>();
      const correctIds = question.options.filter((option) => option.isCorrect).map((option) => option.id);
      return {
        prompt: question.prompt,
        kind: question.kind,
        options: question.options.map((option) => ({ text: option.label, chosen: chosen.has(option.id), correct: option.isCorrect })),
        // The grading rule: exactly the correct set chosen.
        correct: chosen.size === correctIds.length && correctIds.every((id) => chosen.has(id)),
        explanation: question.explanation?.trim() ? question.explanation : null,
      };
    }),
  };
}

/**
 * Who reads a course's reports besides its learners and staff: its owner and instructors, and its
 * evaluators (the evaluation page shows them the learner's quiz results, and links these reports).
 */
async function courseStaffIds(db: Executor, courseId: string): Promise<string[]> {
  const course = await loadCourseAccess(db, courseId);
  return [...course.runnerIds, ...(await allEvaluatorIds(db, course.id))];
}

/** An attempt the actor may see the report of: 404 when there is none, 403 when it is not theirs to see. */
export async function requireReportableSubmission(db: Executor, input: { actor: Actor; submissionId: string }): Promise<SubmissionRecord> {
  const record = await findSubmission(db, input.submissionId);
  if (!record) throw new AppError('not_found', 'No such quiz submission.');
  authorize(input.actor, 'quizReports.view', { userId: record.userId, ownerIds: await courseStaffIds(db, record.courseId) });
  if (!record.submittedAt) throw new AppError('attempt_open', 'This attempt is still open: its report exists once it is submitted.');
  return record;
}

/**
 * The Quiz Submission Report PDF of one closed attempt, for its learner, the course's owner,
 * instructors and evaluators, and staff. An open attempt answers 409 `attempt_open`.
 */
export async function quizSubmissionReportPdf(db: Executor, input: { actor: Actor; submissionId: string }): Promise<{ pdf: Buffer; fileName: string }> {
  const record = await requireReportableSubmission(db, input);
  const context = await reportContext(db, input.actor);
  const report = submissionReport(record, await loadQuiz(db, record.quizId), context);
  const pdf = await (await reportRenderer()).renderQuizSubmissionReportPdf(report);
  return { pdf, fileName: `${fileNamePart(record.memberName)}-${fileNamePart(record.quizTitle)}-attempt-${record.attempt}.pdf` };
}

/** The consolidated report of an enrollment: every closed attempt of every cycle, with a summary cover. */
export async function courseQuizReport(db: Executor, input: { enrollmentId: string; context: ReportContext; now: Date }): Promise<CourseQuizReport> {
  const enrollment = await loadEnrollment(db, input.enrollmentId);
  const quizOf = quizCache(db);
  const submissions: QuizSubmissionReport[] = [];
  for (const record of await enrollmentSubmissions(db, enrollment.id)) submissions.push(submissionReport(record, await quizOf(record.quizId), input.context));
  return {
    organisationName: input.context.organisationName,
    memberName: enrollment.userName,
    memberEmail: enrollment.userEmail,
    courseTitle: enrollment.courseTitle,
    timezone: input.context.timezone,
    generatedAt: input.now.toISOString(),
    progressPercent: enrollment.progress,
    submissions,
  };
}

/** The Course Quiz PDF of one enrollment, for the same people as a single report. */
export async function courseQuizReportPdf(db: Executor, input: { actor: Actor; enrollmentId: string; now: Date }): Promise<{ pdf: Buffer; fileName: string }> {
  const enrollment = await loadEnrollment(db, input.enrollmentId);
  authorize(input.actor, 'quizReports.view', { userId: enrollment.userId, ownerIds: await courseStaffIds(db, enrollment.courseId) });
  const report = await courseQuizReport(db, { enrollmentId: enrollment.id, context: await reportContext(db, input.actor), now: input.now });
  const pdf = await (await reportRenderer()).renderCourseQuizReportPdf(report);
  return { pdf, fileName: `${fileNamePart(enrollment.userName)}-${fileNamePart(enrollment.courseTitle)}-quiz-report.pdf` };
}
