import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobContext } from '../server/jobs/define.ts';
import { createLogger } from '../server/logger.ts';
import { quizOptions, quizQuestions, quizzes } from '../server/modules/courses/schema.ts';
import { outcomeNoticeJob } from '../server/modules/scheduling/outcome-notice.ts';
import { certificateRequests } from '../server/modules/scheduling/schema.ts';
import { useTestApp } from './support/app.ts';
import type { TestCourse } from './support/courses.ts';
import { createUser } from './support/factories.ts';
import type { HttpClient } from './support/http.ts';
import { enrolledLearner, sessionFor, setClock, setUpEvaluation } from './support/scheduling.ts';
import { useSmtpServer } from './support/smtp.ts';

type Quiz = TestCourse['quizzes'][number];

describe('scheduling: evaluation outcomes', () => {
  const smtp = useSmtpServer();
  const t = useTestApp({ smtpUrl: () => smtp.url });
  afterEach(() => t().clock.reset());

  const at = (time: string) => `2027-02-08T${time}:00.000Z`;
  const log = createLogger('silent');
  const jobContext = (): JobContext => ({ db: t().db, mailer: t().mailer, relay: t().relay, log, now: t().clock.now, baseUrl: () => 'http://localhost:3000', jobId: 'test' });

  async function passQuiz(client: HttpClient, quiz: Quiz) {
    const { body: attempt } = await client.post(`/api/learn/quizzes/${quiz.id}/attempts`);
    const answers = quiz.questions.map((q) => ({ questionId: q.id, optionIds: q.correctOptionIds }));
    const submitted = await client.post(`/api/learn/submissions/${attempt.submissionId}/submit`, { answers });
    expect(submitted.body.submission).toMatchObject({ passed: true });
  }

  /** An author adds another required quiz after the learner booked (the learner has not taken it). */
  async function addRequiredQuiz(course: TestCourse): Promise<Quiz> {
    const [quiz] = await t().db.insert(quizzes).values({ courseId: course.id, chapterId: course.chapterId, title: 'Late quiz', position: 99, passPercentage: 50, isRequired: true }).returning({ id: quizzes.id });
    const [question] = await t().db.insert(quizQuestions).values({ quizId: quiz.id, position: 0, prompt: 'Yes?', kind: 'single', explanation: 'Yes.', points: 1 }).returning({ id: quizQuestions.id });
    const options = await t().db.insert(quizOptions).values([0, 1].map((position) => ({ questionId: question.id, position, label: `Option ${position}`, isCorrect: position === 0 }))).returning({ id: quizOptions.id, isCorrect: quizOptions.isCorrect });
    return { id: quiz.id, questions: [{ id: question.id, optionIds: options.map((o) => o.id), correctOptionIds: options.filter((o) => o.isCorrect).map((o) => o.id) }] };
  }

  /** A course with one required quiz and a two-criterion rubric; a learner in New York who passed the quiz and booked 09:00 UTC on 8 Feb. */
  async function booked(options: { evaluators?: number } = {}) {
    const setup = await setUpEvaluation(t(), { evaluators: options.evaluators ?? 1, timezone: 'Europe/Berlin', weekly: [{ weekday: 1, start: '09:00', end: '12:00' }], quizzes: [{}] });
    setClock(t().clock, '2027-02-04T12:00:00Z');
    const learner = await enrolledLearner(t(), setup.course, { timezone: 'America/New_York' });
    await passQuiz(learner.client, setup.course.quizzes[0]);
    const rubric = await setup.moderator.client.put(`/api/courses/${setup.course.id}/evaluation-rubric`, {
      criteria: [
        { name: 'Presentation', maxScore: 10 },
        { name: 'Practical demo', maxScore: 5 },
      ],
    });
    expect(rubric.status).toBe(200);
    const request = await learner.client.post(`/api/courses/${setup.course.id}/certificate-requests`, { startsAt: at('10:00') });
    expect(request.status).toBe(201);
    return { ...setup, learner, request: request.body as { id: string; evaluatorId: string; courseTitle: string } };
  }
  const evaluatorOf = (setup: Awaited<ReturnType<typeof booked>>) => setup.evaluators.find((e) => e.user.id === setup.request.evaluatorId)!;
  const scores = { presentation: 8, 'practical-demo': 4 };
  const issuanceJobs = async (requestId: string) =>
    Array.from(await t().database.sql`select data from pgboss.job where name = 'certificates.issue-after-evaluation' and data->>'certificateRequestId' = ${requestId}`);

  it('keeps a rubric per course: moderators and the course’s owner edit it, evaluators read it, learners do not', async () => {
    const { course, moderator, evaluators, learner } = await booked();
    const rubric = await evaluators[0].client.get(`/api/courses/${course.id}/evaluation-rubric`);
    expect(rubric.body.criteria).toEqual([
      { key: 'presentation', name: 'Presentation', maxScore: 10 },
      { key: 'practical-demo', name: 'Practical demo', maxScore: 5 },
    ]);
    expect((await evaluators[0].client.put(`/api/courses/${course.id}/evaluation-rubric`, { criteria: [] })).status).toBe(403);
    expect((await learner.client.get(`/api/courses/${course.id}/evaluation-rubric`)).status).toBe(403);
    const owner = await sessionFor(t(), { id: course.ownerId } as never);
    const edited = await owner.put(`/api/courses/${course.id}/evaluation-rubric`, { criteria: [{ name: 'Practical demo', maxScore: 6 }, { name: 'Safety', maxScore: 3 }] });
    expect(edited.status).toBe(200);
    // A criterion kept by name keeps its key, so scores already given stay readable.
    expect(edited.body.criteria).toEqual([
      { key: 'practical-demo', name: 'Practical demo', maxScore: 6 },
      { key: 'safety', name: 'Safety', maxScore: 3 },
    ]);
    const duplicate = await moderator.client.put(`/api/courses/${course.id}/evaluation-rubric`, { criteria: [{ name: 'Safety', maxScore: 3 }, { name: 'safety', maxScore: 2 }] });
    expect(duplicate.status).toBe(400);
  });

  it('opens a request for its evaluator: learner, course, their zone, quiz results, meeting link, rubric', async () => {
    const setup = await booked();
    const { request, learner, course } = setup;
    const detail = await evaluatorOf(setup).client.get(`/api/certificate-requests/${request.id}/evaluation`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      request: { id: request.id, status: 'pending', startsAt: at('10:00'), meetingLink: 'https://meet.example.test/eval', courseTitle: request.courseTitle },
      learner: { id: learner.user.id, name: learner.user.name, timezone: 'America/New_York' },
      progress: 100,
      quizResults: [{ quizId: course.quizzes[0].id, isRequired: true, attempts: 1, bestPercentage: 100, passed: true }],
      missingQuizIds: [],
      rubric: [{ key: 'presentation' }, { key: 'practical-demo' }],
      canComplete: true,
      completableFrom: at('09:45'),
    });
    // The learner reads their own (and may not complete it); another learner reads nothing.
    expect((await learner.client.get(`/api/certificate-requests/${request.id}/evaluation`)).body.canComplete).toBe(false);
    const stranger = await enrolledLearner(t(), course);
    expect((await stranger.client.get(`/api/certificate-requests/${request.id}/evaluation`)).status).toBe(403);
  });

  it('lets only the assigned evaluator or a moderator complete, once, from 15 minutes before the start', async () => {
    const setup = await booked({ evaluators: 2 });
    const { request, learner, moderator, evaluators } = setup;
    const assigned = evaluatorOf(setup);
    const other = evaluators.find((e) => e !== assigned)!;
    const body = { outcome: 'fail', rubricScores: scores, notes: 'Needs more practice on the demo.' };
    const url = `/api/certificate-requests/${request.id}/complete`;

    expect((await learner.client.post(url, body)).status).toBe(403);
    expect((await other.client.post(url, body)).status).toBe(403);
    const outsider = await sessionFor(t(), await createUser(t().db, { roles: ['batch_evaluator'] }));
    expect((await outsider.post(url, body)).status).toBe(403);

    setClock(t().clock, '2027-02-08T09:44:00Z');
    const early = await assigned.client.post(url, body);
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'evaluation_not_started', details: { completableFrom: at('09:45') } });

    setClock(t().clock, '2027-02-08T09:45:00Z');
    const done = await assigned.client.post(url, body);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'completed', outcome: 'fail', rubricScores: scores, notes: 'Needs more practice on the demo.', completedBy: assigned.user.id });
    expect(done.body.completedAt.startsWith('2027-02-08T09:45:00')).toBe(true);
    const again = await moderator.client.post(url, { ...body, outcome: 'pass' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('request_closed');
    expect((await t().db.select().from(certificateRequests).where(eq(certificateRequests.id, request.id)))[0]).toMatchObject({ status: 'completed', outcome: 'fail' });
    // Every room that shows the request heard it completed.
    const updates = t().relay.events.filter((e) => e.name === 'certificateRequest.updated' && e.payload.id === request.id);
    expect(updates.at(-1)?.payload).toMatchObject({ status: 'completed', outcome: 'fail' });
    // A fail queues no certificate.
    expect(await issuanceJobs(request.id)).toEqual([]);

    // A moderator may complete another learner's evaluation.
    setClock(t().clock, '2027-02-04T12:00:00Z');
    const second = await enrolledLearner(t(), setup.course);
    await passQuiz(second.client, setup.course.quizzes[0]);
    const secondRequest = await second.client.post(`/api/courses/${setup.course.id}/certificate-requests`, { startsAt: at('10:30') });
    expect(secondRequest.body).toMatchObject({ status: 'pending' });
    setClock(t().clock, '2027-02-08T10:50:00Z');
    const byModerator = await moderator.client.post(`/api/certificate-requests/${secondRequest.body.id}/complete`, { outcome: 'pass', rubricScores: scores });
    expect(byModerator.status).toBe(200);
    expect(byModerator.body).toMatchObject({ outcome: 'pass', completedBy: moderator.user.id, notes: null });
  });

  it('refuses scores that do not fit the course’s rubric', async () => {
    const setup = await booked();
    setClock(t().clock, at('10:05'));
    const url = `/api/certificate-requests/${setup.request.id}/complete`;
    const client = evaluatorOf(setup).client;
    const missing = await client.post(url, { outcome: 'fail', rubricScores: { presentation: 3 } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.issues).toEqual([{ path: 'rubricScores.practical-demo', message: 'Score “Practical demo” (0–5)' }]);
    expect((await client.post(url, { outcome: 'fail', rubricScores: { presentation: 11, 'practical-demo': 1 } })).status).toBe(400);
    expect((await client.post(url, { outcome: 'fail', rubricScores: { ...scores, charisma: 2 } })).status).toBe(400);
    expect((await client.post(url, { outcome: 'fail', rubricScores: { presentation: -1, 'practical-demo': 1 } })).status).toBe(400);
    expect((await t().db.select().from(certificateRequests).where(eq(certificateRequests.id, setup.request.id)))[0].status).toBe('pending');
  });

  it('refuses a pass while the learner has not passed every required quiz; a fail stays possible', async () => {
    const setup = await booked();
    const { request, learner, course } = setup;
    const late = await addRequiredQuiz(course);
    setClock(t().clock, at('10:10'));
    const url = `/api/certificate-requests/${request.id}/complete`;
    const client = evaluatorOf(setup).client;

    const detail = await client.get(`/api/certificate-requests/${request.id}/evaluation`);
    expect(detail.body.missingQuizIds).toEqual([late.id]);
    const refused = await client.post(url, { outcome: 'pass', rubricScores: scores });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'quizzes_not_passed', details: { missingQuizIds: [late.id] } });
    expect((await t().db.select().from(certificateRequests).where(eq(certificateRequests.id, request.id)))[0].status).toBe('pending');
    expect(await issuanceJobs(request.id)).toEqual([]);

    // Once the learner passes it, the pass goes through and the certificate's issuance is queued with it.
    await passQuiz(learner.client, late);
    const passed = await client.post(url, { outcome: 'pass', rubricScores: scores, notes: 'Clear and confident.' });
    expect(passed.status).toBe(200);
    expect(passed.body).toMatchObject({ status: 'completed', outcome: 'pass' });
    expect((await issuanceJobs(request.id)).map((j) => j.data)).toEqual([{ certificateRequestId: request.id }]);
  });

  it('mails the learner the outcome with scores and notes, once', async () => {
    const setup = await booked();
    const { request, learner } = setup;
    setClock(t().clock, at('10:30'));
    const done = await evaluatorOf(setup).client.post(`/api/certificate-requests/${request.id}/complete`, { outcome: 'pass', rubricScores: scores, notes: 'Clear and confident.' });
    expect(done.status).toBe(200);
    const [job] = Array.from(await t().database.sql`select data from pgboss.job where name = 'scheduling.outcome-notice' and data->>'requestId' = ${request.id}`);
    expect(job.data).toEqual({ requestId: request.id });
    await outcomeNoticeJob.handler(outcomeNoticeJob.schema.parse(job.data), jobContext());
    await outcomeNoticeJob.handler(outcomeNoticeJob.schema.parse(job.data), jobContext());
    const mail = await smtp.waitFor((m) => m.to.includes(learner.user.email));
    expect(mail.subject).toBe(`Evaluation passed: ${request.courseTitle}`);
    expect(mail.raw).toContain('Presentation: 8 / 10');
    expect(mail.raw).toContain('Practical demo: 4 / 5');
    expect(mail.raw).toContain('Clear and confident.');
    expect(smtp.received.filter((m) => m.to.includes(learner.user.email) && m.subject.startsWith('Evaluation passed'))).toHaveLength(1);
  });
});
