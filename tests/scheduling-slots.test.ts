import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { useTestApp } from './support/app.ts';
import { createUser } from './support/factories.ts';
import { allWeek, enrolledLearner, saveHours, sessionFor, setClock, setUpEvaluation } from './support/scheduling.ts';

const HOUR = 3_600_000;
const utc = (...times: string[]) => (day: string) => times.map((time) => `${day}T${time}:00.000Z`);

describe('scheduling: the slots a learner is offered', () => {
  const t = useTestApp();
  afterEach(() => t().clock.reset());

  const startsOf = (body: { slots: { startsAt: string }[] }) => body.slots.map((s) => s.startsAt);

  it('keeps Berlin hours right on both DST days: 09:00–12:00 stays local, 01:00–04:00 holds the real time', async () => {
    const weekly = [
      { weekday: 7, start: '01:00', end: '04:00' },
      { weekday: 7, start: '09:00', end: '12:00' },
    ];
    const { course } = await setUpEvaluation(t(), { timezone: 'Europe/Berlin', weekly });
    const learner = await enrolledLearner(t(), course, { complete: false, timezone: 'Asia/Tokyo' });

    setClock(t().clock, '2027-03-20T12:00:00Z');
    const spring = await learner.client.get(`/api/courses/${course.id}/slots?from=2027-03-28T00:00:00%2B01:00&to=2027-03-29T00:00:00%2B02:00`);
    expect(spring.status).toBe(200);
    // 01:00, 01:30 CET, then the clock jumps: 03:00, 03:30 CEST. 09:00 CEST is 07:00Z.
    expect(startsOf(spring.body)).toEqual(utc('00:00', '00:30', '01:00', '01:30', '07:00', '07:30', '08:00', '08:30', '09:00', '09:30')('2027-03-28'));
    expect(spring.body.slots[0]).toEqual({ startsAt: '2027-03-28T00:00:00.000Z', endsAt: '2027-03-28T00:30:00.000Z', evaluatorTimezone: 'Europe/Berlin' });
    expect(spring.body.learnerTimezone).toBe('Asia/Tokyo');

    setClock(t().clock, '2027-10-20T12:00:00Z');
    const autumn = await learner.client.get(`/api/courses/${course.id}/slots?from=2027-10-31T00:00:00%2B02:00&to=2027-11-01T00:00:00%2B01:00`);
    // 01:00 CEST (23:00Z the day before) to 04:00 CET (03:00Z): four real hours; 09:00 CET is 08:00Z.
    expect(startsOf(autumn.body)).toEqual([
      '2027-10-30T23:00:00.000Z',
      '2027-10-30T23:30:00.000Z',
      ...utc('00:00', '00:30', '01:00', '01:30', '02:00', '02:30', '08:00', '08:30', '09:00', '09:30', '10:00', '10:30')('2027-10-31'),
    ]);
  });

  it('keeps New York hours right on both DST days', async () => {
    const weekly = [
      { weekday: 7, start: '01:00', end: '04:00' },
      { weekday: 7, start: '09:00', end: '12:00' },
    ];
    const { course } = await setUpEvaluation(t(), { timezone: 'America/New_York', weekly, slotMinutes: 60 });
    const learner = await enrolledLearner(t(), course, { complete: false });
    setClock(t().clock, '2027-03-10T12:00:00Z');
    const spring = await learner.client.get(`/api/courses/${course.id}/slots?from=2027-03-14T00:00:00-05:00&to=2027-03-15T00:00:00-04:00`);
    expect(startsOf(spring.body)).toEqual(utc('06:00', '07:00', '13:00', '14:00', '15:00')('2027-03-14'));
    setClock(t().clock, '2027-11-01T12:00:00Z');
    const autumn = await learner.client.get(`/api/courses/${course.id}/slots?from=2027-11-07T00:00:00-04:00&to=2027-11-08T00:00:00-05:00`);
    expect(startsOf(autumn.body)).toEqual(utc('05:00', '06:00', '07:00', '08:00', '14:00', '15:00', '16:00')('2027-11-07'));
    expect(autumn.body.slots[0].evaluatorTimezone).toBe('America/New_York');
  });

  it('removes the evaluator’s days off, and offers them again when the days off are removed', async () => {
    const { course, evaluators } = await setUpEvaluation(t(), { timezone: 'Europe/Paris', weekly: [{ weekday: 1, start: '10:00', end: '11:00' }, { weekday: 2, start: '10:00', end: '11:00' }] });
    const [{ user, client }] = evaluators;
    const learner = await enrolledLearner(t(), course, { complete: false });
    setClock(t().clock, '2027-04-01T00:00:00Z');
    const week = `/api/courses/${course.id}/slots?from=2027-04-05T00:00:00Z&to=2027-04-07T00:00:00Z`;
    expect(startsOf((await learner.client.get(week)).body)).toEqual(['2027-04-05T08:00:00.000Z', '2027-04-05T08:30:00.000Z', '2027-04-06T08:00:00.000Z', '2027-04-06T08:30:00.000Z']);
    const off = await client.post(`/api/evaluators/${user.id}/unavailability`, { startsOn: '2027-04-05', endsOn: '2027-04-05', reason: 'Training day' });
    expect(startsOf((await learner.client.get(week)).body)).toEqual(['2027-04-06T08:00:00.000Z', '2027-04-06T08:30:00.000Z']);
    await client.delete(`/api/evaluators/${user.id}/unavailability/${off.body.id}`);
    expect((await learner.client.get(week)).body.slots).toHaveLength(4);
  });

  it('offers nothing sooner than the minimum notice nor later than the booking horizon (12 h and 60 days by default, both settings)', async () => {
    const { course } = await setUpEvaluation(t(), { slotMinutes: 60 });
    const learner = await enrolledLearner(t(), course, { complete: false });
    setClock(t().clock, '2027-01-04T10:17:00Z');
    const all = await learner.client.get(`/api/courses/${course.id}/slots`);
    expect(all.body.slots[0].startsAt).toBe('2027-01-04T23:00:00.000Z');
    expect(Date.parse(all.body.noticeUntil) - Date.parse('2027-01-04T10:17:00Z')).toBeGreaterThanOrEqual(12 * HOUR);
    expect(Date.parse(all.body.cutoff) - Date.parse('2027-01-04T10:17:00Z')).toBeGreaterThanOrEqual(60 * 24 * HOUR);
    expect(all.body.slots.at(-1).endsAt).toBe('2027-03-05T10:00:00.000Z');

    const admin = await sessionFor(t(), await createUser(t().db, { roles: ['system_manager'] }));
    const changed = await admin.patch('/api/settings', { minimumNoticeHours: 48, bookingHorizonDays: 7 });
    expect(changed.body).toMatchObject({ minimumNoticeHours: 48, bookingHorizonDays: 7, signupMode: 'open' });
    const narrow = await learner.client.get(`/api/courses/${course.id}/slots`);
    expect(narrow.body.slots[0].startsAt).toBe('2027-01-06T11:00:00.000Z');
    expect(narrow.body.slots.at(-1).endsAt).toBe('2027-01-11T10:00:00.000Z');
    await admin.patch('/api/settings', { minimumNoticeHours: 12, bookingHorizonDays: 60 });
  });

  it('uses the cohort’s evaluator over the course’s, and stops at the cohort’s evaluation end date', async () => {
    const { course, moderator } = await setUpEvaluation(t(), { weekly: [{ weekday: 1, start: '09:00', end: '10:00' }] });
    const cohortEvaluator = await createUser(t().db, { roles: ['batch_evaluator'], timezone: 'Europe/Paris' });
    await saveHours(await sessionFor(t(), cohortEvaluator), cohortEvaluator.id, { timezone: 'Europe/Paris', weekly: [{ weekday: 3, start: '14:00', end: '15:00' }] });
    const learner = await enrolledLearner(t(), course, { complete: false });
    const outsider = await enrolledLearner(t(), course, { complete: false });
    setClock(t().clock, '2027-01-04T00:00:00Z');
    const cohort = await moderator.client.post('/api/cohorts', { title: 'Winter', startsOn: '2027-01-01', endsOn: '2027-01-31', timezone: 'Europe/Paris', evaluationEndsOn: '2027-01-20' });
    expect(cohort.status).toBe(201);
    await moderator.client.put(`/api/cohorts/${cohort.body.id}/courses`, { courses: [{ courseId: course.id, evaluatorId: cohortEvaluator.id }] });
    await moderator.client.post(`/api/cohorts/${cohort.body.id}/members`, { userIds: [learner.user.id] });

    const mine = await learner.client.get(`/api/courses/${course.id}/slots`);
    // Wednesdays 14:00–15:00 Paris (the cohort's evaluator), up to the end of 20 January in Paris.
    expect(startsOf(mine.body)).toEqual(['2027-01-06T13:00', '2027-01-06T13:30', '2027-01-13T13:00', '2027-01-13T13:30', '2027-01-20T13:00', '2027-01-20T13:30'].map((s) => `${s}:00.000Z`));
    expect(mine.body).toMatchObject({ cutoff: '2027-01-20T23:00:00.000Z', evaluationEndsOn: '2027-01-20' });
    // A learner outside the cohort gets the course's evaluator (Mondays 09:00 UTC) and the plain horizon.
    const theirs = await outsider.client.get(`/api/courses/${course.id}/slots?to=2027-01-12T00:00:00Z`);
    // (Monday the 4th at 09:00 is within the 12 hours' notice.)
    expect(startsOf(theirs.body)).toEqual(['2027-01-11T09:00:00.000Z', '2027-01-11T09:30:00.000Z']);
    expect(theirs.body.evaluationEndsOn).toBeNull();
  });

  it('shows the union of several evaluators, one slot per start, and only to enrolled learners of an evaluated course', async () => {
    const { course } = await setUpEvaluation(t(), { evaluators: 2, weekly: [{ weekday: 2, start: '09:00', end: '10:00' }] });
    const learner = await enrolledLearner(t(), course, { complete: false });
    setClock(t().clock, '2027-02-01T00:00:00Z');
    const slots = await learner.client.get(`/api/courses/${course.id}/slots?to=2027-02-03T00:00:00Z`);
    expect(slots.body.slots).toEqual([
      { startsAt: '2027-02-02T09:00:00.000Z', endsAt: '2027-02-02T09:30:00.000Z', evaluatorTimezone: 'UTC' },
      { startsAt: '2027-02-02T09:30:00.000Z', endsAt: '2027-02-02T10:00:00.000Z', evaluatorTimezone: 'UTC' },
    ]);
    expect(JSON.stringify(slots.body)).not.toContain('evaluatorId');
    const stranger = await sessionFor(t(), await createUser(t().db));
    expect((await stranger.get(`/api/courses/${course.id}/slots`)).body.error.code).toBe('not_enrolled');

    const plain = await setUpEvaluation(t(), { weekly: allWeek });
    await t().db.execute(sql`update courses set evaluation_required = false where id = ${plain.course.id}`);
    const plainLearner = await enrolledLearner(t(), plain.course, { complete: false });
    expect((await plainLearner.client.get(`/api/courses/${plain.course.id}/slots`)).body.error.code).toBe('evaluation_not_offered');
  });
});
