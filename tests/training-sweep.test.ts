import { describe, expect, it } from 'vitest';
import { runTrainingSweep } from '../server/modules/training/sweep.ts';
import { useTestApp } from './support/app.ts';
import { createCourse } from './support/courses.ts';
import { createUser, signIn } from './support/factories.ts';

const DAY = 86_400_000;
function day(from: Date, days: number): string {
  return new Date(from.getTime() + days * DAY).toISOString().slice(0, 10);
}

describe('the training sweep, recertification and reports', () => {
  const t = useTestApp();

  const moderator = async () => signIn(t().client(), await createUser(t().db, { roles: ['moderator'] }));
  const sweep = () => runTrainingSweep({ db: t().db, mailer: t().mailer, relay: t().relay, now: t().clock.now() });
  const mails = async (key: string) => t().database.sql`select "to", subject from mail_messages where dedupe_key like ${key}`;

  it('reminds once 7 days ahead, marks overdue once the day passes, tells the learner once, digests moderators', async () => {
    t().clock.reset();
    const staff = await moderator();
    const course = await createCourse(t().db, { title: 'Fire Safety' });
    const learner = await createUser(t().db);
    const today = t().clock.now();
    const { body: assignment } = await staff.post('/api/training/assignments', { userId: learner.id, courseId: course.id, dueOn: day(today, 10) });

    await sweep();
    expect(await mails(`training-reminder:${assignment.id}`)).toHaveLength(0); // 10 days out: too early

    t().clock.advance(4 * DAY); // due in 6 days
    await sweep();
    await sweep();
    const reminders = await mails(`training-reminder:${assignment.id}`);
    expect(reminders).toEqual([{ to: learner.email, subject: 'Training Reminder: Fire Safety' }]);

    t().clock.advance(7 * DAY); // one day past due
    const result = await sweep();
    expect(result.markedOverdue).toContain(assignment.id);
    expect((await staff.get(`/api/training/assignments?userId=${learner.id}`)).body.assignments[0].status).toBe('overdue');
    await sweep();
    expect(await mails(`training-overdue:${assignment.id}`)).toHaveLength(1);
    expect((await mails(`training-digest:${result.today}:%`)).length).toBeGreaterThan(0);
    expect(t().relay.events.some((e) => e.name === 'trainingAssignment.updated' && e.payload.id === assignment.id && e.payload.status === 'overdue')).toBe(true);
    t().clock.reset();
  });

  it('sends each reminder exactly once under two concurrent sweeps', async () => {
    t().clock.reset();
    const staff = await moderator();
    const course = await createCourse(t().db);
    const learners = await Promise.all(Array.from({ length: 20 }, () => createUser(t().db)));
    const result = await staff.post('/api/training/bulk-assign', { courseId: course.id, dueOn: day(t().clock.now(), 3), userIds: learners.map((l) => l.id) });
    expect(result.body.assigned).toBe(20);

    const [a, b] = await Promise.all([sweep(), sweep()]);
    const picked = [...a.reminders, ...b.reminders].filter((r) => learners.some((l) => l.email === r.email));
    expect(picked).toHaveLength(20);
    expect(new Set(picked.map((r) => r.id)).size).toBe(20);
    const [{ n }] = await t().database.sql`
      select count(*)::int as n from mail_messages m where m."to" = any(${learners.map((l) => l.email)}::text[]) and m.subject like 'Training Reminder:%'`;
    expect(n).toBe(20);
  });

  it('creates the next cycle once when a completion is about to expire, and counts only a new completion for it', async () => {
    t().clock.reset();
    const staff = await moderator();
    const course = await createCourse(t().db, { lessons: 1, title: 'Harassment Prevention', settings: { isMandatory: true, validityDays: 60 } });
    const learnerUser = await createUser(t().db);
    const learner = await signIn(t().client(), learnerUser);
    const { body: first } = await staff.post('/api/training/assignments', { userId: learnerUser.id, courseId: course.id, dueOn: day(t().clock.now(), 10) });
    await learner.post(`/api/learn/lessons/${course.lessonIds[0]}/complete`);
    const completedOn = day(t().clock.now(), 0);

    await sweep();
    let mine = (await learner.get('/api/me/training')).body.assignments;
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: 'completed', expiresOn: day(new Date(`${completedOn}T00:00:00Z`), 60) });

    t().clock.advance(31 * DAY); // expiry 29 days away: inside the 30-day window
    const [x, y] = await Promise.all([sweep(), sweep()]);
    expect([...x.renewals, ...y.renewals].filter((r) => r.email === learnerUser.email)).toHaveLength(1);
    await sweep();
    // A month later the old session has expired: sign in again.
    mine = (await (await signIn(t().client(), learnerUser)).get('/api/me/training')).body.assignments;
    expect(mine).toHaveLength(2);
    const next = mine.find((a: { cycle: number }) => a.cycle === 2);
    expect(next).toMatchObject({ source: 'recertification', dueOn: day(new Date(`${completedOn}T00:00:00Z`), 60) });
    expect(next.status).not.toBe('completed');
    expect(mine.find((a: { id: string }) => a.id === first.id).status).toBe('completed');
    expect(await mails(`training-recertification:${next.id}`)).toHaveLength(1);

    // The new cycle starts the course afresh: progress 0, the lesson to do again, the first
    // cycle's completion kept as history on its assignment.
    const again = await signIn(t().client(), learnerUser);
    const restarted = (await again.post(`/api/learn/lessons/${course.lessonIds[0]}/complete`)).body;
    expect(t().relay.events.some((e) => e.name === 'enrollment.updated' && e.payload.userId === learnerUser.id && e.payload.progress === 0)).toBe(true);
    expect(restarted).toMatchObject({ progress: 100, completedLessonIds: [course.lessonIds[0]] });
    expect(restarted.cycleStartedAt).not.toBeNull();
    mine = (await again.get('/api/me/training')).body.assignments;
    expect(mine.find((a: { cycle: number }) => a.cycle === 2)).toMatchObject({ status: 'completed', completedOn: day(t().clock.now(), 0) });
    expect(mine.find((a: { cycle: number }) => a.cycle === 1)).toMatchObject({ status: 'completed', completedOn });
    t().clock.reset();
  });

  it('restarts the enrollment when a new cycle begins: progress 0, lessons to do again, quiz attempts counted afresh', async () => {
    t().clock.reset();
    const staff = await moderator();
    const course = await createCourse(t().db, {
      lessons: 1,
      quizzes: [{ maxAttempts: 1, isRequired: true }],
      title: 'Manual Handling',
      settings: { isMandatory: true, validityDays: 40 },
    });
    const quiz = course.quizzes[0];
    const rightAnswers = quiz.questions.map((q) => ({ questionId: q.id, optionIds: q.correctOptionIds }));
    const pass = async (client: Awaited<ReturnType<typeof signIn>>) => {
      const attempt = await client.post(`/api/learn/quizzes/${quiz.id}/attempts`);
      expect(attempt.status).toBe(201);
      return (await client.post(`/api/learn/submissions/${attempt.body.submissionId}/submit`, { answers: rightAnswers })).body;
    };
    const learnerUser = await createUser(t().db);
    const learner = await signIn(t().client(), learnerUser);
    await staff.post('/api/training/assignments', { userId: learnerUser.id, courseId: course.id, dueOn: day(t().clock.now(), 10) });
    await learner.post(`/api/learn/lessons/${course.lessonIds[0]}/complete`);
    await pass(learner);
    expect((await learner.get(`/api/learn/courses/${course.id}`)).body.enrollment.progress).toBe(100);
    expect((await learner.post(`/api/learn/quizzes/${quiz.id}/attempts`)).body.error.code).toBe('attempts_exhausted');

    t().clock.advance(15 * DAY); // expiry 25 days away
    const result = await sweep();
    expect(result.renewals.map((r) => r.email)).toContain(learnerUser.email);
    const learnerAgain = await signIn(t().client(), learnerUser);
    const view = (await learnerAgain.get(`/api/learn/courses/${course.id}`)).body;
    expect(view.enrollment).toMatchObject({ progress: 0, completedAt: null, completedLessonIds: [], passedQuizIds: [] });
    // The quiz's one attempt is this cycle's to use again; passing it is half the course, not all.
    expect((await learnerAgain.get(`/api/learn/quizzes/${quiz.id}`)).body).toMatchObject({ attemptsUsed: 0, attemptsLeft: 1, history: [] });
    await pass(learnerAgain);
    const half = (await learnerAgain.get(`/api/learn/courses/${course.id}`)).body.enrollment;
    expect(half.progress).toBe(50);
    // A second sweep does not restart it again.
    await sweep();
    expect((await learnerAgain.get(`/api/learn/courses/${course.id}`)).body.enrollment.progress).toBe(50);
    t().clock.reset();
  });

  it('reports compliance per course, per department and overall, and exports CSV', async () => {
    t().clock.reset();
    const staff = await moderator();
    const course = await createCourse(t().db, { lessons: 1, title: 'Data Protection' });
    const dept = `Compliance-${Math.random().toString(36).slice(2, 8)}`;
    const people = await Promise.all(Array.from({ length: 3 }, () => createUser(t().db)));
    await t().database.sql`update users set department = ${dept} where id = any(${people.map((p) => p.id)}::uuid[])`;
    await staff.post('/api/training/bulk-assign', { courseId: course.id, dueOn: day(t().clock.now(), 2), department: dept });
    await signIn(t().client(), people[0]).then((c) => c.post(`/api/learn/lessons/${course.lessonIds[0]}/complete`));
    await staff.patch(
      `/api/training/assignments/${(await staff.get(`/api/training/assignments?userId=${people[1].id}`)).body.assignments[0].id}`,
      { dueOn: day(t().clock.now(), -3) },
    );

    const report = await staff.get('/api/training/compliance');
    expect(report.status).toBe(200);
    const byCourse = report.body.courses.find((c: { courseId: string }) => c.courseId === course.id);
    expect(byCourse).toMatchObject({ assigned: 3, completed: 1, overdue: 1, pending: 1, dueSoon: 1, completionRate: 33.33 });
    expect(report.body.departments.find((d: { department: string }) => d.department === dept)).toMatchObject({ assigned: 3, completed: 1, overdue: 1 });
    expect(report.body.overall.assigned).toBeGreaterThanOrEqual(3);

    const csv = await staff.get(`/api/training/assignments.csv?courseId=${course.id}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (csv.body as string).trim().split('\r\n');
    expect(lines[0]).toBe('reference,employee,email,department,course,cycle,status,due_on,completed_on,expires_on,progress,assigned_at,reminder_sent_at');
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).every((line) => line.startsWith('TA-') && line.includes('Data Protection'))).toBe(true);

    const student = await signIn(t().client(), await createUser(t().db));
    expect((await student.get('/api/training/compliance')).status).toBe(403);
    expect((await student.get('/api/training/assignments.csv')).status).toBe(403);
  });
});
