import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobContext } from '../server/jobs/define.ts';
import { createLogger } from '../server/logger.ts';
import { certificateRequests, evaluationWaitlist } from '../server/modules/scheduling/schema.ts';
import { waitlistOpeningJob } from '../server/modules/scheduling/waitlist-jobs.ts';
import type { DomainEvent } from '../server/realtime/events.ts';
import { useTestApp } from './support/app.ts';
import { enrolledLearner, saveHours, setClock, setUpEvaluation } from './support/scheduling.ts';

describe('scheduling: the waitlist', () => {
  const t = useTestApp();
  afterEach(() => t().clock.reset());

  const only = '2027-02-08T09:00:00.000Z';
  const log = createLogger('silent');
  const jobContext = (): JobContext => ({ db: t().db, mailer: t().mailer, relay: t().relay, log, now: t().clock.now, baseUrl: () => 'http://localhost:3000', jobId: 'test' });
  const openingJobs = async (courseId: string) =>
    Array.from(await t().database.sql<{ data: { openingId: string; courseIds: string[]; reason: string } }[]>`
      select data from pgboss.job where name = 'scheduling.waitlist-opening' and data->'courseIds' ? ${courseId} order by created_on`);
  const runOpening = (data: unknown) => waitlistOpeningJob.handler(waitlistOpeningJob.schema.parse(data), jobContext());
  const slotEvents = (courseId: string) =>
    t()
      .relay.events.filter((e): e is Extract<DomainEvent, { name: 'waitlist.slotsAvailable' }> => e.name === 'waitlist.slotsAvailable' && e.payload.courseId === courseId)
      .map((e) => e.payload);
  const mails = async (openingId: string) =>
    Array.from(await t().database.sql<{ to: string; subject: string }[]>`select "to", subject from mail_messages where dedupe_key like ${`waitlist-opening:${openingId}:%`} order by created_at, id`);

  /** One slot in the whole booking window: Monday 8 February 09:00–09:30 UTC (every later day is off), booked by a first learner. */
  async function fullyBooked() {
    const setup = await setUpEvaluation(t(), { weekly: [{ weekday: 1, start: '09:00', end: '09:30' }] });
    const evaluator = setup.evaluators[0];
    const off = await evaluator.client.post(`/api/evaluators/${evaluator.user.id}/unavailability`, { startsOn: '2027-02-09', endsOn: '2027-12-31', reason: 'Sabbatical' });
    expect(off.status).toBe(201);
    setClock(t().clock, '2027-02-04T12:00:00Z');
    const holder = await enrolledLearner(t(), setup.course);
    const first = await holder.client.get(`/api/courses/${setup.course.id}/slots`);
    expect(first.body.slots.map((s: { startsAt: string }) => s.startsAt)).toEqual([only]);
    const booked = await holder.client.post(`/api/courses/${setup.course.id}/certificate-requests`, { startsAt: only });
    expect(booked.status).toBe(201);
    return { ...setup, evaluator, offRangeId: off.body.id as string, holder, held: booked.body as { id: string } };
  }

  it('lets a learner join only when no slot is free, keeps one place per learner, and lists the line to staff', async () => {
    const setup = await setUpEvaluation(t(), { weekly: [{ weekday: 1, start: '09:00', end: '09:30' }] });
    setClock(t().clock, '2027-02-04T12:00:00Z');
    const early = await enrolledLearner(t(), setup.course);
    const refused = await early.client.post(`/api/courses/${setup.course.id}/waitlist`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'slots_available', details: { nearestSlot: { startsAt: only } } });

    const { course, moderator, holder } = await fullyBooked();
    expect((await holder.client.post(`/api/courses/${course.id}/waitlist`)).body.error.code).toBe('request_exists');
    const unfinished = await enrolledLearner(t(), course, { complete: false });
    expect((await unfinished.client.post(`/api/courses/${course.id}/waitlist`)).body.error.code).toBe('not_eligible');

    const [ana, ben, cleo] = [await enrolledLearner(t(), course), await enrolledLearner(t(), course), await enrolledLearner(t(), course)];
    expect((await ana.client.get(`/api/courses/${course.id}/slots`)).body.slots).toEqual([]);
    const joined = await ana.client.post(`/api/courses/${course.id}/waitlist`);
    expect(joined.status).toBe(201);
    expect(joined.body).toMatchObject({ courseId: course.id, memberId: ana.user.id, position: 1, notifiedAt: null });
    // Joining at once from several tabs keeps one place: the unique index decides.
    const burst = await Promise.all(Array.from({ length: 5 }, () => ben.client.post(`/api/courses/${course.id}/waitlist`)));
    expect(burst.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(burst.map((r) => r.body.id)).size).toBe(1);
    expect(await t().db.select().from(evaluationWaitlist).where(and(eq(evaluationWaitlist.courseId, course.id), eq(evaluationWaitlist.memberId, ben.user.id)))).toHaveLength(1);
    expect((await cleo.client.post(`/api/courses/${course.id}/waitlist`)).body.position).toBe(3);
    expect((await ana.client.post(`/api/courses/${course.id}/waitlist`)).body).toMatchObject({ id: joined.body.id, position: 1 });

    const line = await moderator.client.get(`/api/courses/${course.id}/waitlist`);
    expect(line.body.entries.map((e: { memberId: string; position: number }) => [e.memberId, e.position])).toEqual([
      [ana.user.id, 1],
      [ben.user.id, 2],
      [cleo.user.id, 3],
    ]);
    expect((await ana.client.get(`/api/courses/${course.id}/waitlist`)).status).toBe(403);

    expect((await ana.client.delete(`/api/courses/${course.id}/waitlist/me`)).status).toBe(204);
    expect((await ana.client.get(`/api/courses/${course.id}/waitlist/me`)).body).toEqual({ entry: null });
    expect((await cleo.client.get(`/api/courses/${course.id}/waitlist/me`)).body.entry).toMatchObject({ position: 2 });
  });

  it('tells the waitlisted learners in order when a slot frees, once per opening however often the job runs', async () => {
    const { course, holder, held, moderator } = await fullyBooked();
    const ana = await enrolledLearner(t(), course);
    const ben = await enrolledLearner(t(), course);
    const cy = await enrolledLearner(t(), course);
    await ana.client.post(`/api/courses/${course.id}/waitlist`);
    await ben.client.post(`/api/courses/${course.id}/waitlist`);
    await cy.client.post(`/api/courses/${course.id}/waitlist`);
    // Cy's access to the course is removed while waiting: Cy is no longer told.
    const cyEnrollment = (await cy.client.get(`/api/learn/courses/${course.id}`)).body.enrollment.id;
    expect((await moderator.client.delete(`/api/enrollments/${cyEnrollment}`)).status).toBe(200);
    expect(await openingJobs(course.id)).toEqual([]);

    expect((await holder.client.post(`/api/certificate-requests/${held.id}/cancel`, {})).status).toBe(200);
    const [job] = await openingJobs(course.id);
    expect(job.data).toMatchObject({ courseIds: [course.id], reason: 'cancellation' });
    await runOpening(job.data);
    await runOpening(job.data);

    expect(slotEvents(course.id).map((e) => [e.memberId, e.position])).toEqual([
      [ana.user.id, 1],
      [ben.user.id, 2],
    ]);
    expect((await mails(job.data.openingId)).map((m) => [m.to, m.subject])).toEqual([
      [ana.user.email, `A slot opened: ${slotEvents(course.id)[0].courseTitle}`],
      [ben.user.email, `A slot opened: ${slotEvents(course.id)[0].courseTitle}`],
    ]);
    expect((await ana.client.get(`/api/courses/${course.id}/waitlist/me`)).body.entry.notifiedAt).not.toBeNull();
    // The freed slot is on the board again for them.
    expect((await ana.client.get(`/api/courses/${course.id}/slots`)).body.slots.map((s: { startsAt: string }) => s.startsAt)).toEqual([only]);
  });

  it('tells nobody about time freed inside the minimum notice: it can no longer be booked', async () => {
    const { course, moderator, held } = await fullyBooked();
    const ana = await enrolledLearner(t(), course);
    await ana.client.post(`/api/courses/${course.id}/waitlist`);
    setClock(t().clock, '2027-02-08T00:00:00Z'); // nine hours before, inside the twelve hours' notice
    expect((await moderator.client.post(`/api/certificate-requests/${held.id}/cancel`, { reason: 'Evaluator ill' })).status).toBe(200);
    expect(await openingJobs(course.id)).toEqual([]);
  });

  it('tells them when the evaluator’s availability grows, not when it only shrinks or stays', async () => {
    const { course, evaluator, offRangeId } = await fullyBooked();
    const ana = await enrolledLearner(t(), course);
    await ana.client.post(`/api/courses/${course.id}/waitlist`);
    const hours = { timezone: 'UTC', meetingLink: 'https://meet.example.test/eval' };

    await saveHours(evaluator.client, evaluator.user.id, { ...hours, weekly: [{ weekday: 1, start: '09:00', end: '09:30' }] });
    expect(await openingJobs(course.id)).toEqual([]);
    await saveHours(evaluator.client, evaluator.user.id, { ...hours, weekly: [{ weekday: 1, start: '09:00', end: '09:30' }, { weekday: 5, start: '14:00', end: '16:00' }] });
    expect((await openingJobs(course.id)).map((j) => j.data.reason)).toEqual(['availability']);
    await saveHours(evaluator.client, evaluator.user.id, { ...hours, weekly: [{ weekday: 5, start: '14:00', end: '15:00' }] });
    expect(await openingJobs(course.id)).toHaveLength(1);

    expect((await evaluator.client.delete(`/api/evaluators/${evaluator.user.id}/unavailability/${offRangeId}`)).status).toBe(204);
    const jobs = await openingJobs(course.id);
    expect(jobs.map((j) => j.data.reason)).toEqual(['availability', 'unavailability_removed']);
    // Two openings: told about each once.
    await runOpening(jobs[0].data);
    await runOpening(jobs[1].data);
    await runOpening(jobs[1].data);
    expect(slotEvents(course.id).map((e) => e.memberId)).toEqual([ana.user.id, ana.user.id]);
  });

  it('gives a freed slot to the first waitlisted learner to book: two racing, exactly one wins and leaves the list', async () => {
    const { course, holder, held } = await fullyBooked();
    const ana = await enrolledLearner(t(), course);
    const ben = await enrolledLearner(t(), course);
    await ana.client.post(`/api/courses/${course.id}/waitlist`);
    await ben.client.post(`/api/courses/${course.id}/waitlist`);
    await holder.client.post(`/api/certificate-requests/${held.id}/cancel`, {});
    await runOpening((await openingJobs(course.id))[0].data);

    const answers = await Promise.all([ana, ben].map((learner) => learner.client.post(`/api/courses/${course.id}/certificate-requests`, { startsAt: only })));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const loser = answers.find((a) => a.status === 409)!;
    expect(loser.body.error.code).toBe('slot_taken');
    const winner = answers.findIndex((a) => a.status === 201) === 0 ? ana : ben;
    const other = winner === ana ? ben : ana;

    const pending = await t().db.select().from(certificateRequests).where(and(eq(certificateRequests.courseId, course.id), eq(certificateRequests.status, 'pending')));
    expect(pending.map((r) => [r.memberId, r.startsAt.toISOString()])).toEqual([[winner.user.id, only]]);
    expect((await winner.client.get(`/api/courses/${course.id}/waitlist/me`)).body.entry).toBeNull();
    expect((await other.client.get(`/api/courses/${course.id}/waitlist/me`)).body.entry).toMatchObject({ memberId: other.user.id, position: 1 });
  });
});
