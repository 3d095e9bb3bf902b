import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/app.ts';
import { createCourse } from './support/courses.ts';
import { createUser, signIn } from './support/factories.ts';
import { enrolledLearner, sessionFor, setUpEvaluation } from './support/scheduling.ts';

/** A YYYY-MM-DD `days` from today (UTC, the default organisation timezone). */
function day(days: number): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Monday of this week, UTC, as YYYY-MM-DD. */
function thisMonday(): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

describe('statistics: the moderator snapshot and the course dashboard', () => {
  const t = useTestApp();

  it('counts enrolments, progress bands, quiz scores, compliance and evaluations as they happen; learners get 403', async () => {
    const moderator = await sessionFor(t(), await createUser(t().db, { roles: ['moderator'] }));
    const empty = await moderator.get('/api/stats/overview');
    expect(empty.status).toBe(200);
    expect(empty.body.totals).toEqual({ activeEnrollments: 0, completions: 0, averageProgress: 0, validCertificates: 0, revokedCertificates: 0 });
    expect(empty.body.activity.length).toBeGreaterThanOrEqual(52);
    expect(empty.body.activity.at(-1)).toEqual({ weekStart: thisMonday(), enrollments: 0, completions: 0, certifications: 0 });

    const quizCourse = await createCourse(t().db, { title: 'Fire safety', lessons: 2, quizzes: [{ passPercentage: 50 }] });
    const plain = await createCourse(t().db, { title: 'Data protection', lessons: 1 });
    const [aUser, bUser, cUser] = await Promise.all([createUser(t().db, { name: 'Ada' }), createUser(t().db, { name: 'Bo' }), createUser(t().db, { name: 'Cy' })]);
    const [a, b] = await Promise.all([sessionFor(t(), aUser), sessionFor(t(), bUser)]);
    await a.post(`/api/courses/${quizCourse.id}/enroll`);
    await a.post(`/api/learn/lessons/${quizCourse.lessonIds[0]}/complete`); // 1 of 3 items: 33.33 %
    await b.post(`/api/courses/${quizCourse.id}/enroll`);
    for (const lessonId of quizCourse.lessonIds) await b.post(`/api/learn/lessons/${lessonId}/complete`);
    const quiz = quizCourse.quizzes[0];
    // One failed attempt (0 %), then a pass (100 %): average 50, pass rate 50.
    const first = await b.post(`/api/learn/quizzes/${quiz.id}/attempts`);
    await b.post(`/api/learn/submissions/${first.body.submissionId ?? first.body.id}/submit`, { answers: quiz.questions.map((q) => ({ questionId: q.id, optionIds: [q.optionIds[1]] })) });
    const second = await b.post(`/api/learn/quizzes/${quiz.id}/attempts`);
    const passed = await b.post(`/api/learn/submissions/${second.body.submissionId ?? second.body.id}/submit`, { answers: quiz.questions.map((q) => ({ questionId: q.id, optionIds: q.correctOptionIds })) });
    expect(passed.status).toBe(200);
    // Assigned training: due in 3 days (due soon), not started.
    expect((await moderator.post('/api/training/assignments', { userId: cUser.id, courseId: plain.id, dueOn: day(3) })).status).toBe(201);

    const { body: overview } = await moderator.get('/api/stats/overview');
    expect(overview.totals).toEqual({ activeEnrollments: 3, completions: 1, averageProgress: 44.44, validCertificates: 0, revokedCertificates: 0 });
    expect(overview.progress).toEqual([
      { band: '0', learners: 1 },
      { band: '1-25', learners: 0 },
      { band: '26-50', learners: 1 },
      { band: '51-75', learners: 0 },
      { band: '76-99', learners: 0 },
      { band: '100', learners: 1 },
    ]);
    expect(overview.activity.at(-1)).toEqual({ weekStart: thisMonday(), enrollments: 3, completions: 1, certifications: 0 });
    expect(overview.quizScores).toEqual([{ courseId: quizCourse.id, courseTitle: 'Fire safety', submissions: 2, averagePercentage: 50, passRate: 50 }]);
    expect(overview.compliance.overall).toMatchObject({ assigned: 1, completed: 0, pending: 1, overdue: 0, dueSoon: 1 });
    expect(overview.compliance.courses).toEqual([expect.objectContaining({ courseId: plain.id, assigned: 1, dueSoon: 1 })]);
    expect(overview.evaluations).toEqual({ byCourse: [], byEvaluator: [] });

    // A booking shows under its course and its evaluator.
    const { course: evaluated, evaluators } = await setUpEvaluation(t(), {});
    const learner = await enrolledLearner(t(), evaluated);
    const { body: board } = await learner.client.get(`/api/courses/${evaluated.id}/slots`);
    expect((await learner.client.post(`/api/courses/${evaluated.id}/certificate-requests`, { startsAt: board.slots[0].startsAt })).status).toBe(201);
    const { body: after } = await moderator.get('/api/stats/overview');
    expect(after.evaluations.byCourse).toEqual([expect.objectContaining({ courseId: evaluated.id, booked: 1, pending: 1, completed: 0, passRate: 0 })]);
    expect(after.evaluations.byEvaluator).toEqual([expect.objectContaining({ evaluatorId: evaluators[0].user.id, evaluatorName: 'Evaluator 1', booked: 1 })]);
    expect(after.totals.activeEnrollments).toBe(4);

    // Certificates: issued this week, held now; a revoked one moves to the revoked count.
    const certified = await createCourse(t().db, { title: 'First aid', lessons: 1, settings: { enableCertification: true } });
    const issued = await moderator.post('/api/certificates', { memberId: aUser.id, courseId: certified.id, honoraryReason: 'Trained elsewhere' });
    expect(issued.status).toBe(201);
    const { body: withCertificate } = await moderator.get('/api/stats/overview');
    expect(withCertificate.totals).toMatchObject({ validCertificates: 1, revokedCertificates: 0 });
    expect(withCertificate.activity.at(-1).certifications).toBe(1);
    expect((await moderator.post(`/api/certificates/${issued.body.id}/revoke`, { reason: 'Issued in error' })).status).toBe(200);
    expect((await moderator.get('/api/stats/overview')).body.totals).toMatchObject({ validCertificates: 0, revokedCertificates: 1 });

    expect((await a.get('/api/stats/overview')).status).toBe(403);
    expect((await t().client().get('/api/stats/overview')).status).toBe(401);
    const manager = await signIn(t().client(), await createUser(t().db, { roles: ['system_manager'] }));
    expect((await manager.get('/api/stats/overview')).status).toBe(200);
  });

  it('shows a course’s learners with best scores and last activity, and names who is stuck and why', async () => {
    const owner = await createUser(t().db, { roles: ['course_creator'] });
    const course = await createCourse(t().db, { ownerId: owner.id, lessons: 2, quizzes: [{ passPercentage: 50 }] });
    const moderator = await sessionFor(t(), await createUser(t().db, { roles: ['moderator'] }));
    const [idleUser, dueUser, doneUser] = await Promise.all([createUser(t().db, { name: 'Idle' }), createUser(t().db, { name: 'Due' }), createUser(t().db, { name: 'Done' })]);
    for (const user of [idleUser, dueUser, doneUser]) await (await sessionFor(t(), user)).post(`/api/courses/${course.id}/enroll`);
    const done = await sessionFor(t(), doneUser);
    for (const lessonId of course.lessonIds) await done.post(`/api/learn/lessons/${lessonId}/complete`);
    const quiz = course.quizzes[0];
    const attempt = await done.post(`/api/learn/quizzes/${quiz.id}/attempts`);
    await done.post(`/api/learn/submissions/${attempt.body.submissionId ?? attempt.body.id}/submit`, { answers: quiz.questions.map((q) => ({ questionId: q.id, optionIds: q.correctOptionIds })) });
    await (await sessionFor(t(), dueUser)).post(`/api/learn/lessons/${course.lessonIds[0]}/complete`);
    await moderator.post('/api/training/assignments', { userId: dueUser.id, courseId: course.id, dueOn: day(5) });
    // The idle learner enrolled 20 days ago and did nothing since.
    await t().database.sql`update enrollments set enrolled_at = now() - interval '20 days' where user_id = ${idleUser.id}`;

    const instructor = await sessionFor(t(), owner);
    const { status, body } = await instructor.get(`/api/courses/${course.id}/dashboard`);
    expect(status).toBe(200);
    expect(body.stuckDays).toBe(14);
    expect(body.quizzes).toEqual([{ id: quiz.id, title: 'Quiz 1', passPercentage: 50 }]);
    expect(body.summary).toEqual({ enrolled: 3, completed: 1, averageProgress: 44.44, stuck: 2 });
    const byName = Object.fromEntries(body.learners.map((l: { name: string }) => [l.name, l]));
    expect(byName.Idle).toMatchObject({ progress: 0, stuck: ['no_progress'], dueOn: null, quizBest: {} });
    expect(byName.Due).toMatchObject({ progress: 33.33, stuck: ['due_soon'], dueOn: day(5) });
    expect(byName.Done).toMatchObject({ progress: 100, stuck: [], quizBest: { [quiz.id]: 100 } });
    expect(Date.parse(byName.Done.lastActivityAt)).toBeGreaterThan(Date.parse(byName.Done.enrolledAt) - 1);

    // With a 30-day window, 20 idle days are not yet stuck.
    const wider = await instructor.get(`/api/courses/${course.id}/dashboard?stuckDays=30`);
    expect(wider.body.learners.find((l: { name: string }) => l.name === 'Idle').stuck).toEqual([]);
    expect((await instructor.get(`/api/courses/${course.id}/dashboard?stuckDays=0`)).status).toBe(400);

    expect((await moderator.get(`/api/courses/${course.id}/dashboard`)).status).toBe(200);
    expect((await done.get(`/api/courses/${course.id}/dashboard`)).status).toBe(403);
    const otherCreator = await sessionFor(t(), await createUser(t().db, { roles: ['course_creator'] }));
    expect((await otherCreator.get(`/api/courses/${course.id}/dashboard`)).status).toBe(403);
    expect((await moderator.get('/api/courses/00000000-0000-4000-8000-000000000000/dashboard')).status).toBe(404);
  });
});
