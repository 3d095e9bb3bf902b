import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/app.ts';
import { enrolledLearner, setClock, setUpEvaluation } from './support/scheduling.ts';
import { waitUntil } from './support/wait.ts';

describe('a passed evaluation certifies the learner', () => {
  const t = useTestApp({ workJobs: true });

  it('issues the certificate through the queue when the evaluator records a pass, linked to the evaluation, and tells the learner live', async () => {
    const { course, evaluators } = await setUpEvaluation(t(), { weekly: [{ weekday: 1, start: '09:00', end: '12:00' }], timezone: 'UTC' });
    setClock(t().clock, '2027-02-04T12:00:00Z');
    const learner = await enrolledLearner(t(), course);
    const before = await learner.client.get(`/api/courses/${course.id}/certification`);
    expect(before.body.blockers.map((b: { code: string }) => b.code)).toEqual(['evaluation_required']);
    const booked = await learner.client.post(`/api/courses/${course.id}/certificate-requests`, { startsAt: '2027-02-08T10:00:00.000Z' });
    expect(booked.status).toBe(201);

    setClock(t().clock, '2027-02-08T10:05:00Z');
    const evaluator = evaluators.find((e) => e.user.id === booked.body.evaluatorId)!;
    const completed = await evaluator.client.post(`/api/certificate-requests/${booked.body.id}/complete`, { outcome: 'pass', notes: 'Confident and correct.' });
    expect(completed.status).toBe(200);

    const certificate = await waitUntil(async () => (await learner.client.get(`/api/courses/${course.id}/certification`)).body.certificate ?? undefined, 20_000, 'the certificate');
    expect(certificate).toMatchObject({ source: 'evaluation', certificateRequestId: booked.body.id, status: 'valid', memberId: learner.user.id, issuedOn: '2027-02-08' });
    expect(t().relay.events.some((e) => e.name === 'certificate.updated' && e.payload.certificate.id === certificate.id)).toBe(true);
    t().clock.reset();
  });
});
