import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { useTestApp } from './support/app.ts';
import { createUser } from './support/factories.ts';
import { enrolledLearner, sessionFor, setClock, setUpEvaluation } from './support/scheduling.ts';

describe('scheduling: booking a certificate request', () => {
  const t = useTestApp();
  afterEach(() => t().clock.reset());

  /** Mondays 09:00–11:00 UTC, 30-minute slots; the clock on the Thursday before. */
  async function mondayMorning(options: { evaluators?: number } = {}) {
    const setup = await setUpEvaluation(t(), { evaluators: options.evaluators, weekly: [{ weekday: 1, start: '09:00', end: '11:00' }] });
    setClock(t().clock, '2027-02-04T12:00:00Z');
    return setup;
  }
  const nine = '2027-02-08T09:00:00.000Z';
  const book = (client: { post: (path: string, body: unknown) => Promise<{ status: number; body: any }> }, courseId: string, startsAt: string) =>
    client.post(`/api/courses/${courseId}/certificate-requests`, { startsAt });

  it('books a pending request with the server-assigned evaluator, their meeting link and the learner’s zone', async () => {
    const { course, evaluators } = await mondayMorning();
    const learner = await enrolledLearner(t(), course, { timezone: 'Asia/Kolkata' });
    // Whatever evaluator or end the client sends is ignored: only the start counts.
    const booked = await learner.client.post(`/api/courses/${course.id}/certificate-requests`, { startsAt: '2027-02-08T10:00:00+01:00', evaluatorId: learner.user.id, endsAt: '2027-02-08T12:00:00Z' });
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({
      courseId: course.id,
      memberId: learner.user.id,
      evaluatorId: evaluators[0].user.id,
      evaluatorName: 'Evaluator 1',
      evaluatorTimezone: 'UTC',
      startsAt: nine,
      endsAt: '2027-02-08T09:30:00.000Z',
      status: 'pending',
      learnerTimezone: 'Asia/Kolkata',
      meetingLink: 'https://meet.example.test/eval',
      sequence: 0,
    });
    expect((await learner.client.get('/api/me/certificate-requests')).body.requests.map((r: { id: string }) => r.id)).toEqual([booked.body.id]);
    expect((await evaluators[0].client.get(`/api/certificate-requests/${booked.body.id}`)).status).toBe(200);
    const stranger = await sessionFor(t(), await createUser(t().db));
    expect((await stranger.get(`/api/certificate-requests/${booked.body.id}`)).status).toBe(403);
    const slots = await learner.client.get(`/api/courses/${course.id}/slots?to=2027-02-09T00:00:00Z`);
    expect(slots.body.slots.map((s: { startsAt: string }) => s.startsAt)).not.toContain(nine);
  });

  it('refuses learners who are not enrolled, not finished, or have not passed the required quizzes, and times that are not offered', async () => {
    const { course } = await setUpEvaluation(t(), { lessons: 2, quizzes: [{ title: 'Final check' }], weekly: [{ weekday: 1, start: '09:00', end: '11:00' }] });
    setClock(t().clock, '2027-02-04T12:00:00Z');
    const stranger = await sessionFor(t(), await createUser(t().db));
    expect((await book(stranger, course.id, nine)).body.error.code).toBe('not_enrolled');
    const unknown = await book(stranger, '00000000-0000-4000-8000-000000000000', nine);
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);

    const learner = await enrolledLearner(t(), course);
    const noQuiz = await book(learner.client, course.id, nine);
    expect(noQuiz.status).toBe(403);
    expect(noQuiz.body.error).toMatchObject({ code: 'not_eligible', details: { missingQuizIds: [course.quizzes[0].id] } });

    const quiz = course.quizzes[0];
    const attempt = await learner.client.post(`/api/learn/quizzes/${quiz.id}/attempts`);
    await learner.client.post(`/api/learn/submissions/${attempt.body.submissionId}/submit`, { answers: quiz.questions.map((q) => ({ questionId: q.id, optionIds: q.correctOptionIds })) });
    const halfway = await enrolledLearner(t(), course, { complete: false });
    await halfway.client.post(`/api/learn/lessons/${course.lessonIds[0]}/complete`);
    const a2 = await halfway.client.post(`/api/learn/quizzes/${quiz.id}/attempts`);
    await halfway.client.post(`/api/learn/submissions/${a2.body.submissionId}/submit`, { answers: quiz.questions.map((q) => ({ questionId: q.id, optionIds: q.correctOptionIds })) });
    const unfinished = await book(halfway.client, course.id, nine);
    expect(unfinished.body.error).toMatchObject({ code: 'not_eligible', details: { progress: expect.any(Number) } });

    // Now eligible: an instant nobody offers is refused, with the nearest free slot to pick instead.
    const offHours = await book(learner.client, course.id, '2027-02-08T09:10:00Z');
    expect(offHours.status).toBe(409);
    expect(offHours.body.error).toMatchObject({ code: 'slot_unavailable', details: { nearestSlot: { startsAt: nine } } });
    expect((await book(learner.client, course.id, '2027-02-05T09:00:00Z')).body.error.code).toBe('slot_unavailable');
    expect((await book(learner.client, course.id, nine)).status).toBe(201);
  });

  it('lets exactly one of 50 learners booking the same slot at once have it; the others get 409 slot_taken with the next slot', async () => {
    const { course, evaluators } = await mondayMorning();
    const learners = [];
    for (let i = 0; i < 50; i++) learners.push(await enrolledLearner(t(), course));
    const answers = await Promise.all(learners.map((l) => book(l.client, course.id, nine)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused).toHaveLength(49);
    for (const answer of refused) {
      expect(answer.status).toBe(409);
      expect(answer.body.error).toMatchObject({ code: 'slot_taken', details: { nearestSlot: { startsAt: '2027-02-08T09:30:00.000Z' } } });
      expect(answer.body.error.message).toMatch(/pick another/);
    }
    const [{ pending }] = await t().db.execute<{ pending: number }>(sql`select count(*)::int as pending from certificate_requests where course_id = ${course.id} and status = 'pending'`);
    expect(pending).toBe(1);
    const [{ overlaps }] = await t().db.execute<{ overlaps: number }>(sql`
      select count(*)::int as overlaps from certificate_requests a join certificate_requests b
        on a.evaluator_id = b.evaluator_id and a.id < b.id and a.status <> 'cancelled' and b.status <> 'cancelled'
        and tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at)`);
    expect(overlaps).toBe(0);
    const booked = t().relay.events.filter((e) => e.name === 'board.changed' && e.payload.evaluatorId === evaluators[0].user.id && e.payload.state === 'booked');
    expect(booked).toHaveLength(1);
  });

  it('keeps one active request per learner and course, even for two slots asked at once', async () => {
    const { course } = await mondayMorning();
    const learner = await enrolledLearner(t(), course);
    const [first, second] = await Promise.all([book(learner.client, course.id, nine), book(learner.client, course.id, '2027-02-08T10:00:00Z')]);
    expect([first.status, second.status].sort()).toEqual([201, 409]);
    const refused = first.status === 409 ? first : second;
    expect(refused.body.error.code).toBe('request_exists');
    expect(refused.body.error.message).toMatch(/cancel or reschedule/);
    // The database refuses a second pending request whatever the application does.
    const [existing] = await t().db.execute<{ evaluator_id: string }>(sql`select evaluator_id from certificate_requests where member_id = ${learner.user.id}`);
    await expect(
      t().db.execute(sql`insert into certificate_requests (member_id, course_id, evaluator_id, starts_at, ends_at, learner_timezone) values (${learner.user.id}, ${course.id}, ${existing.evaluator_id}, '2027-03-01T09:00Z', '2027-03-01T09:30Z', 'UTC')`),
    ).rejects.toMatchObject({ cause: expect.objectContaining({ code: '23505' }) });
  });

  it('assigns the least booked of several evaluators offering a start, never one the learner picks', async () => {
    const { course, evaluators } = await mondayMorning({ evaluators: 2 });
    const [a, b, c] = [await enrolledLearner(t(), course), await enrolledLearner(t(), course), await enrolledLearner(t(), course)];
    const first = await book(a.client, course.id, nine);
    const second = await book(b.client, course.id, nine);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(new Set([first.body.evaluatorId, second.body.evaluatorId])).toEqual(new Set(evaluators.map((e) => e.user.id)));
    expect((await book(c.client, course.id, nine)).body.error.code).toBe('slot_taken');
    // The evaluator with one booking fewer gets the next one.
    await a.client.post(`/api/certificate-requests/${first.body.id}/cancel`, {});
    const third = await book(c.client, course.id, '2027-02-08T10:00:00Z');
    expect(third.body.evaluatorId).toBe(first.body.evaluatorId);
  });
});
