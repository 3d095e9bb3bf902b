import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobContext } from '../server/jobs/define.ts';
import { createLogger } from '../server/logger.ts';
import { requestReminderJob, requestReminderSchema } from '../server/modules/scheduling/reminders.ts';
import { certificateRequests } from '../server/modules/scheduling/schema.ts';
import { cancelStaleRequestsJob, runStaleSweep } from '../server/modules/scheduling/stale.ts';
import { useTestApp } from './support/app.ts';
import { enrolledLearner, setClock, setUpEvaluation } from './support/scheduling.ts';

describe('scheduling: the 24-hour reminder and the stale-request sweep', () => {
  const t = useTestApp();
  afterEach(() => t().clock.reset());

  const log = createLogger('silent');
  const context = (): JobContext => ({ db: t().db, mailer: t().mailer, relay: t().relay, log, now: t().clock.now, baseUrl: () => 'http://localhost:3000', jobId: 'test' });
  const mails = async (keyPattern: string) =>
    Array.from(await t().database.sql<{ to: string; subject: string; dedupe_key: string; text: string }[]>`
      select "to", subject, dedupe_key, text from mail_messages where dedupe_key like ${keyPattern} order by dedupe_key`);
  const reminderJobs = async (requestId: string) =>
    Array.from(await t().database.sql<{ data: unknown; startAfter: number }[]>`
      select data, (extract(epoch from start_after) * 1000)::float8 as "startAfter" from pgboss.job where name = 'scheduling.reminder' and data->>'requestId' = ${requestId} order by (data->>'sequence')::int`);
  const runReminder = (data: unknown) => requestReminderJob.handler(requestReminderSchema.parse(data), context());
  const stored = async (id: string) => (await t().db.select().from(certificateRequests).where(eq(certificateRequests.id, id)))[0];

  async function booking(options: { learnerTimezone?: string } = {}) {
    const setup = await setUpEvaluation(t(), { timezone: 'Europe/Berlin', weekly: [{ weekday: 1, start: '09:00', end: '11:00' }] });
    setClock(t().clock, '2027-02-04T12:00:00Z');
    const learner = await enrolledLearner(t(), setup.course, { timezone: options.learnerTimezone ?? 'America/New_York' });
    const booked = await learner.client.post(`/api/courses/${setup.course.id}/certificate-requests`, { startsAt: '2027-02-08T08:00:00Z' });
    expect(booked.status).toBe(201);
    return { ...setup, learner, request: booked.body as { id: string; courseTitle: string } };
  }

  it('reminds learner and evaluator once, 24 hours ahead, each in their own zone', async () => {
    const { evaluators, learner, request } = await booking();
    const evaluator = evaluators[0].user;
    // Queued with the booking, to start 24 hours before the evaluation.
    const [job] = await reminderJobs(request.id);
    expect(job.data).toMatchObject({ requestId: request.id, sequence: 0 });
    expect(new Date(job.startAfter).toISOString()).toBe('2027-02-07T08:00:00.000Z');

    setClock(t().clock, '2027-02-07T08:00:00Z');
    await runReminder(job.data);
    await runReminder(job.data);
    const sent = await mails(`certificate-request-reminder:${request.id}:%`);
    expect(sent.map((m) => [m.to, m.subject, m.dedupe_key]).sort()).toEqual(
      [
        // 08:00 UTC on the 8th: 03:00 in New York, 09:00 in Berlin.
        [learner.user.email, `Reminder: your evaluation for ${request.courseTitle} tomorrow at 03:00`, `certificate-request-reminder:${request.id}:0:${learner.user.id}`],
        [evaluator.email, `Reminder: evaluating ${learner.user.name} for ${request.courseTitle} tomorrow at 09:00`, `certificate-request-reminder:${request.id}:0:${evaluator.id}`],
      ].sort(),
    );
    expect(sent.find((m) => m.to === learner.user.email)!.text).toContain('Join at https://meet.example.test/eval');
  });

  it('makes the older reminder a no-op after a reschedule, and sends the new one', async () => {
    const { learner, request } = await booking();
    const moved = await learner.client.post(`/api/certificate-requests/${request.id}/reschedule`, { startsAt: '2027-02-08T09:00:00Z' });
    expect(moved.status).toBe(200);
    const [old, current] = await reminderJobs(request.id);
    expect(old.data).toMatchObject({ sequence: 0 });
    expect(current.data).toMatchObject({ sequence: 1 });
    expect(new Date(current.startAfter).toISOString()).toBe('2027-02-07T09:00:00.000Z');

    setClock(t().clock, '2027-02-07T09:00:00Z');
    await runReminder(old.data);
    expect(await mails(`certificate-request-reminder:${request.id}:%`)).toEqual([]);
    await runReminder(current.data);
    const sent = await mails(`certificate-request-reminder:${request.id}:%`);
    expect(sent).toHaveLength(2);
    expect(sent.every((m) => m.dedupe_key.startsWith(`certificate-request-reminder:${request.id}:1:`))).toBe(true);
    expect(sent.find((m) => m.to === learner.user.email)!.subject).toBe(`Reminder: your evaluation for ${request.courseTitle} tomorrow at 04:00`);
  });

  it('sends nothing for a cancelled request', async () => {
    const { learner, request } = await booking();
    expect((await learner.client.post(`/api/certificate-requests/${request.id}/cancel`, {})).status).toBe(200);
    const [job] = await reminderJobs(request.id);
    setClock(t().clock, '2027-02-07T08:00:00Z');
    await runReminder(job.data);
    expect(await mails(`certificate-request-reminder:${request.id}:%`)).toEqual([]);
  });

  it('reminds at once when booked less than 24 hours ahead', async () => {
    const setup = await setUpEvaluation(t(), { weekly: [{ weekday: 1, start: '09:00', end: '11:00' }] });
    setClock(t().clock, '2027-02-07T12:00:00Z'); // Sunday noon; Monday 09:00 is 21 hours away
    const learner = await enrolledLearner(t(), setup.course, { timezone: 'UTC' });
    const booked = await learner.client.post(`/api/courses/${setup.course.id}/certificate-requests`, { startsAt: '2027-02-08T09:00:00Z' });
    expect(booked.status).toBe(201);
    const [job] = await reminderJobs(booked.body.id);
    expect(job.startAfter).toBeLessThan(Date.parse('2027-02-07T12:00:00Z'));
    await runReminder(job.data);
    const sent = await mails(`certificate-request-reminder:${booked.body.id}:%`);
    expect(sent.find((m) => m.to === learner.user.email)!.subject).toBe(`Reminder: your evaluation for ${booked.body.courseTitle} tomorrow at 09:00`);
  });

  /** A course whose cohort's evaluations end on 10 February 2027 in New York, with `count` of its members booked on the 8th, and one learner outside the cohort. */
  async function cohortBookings(count: number) {
    const setup = await setUpEvaluation(t(), { timezone: 'Europe/Berlin' });
    setClock(t().clock, '2027-02-04T12:00:00Z');
    const evaluatorId = setup.evaluators[0].user.id;
    const cohort = await setup.moderator.client.post('/api/cohorts', { title: 'Spring', startsOn: '2027-01-01', endsOn: '2027-02-28', timezone: 'America/New_York', evaluationEndsOn: '2027-02-10' });
    expect(cohort.status).toBe(201);
    expect((await setup.moderator.client.put(`/api/cohorts/${cohort.body.id}/courses`, { courses: [{ courseId: setup.course.id, evaluatorId }] })).status).toBe(200);
    const members = [];
    for (let i = 0; i < count; i++) members.push(await enrolledLearner(t(), setup.course));
    expect((await setup.moderator.client.post(`/api/cohorts/${cohort.body.id}/members`, { userIds: members.map((m) => m.user.id) })).status).toBeLessThan(300);
    const requests: { id: string; memberId: string }[] = [];
    for (const [i, member] of members.entries()) {
      const booked = await member.client.post(`/api/courses/${setup.course.id}/certificate-requests`, { startsAt: new Date(Date.parse('2027-02-08T09:00:00Z') + i * 1_800_000).toISOString() });
      expect(booked.status).toBe(201);
      requests.push(booked.body);
    }
    const outsider = await enrolledLearner(t(), setup.course);
    const theirs = await outsider.client.post(`/api/courses/${setup.course.id}/certificate-requests`, { startsAt: '2027-02-08T15:00:00Z' });
    expect(theirs.status).toBe(201);
    return { ...setup, evaluatorId, members, requests, outsiderRequest: theirs.body as { id: string } };
  }

  it('cancels pending requests once the cohort’s evaluation end date is over in its zone, and tells the learner', async () => {
    const { evaluatorId, members, requests, outsiderRequest } = await cohortBookings(1);
    const [request] = requests;
    const learner = members[0].user;
    const run = () => cancelStaleRequestsJob.handler({}, context());

    setClock(t().clock, '2027-02-11T04:59:00Z'); // 23:59 on the 10th in New York
    await run();
    expect((await stored(request.id)).status).toBe('pending');

    setClock(t().clock, '2027-02-11T05:00:00Z'); // midnight in New York: the 10th is over
    const eventsBefore = t().relay.events.length;
    await run();
    const cancelled = await stored(request.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'Evaluation period ended', cancelledBy: null, icsSequence: 1 });
    expect(cancelled.cancelledAt!.getTime() - Date.parse('2027-02-11T05:00:00Z')).toBeLessThan(5_000); // the test clock ticks on
    // A learner outside the cohort has no evaluation end date: theirs stands.
    expect((await stored(outsiderRequest.id)).status).toBe('pending');

    // The same events as a staff cancel: the slot free on the boards, the request's new state.
    const events = t().relay.events.slice(eventsBefore);
    expect(events.map((e) => e.name)).toEqual(['board.changed', 'certificateRequest.updated']);
    expect(events[0].payload).toMatchObject({ requestId: request.id, evaluatorId, state: 'free', startsAt: '2027-02-08T09:00:00.000Z' });
    expect(events[1].payload).toMatchObject({ id: request.id, status: 'cancelled', cancelReason: 'Evaluation period ended', sequence: 1 });

    const told = await mails(`certificate-request:${request.id}:1:%`);
    expect(told.map((m) => m.to).sort()).toEqual([learner.email, (await t().database.sql`select email from users where id = ${evaluatorId}`)[0].email].sort());
    const toLearner = told.find((m) => m.to === learner.email)!;
    expect(toLearner.subject).toMatch(/^Evaluation cancelled: /);
    expect(toLearner.text).toContain('It has been cancelled: Evaluation period ended');

    // A second run changes nothing: no new cancellation, event or message.
    const eventsAfter = t().relay.events.length;
    t().clock.advance(3_600_000);
    await run();
    expect(t().relay.events.length).toBe(eventsAfter);
    expect(await mails(`certificate-request:${request.id}:%`)).toHaveLength(told.length); // (the booking's notices wait in the queue: no worker here)
    expect((await stored(request.id)).icsSequence).toBe(1);
    // The cancelled request's pending reminder is now a no-op.
    const [reminder] = await reminderJobs(request.id);
    await runReminder(reminder.data);
    expect(await mails(`certificate-request-reminder:${request.id}:%`)).toEqual([]);
  });

  it('cancels each request once under two concurrent sweeps', async () => {
    const { requests } = await cohortBookings(5);
    setClock(t().clock, '2027-02-12T00:00:00Z');
    const sweep = () => runStaleSweep({ db: t().db, mailer: t().mailer, relay: t().relay, now: t().clock.now() });
    const [a, b] = await Promise.all([sweep(), sweep()]);
    const ids = requests.map((r) => r.id);
    const picked = [...a.cancelled, ...b.cancelled].filter((id) => ids.includes(id));
    expect(picked.sort()).toEqual([...ids].sort());
    for (const id of ids) {
      expect(await stored(id)).toMatchObject({ status: 'cancelled', icsSequence: 1 });
      expect(t().relay.events.filter((e) => e.name === 'certificateRequest.updated' && e.payload.id === id && e.payload.status === 'cancelled')).toHaveLength(1);
      expect(await mails(`certificate-request:${id}:1:%`)).toHaveLength(2);
    }
  });
});
