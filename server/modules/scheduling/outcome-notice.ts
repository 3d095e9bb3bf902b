import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { defineJob } from '../../jobs/define.ts';
import type { CertificateRequestDto } from './dto.ts';
import { loadRequest } from './requests.ts';
import { loadRubric } from './rubrics.ts';
import { loadUsers } from '../users/queries.ts';

/**
 * Tells the learner the outcome of their evaluation: pass or fail, the rubric scores and the
 * evaluator's notes. Queued in the transaction that completes the request; sent once (the dedupe
 * key names the request), and only while the request is completed.
 */
export const outcomeNoticeJob = defineJob({
  name: 'scheduling.outcome-notice',
  schema: z.object({ requestId: z.uuid() }),
  retry: { limit: 8, delaySeconds: 30, backoff: true },
  handler: async ({ requestId }, { db, mailer }) => {
    let request: CertificateRequestDto;
    try {
      request = await loadRequest(db, requestId);
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') return;
      throw error;
    }
    if (request.status !== 'completed' || !request.outcome) return;
    const [learner] = await loadUsers(db, [request.memberId]);
    if (!learner) return;
    const rubric = await loadRubric(db, request.courseId);
    const scores = Object.entries(request.rubricScores ?? {}).map(([key, score]) => {
      const criterion = rubric.find((c) => c.key === key);
      return `  ${criterion?.name ?? key}: ${score}${criterion ? ` / ${criterion.maxScore}` : ''}`;
    });
    const passed = request.outcome === 'pass';
    const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: request.learnerTimezone }).format(new Date(request.startsAt));
    const lines = [
      `Hello ${learner.name},`,
      '',
      passed
        ? `You passed your evaluation for "${request.courseTitle}" with ${request.evaluatorName} (${when}, ${request.learnerTimezone}).`
        : `Your evaluation for "${request.courseTitle}" with ${request.evaluatorName} (${when}, ${request.learnerTimezone}) was not passed this time.`,
      ...(scores.length ? ['', 'Scores:', ...scores] : []),
      ...(request.notes ? ['', 'Notes from your evaluator:', request.notes] : []),
      '',
      passed ? 'Congratulations.' : 'You can book another evaluation for this course when you are ready.',
    ];
    await mailer.send({
      to: learner.email,
      subject: `${passed ? 'Evaluation passed' : 'Evaluation not passed'}: ${request.courseTitle}`,
      text: lines.join('\n'),
      dedupeKey: `certificate-request-outcome:${request.id}`,
    });
  },
});
