import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { certificateRequests } from '../server/modules/scheduling/schema.ts';
import type { DomainEvent } from '../server/realtime/events.ts';
import { useTestApp } from './support/app.ts';
import { enrolledLearner, setClock, setUpEvaluation } from './support/scheduling.ts';

describe('scheduling: cancelling, rescheduling and the live board', () => {
  const t = useTestApp();
  afterEach(() => t().clock.reset());

  const at = (time: string) => `2027-02-08T${time}:00.000Z`;
  async function booked(startsAt = at('09:00')) {
    const setup = await setUpEvaluation(t(), { weekly: [{ weekday: 1, start: '09:00', end: '11:00' }] });
    setClock(t().clock, '2027-02-04T12:00:00Z');
    const learner = await enrolledLearner(t(), setup.course);
    const request = await learner.client.post(`/api/courses/${setup.course.id}/certificate-requests`, { startsAt });
    expect(request.status).toBe(201);
    return { ...setup, learner, request: request.body };
  }
  const boardEvents = (requestId: string) =>
    t().relay.events.filter((e): e is Extract<DomainEvent, { name: 'board.changed' }> => e.name === 'board.changed' && e.payload.requestId === requestId).map((e) => e.payload);
  const stored = async (id: string) => (await t().db.select().from(certificateRequests).where(eq(certificateRequests.id, id)))[0];

  it('announces a booking and a cancellation on the course’s board and the evaluator’s, and frees the slot for the next learner', async () => {
    const { course, evaluators, learner, request } = await booked();
    const evaluatorId = evaluators[0].user.id;
    expect(boardEvents(request.id)).toEqual([{ courseId: course.id, courseIds: [course.id], evaluatorId, startsAt: at('09:00'), endsAt: at('09:30'), state: 'booked', requestId: request.id }]);
    const updates = t().relay.events.filter((e) => e.name === 'certificateRequest.updated' && e.payload.id === request.id);
    expect(updates.map((e) => e.payload)).toEqual([request]);

    const cancelled = await learner.client.post(`/api/certificate-requests/${request.id}/cancel`, { reason: 'Clashes with a shift' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: 'Clashes with a shift', cancelledBy: learner.user.id, sequence: 1 });
    expect(boardEvents(request.id).map((e) => e.state)).toEqual(['booked', 'free']);
    expect((await learner.client.post(`/api/certificate-requests/${request.id}/cancel`, {})).body.error.code).toBe('request_closed');

    const next = await enrolledLearner(t(), course);
    const slots = await next.client.get(`/api/courses/${course.id}/slots?to=2027-02-09T00:00:00Z`);
    expect(slots.body.slots[0].startsAt).toBe(at('09:00'));
    expect((await next.client.post(`/api/courses/${course.id}/certificate-requests`, { startsAt: at('09:00') })).status).toBe(201);
    // The first learner may book again: the cancelled request no longer counts as active.
    expect((await learner.client.post(`/api/courses/${course.id}/certificate-requests`, { startsAt: at('10:00') })).status).toBe(201);
  });

  it('lets the learner cancel or reschedule only until the notice cutoff; staff any time', async () => {
    const { learner, moderator, request } = await booked();
    setClock(t().clock, '2027-02-07T22:00:00Z'); // 11 hours before, inside the 12 hours' notice
    const late = await learner.client.post(`/api/certificate-requests/${request.id}/cancel`, {});
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'cutoff_passed', details: { cutoff: '2027-02-07T21:00:00.000Z' } });
    expect((await learner.client.post(`/api/certificate-requests/${request.id}/reschedule`, { startsAt: at('10:00') })).body.error.code).toBe('cutoff_passed');
    const byStaff = await moderator.client.post(`/api/certificate-requests/${request.id}/cancel`, { reason: 'Evaluator ill' });
    expect(byStaff.body).toMatchObject({ status: 'cancelled', cancelledBy: moderator.user.id });
  });

  it('reschedules in one step: the new slot taken and the old one freed, SEQUENCE raised', async () => {
    const { course, learner, request } = await booked();
    const moved = await learner.client.post(`/api/certificate-requests/${request.id}/reschedule`, { startsAt: at('10:30') });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ id: request.id, status: 'pending', startsAt: at('10:30'), endsAt: at('11:00'), sequence: 1 });
    expect(boardEvents(request.id).map((e) => [e.state, e.startsAt])).toEqual([
      ['booked', at('09:00')],
      ['free', at('09:00')],
      ['booked', at('10:30')],
    ]);
    const slots = await learner.client.get(`/api/courses/${course.id}/slots?to=2027-02-09T00:00:00Z`);
    expect(slots.body.slots.map((s: { startsAt: string }) => s.startsAt)).toEqual([at('09:00'), at('09:30'), at('10:00')]);
    // Moving into an overlap with its own current time is fine (only others' bookings count).
    const longer = await setUpEvaluation(t(), { slotMinutes: 60, weekly: [{ weekday: 1, start: '09:00', end: '12:00' }] });
    const other = await enrolledLearner(t(), longer.course);
    const first = await other.client.post(`/api/courses/${longer.course.id}/certificate-requests`, { startsAt: at('09:00') });
    expect((await other.client.post(`/api/certificate-requests/${first.body.id}/reschedule`, { startsAt: at('10:00') })).body.startsAt).toBe(at('10:00'));
  });

  it('changes nothing when the target slot is taken: the request keeps its time, the other keeps theirs', async () => {
    const { course, learner, request } = await booked();
    const rival = await enrolledLearner(t(), course);
    const theirs = await rival.client.post(`/api/courses/${course.id}/certificate-requests`, { startsAt: at('10:00') });
    const before = await stored(request.id);
    const refused = await learner.client.post(`/api/certificate-requests/${request.id}/reschedule`, { startsAt: at('10:00') });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'slot_taken', details: { nearestSlot: { startsAt: at('09:30') } } });
    expect(await stored(request.id)).toEqual(before);
    expect(await stored(theirs.body.id)).toMatchObject({ status: 'pending', startsAt: new Date(at('10:00')) });
    expect(boardEvents(request.id).map((e) => e.state)).toEqual(['booked']);
  });

  it('lists an evaluator’s requests for today, upcoming and past, to them and staff only', async () => {
    const { course, evaluators, learner, request } = await booked();
    const [{ user, client }] = evaluators;
    const other = await enrolledLearner(t(), course);
    await other.client.post(`/api/courses/${course.id}/certificate-requests`, { startsAt: at('10:00') });
    const upcoming = await client.get(`/api/evaluators/${user.id}/requests?range=upcoming`);
    expect(upcoming.body.requests.map((r: { startsAt: string }) => r.startsAt)).toEqual([at('09:00'), at('10:00')]);
    setClock(t().clock, '2027-02-08T09:45:00Z');
    expect((await client.get(`/api/evaluators/${user.id}/requests?range=today`)).body.requests).toHaveLength(2);
    expect((await client.get(`/api/evaluators/${user.id}/requests?range=past`)).body.requests.map((r: { id: string }) => r.id)).toEqual([request.id]);
    expect((await client.get(`/api/evaluators/${user.id}/requests`)).body.requests).toHaveLength(1);
    expect((await learner.client.get(`/api/evaluators/${user.id}/requests`)).status).toBe(403);
  });
});
