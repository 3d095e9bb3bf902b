import { describe, expect, it } from 'vitest';
import { runTrainingSweep } from '../server/modules/training/sweep.ts';
import { useTestApp } from './support/app.ts';
import { certificationCourse, learnerIn, staffMember } from './support/certificates.ts';
import { sessionFor } from './support/scheduling.ts';
import { waitUntil } from './support/wait.ts';

const DAY = 86_400_000;

describe('certificates across recertification cycles', () => {
  const t = useTestApp({ workJobs: true });

  it('lets a learner certify again in the new cycle; the new certificate replaces the previous cycle’s', async () => {
    t().clock.reset();
    const course = await certificationCourse(t().db, { lessons: 1, validityDays: 60, title: 'Manual Handling' });
    const staff = await staffMember(t());
    const learner = await learnerIn(t(), course, { complete: false });
    const due = new Date(t().clock.now().getTime() + 10 * DAY).toISOString().slice(0, 10);
    expect((await staff.client.post('/api/training/assignments', { userId: learner.user.id, courseId: course.id, dueOn: due })).status).toBe(201);
    await learner.client.post(`/api/learn/lessons/${course.lessonIds[0]}/complete`);
    await learner.client.post(`/api/courses/${course.id}/certification`);
    const first = await waitUntil(async () => (await learner.client.get(`/api/courses/${course.id}/certification`)).body.certificate ?? undefined, 20_000, 'the first certificate');

    // 31 days on, the completion expires within the 30-day window: a new cycle starts.
    t().clock.advance(31 * DAY);
    const sweep = await runTrainingSweep({ db: t().db, mailer: t().mailer, relay: t().relay, now: t().clock.now() });
    expect(sweep.renewals.map((r) => r.email)).toContain(learner.user.email);
    const again = await sessionFor(t(), learner.user);
    const state = (await again.get(`/api/courses/${course.id}/certification`)).body;
    // The old certificate is still valid until it expires, but the new cycle is not done yet.
    expect(state.certificate).toMatchObject({ id: first.id, status: 'valid' });
    expect(state.blockers.map((b: { code: string }) => b.code)).toEqual(['progress_incomplete']);

    await again.post(`/api/learn/lessons/${course.lessonIds[0]}/complete`);
    expect((await again.get(`/api/courses/${course.id}/certification`)).body).toMatchObject({ eligible: true, blockers: [] });
    expect((await again.post(`/api/courses/${course.id}/certification`)).status).toBe(202);
    const second = await waitUntil(async () => {
      const certificate = (await again.get(`/api/courses/${course.id}/certification`)).body.certificate;
      return certificate && certificate.id !== first.id ? certificate : undefined;
    }, 20_000, 'the new cycle’s certificate');
    expect(second).toMatchObject({ status: 'valid', replaces: { id: first.id }, issuedOn: t().clock.now().toISOString().slice(0, 10) });
    const mine = (await again.get('/api/me/certificates')).body.certificates;
    expect(mine.find((c: { id: string }) => c.id === first.id)).toMatchObject({ status: 'replaced', replacedBy: { id: second.id } });
    expect(t().relay.events.some((e) => e.name === 'certificate.updated' && e.payload.certificate.id === first.id && e.payload.certificate.status === 'replaced')).toBe(true);
    t().clock.reset();
  });
});
