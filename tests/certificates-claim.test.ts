import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/app.ts';
import { certificationCourse, learnerIn } from './support/certificates.ts';
import { useSmtpServer } from './support/smtp.ts';
import { waitUntil } from './support/wait.ts';

/** A YYYY-MM-DD `days` from today (UTC, the default organisation timezone). */
function day(days: number): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

describe('Get Certified', () => {
  const smtp = useSmtpServer();
  const t = useTestApp({ smtpUrl: () => smtp.url, workJobs: true });

  const certificateOf = (client: { get: (path: string) => Promise<{ body: any }> }, courseId: string) =>
    waitUntil(async () => (await client.get(`/api/courses/${courseId}/certification`)).body.certificate ?? undefined, 20_000, 'the certificate');

  it('answers 202 at once, issues through the job, tells the learner live and mails the PDF with the verification link', async () => {
    const course = await certificationCourse(t().db, { title: 'Workplace Fire Safety' });
    const learner = await learnerIn(t(), course, { name: 'Zoë Brontë' });
    const before = await learner.client.get(`/api/courses/${course.id}/certification`);
    expect(before.body).toMatchObject({ certificationEnabled: true, evaluationRequired: false, eligible: true, blockers: [], pending: false, certificate: null });

    const claimed = await learner.client.post(`/api/courses/${course.id}/certification`);
    expect(claimed.status).toBe(202);
    expect(claimed.body.pending || claimed.body.certificate !== null).toBe(true);

    const certificate = await certificateOf(learner.client, course.id);
    expect(certificate).toMatchObject({ memberId: learner.user.id, courseTitle: 'Workplace Fire Safety', source: 'automatic', status: 'valid', issuedOn: day(0), expiresOn: null, issuedBy: null });
    expect(certificate.publicId).toMatch(/^[A-Za-z0-9_-]{27}$/);
    expect(certificate.verifyUrl).toBe(`http://localhost:3000/certificate/${certificate.publicId}`);

    const mail = await smtp.waitFor((m) => m.to.includes(learner.user.email), 20_000);
    expect(mail.subject).toContain('Workplace Fire Safety');
    expect(mail.raw).toContain(certificate.publicId);
    expect(mail.raw).toMatch(/Content-Type: application\/pdf/i);
    expect(mail.raw).toMatch(/filename="?Zoe_Bronte-Workplace_Fire_Safety\.pdf/);

    const names = t().relay.events.filter((e) => ('memberId' in e.payload && e.payload.memberId === learner.user.id) || (e.name === 'certificate.updated' && e.payload.certificate.memberId === learner.user.id)).map((e) => e.name);
    expect(names[0]).toBe('certification.updated');
    expect(names).toContain('certificate.updated');
    const issuedState = t().relay.events.find((e) => e.name === 'certification.updated' && e.payload.memberId === learner.user.id && e.payload.state.certificate);
    expect(issuedState).toBeDefined();

    const [audit] = await t().database.sql`select actor_label, details from audit_events where action = 'certificate_issued' and subject_id = ${certificate.id}`;
    expect(audit.details).toMatchObject({ memberId: learner.user.id, source: 'automatic' });

    const mine = await learner.client.get('/api/me/certificates');
    expect(mine.body.certificates.map((c: { id: string }) => c.id)).toEqual([certificate.id]);
    // Clicking again shows the same certificate.
    const again = await learner.client.post(`/api/courses/${course.id}/certification`);
    expect(again.status).toBe(202);
    expect(again.body.certificate.id).toBe(certificate.id);
  });

  it('makes one certificate and sends one email for 20 parallel clicks', async () => {
    const course = await certificationCourse(t().db);
    const learner = await learnerIn(t(), course);
    const answers = await Promise.all(Array.from({ length: 20 }, () => learner.client.post(`/api/courses/${course.id}/certification`)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    const certificate = await certificateOf(learner.client, course.id);
    await waitUntil(async () => ((await t().database.sql`select delivered_at from certificates where id = ${certificate.id}`)[0].delivered_at ? true : undefined), 20_000, 'delivery');
    const rows = await t().database.sql`select id from certificates where member_id = ${learner.user.id}`;
    expect(rows).toHaveLength(1);
    const claims = await t().database.sql`select status from certificate_claims where member_id = ${learner.user.id}`;
    expect(claims.map((c) => c.status)).toEqual(['issued']);
    // Let any stray job run before counting mails.
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.received.filter((m) => m.to.includes(learner.user.email))).toHaveLength(1);
  });

  it('refuses the ineligible with 409 and the blockers', async () => {
    const course = await certificationCourse(t().db, { lessons: 2, quizzes: [{ passPercentage: 50 }] });
    const notEnrolled = await learnerIn(t(), await certificationCourse(t().db), {});
    const outsider = await notEnrolled.client.post(`/api/courses/${course.id}/certification`);
    expect(outsider.status).toBe(409);
    expect(outsider.body.error.code).toBe('certificate_ineligible');
    expect(outsider.body.error.details.blockers.map((b: { code: string }) => b.code)).toEqual(['not_enrolled']);

    const halfway = await learnerIn(t(), course, { complete: false });
    await halfway.client.post(`/api/learn/lessons/${course.lessonIds[0]}/complete`);
    const state = await halfway.client.get(`/api/courses/${course.id}/certification`);
    expect(state.body.eligible).toBe(false);
    expect(state.body.blockers.map((b: { code: string }) => b.code)).toEqual(['progress_incomplete', 'quiz_not_passed']);
    const refused = await halfway.client.post(`/api/courses/${course.id}/certification`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.blockers.map((b: { code: string }) => b.code)).toEqual(['progress_incomplete', 'quiz_not_passed']);
    expect(await t().database.sql`select id from certificate_claims where member_id = ${halfway.user.id}`).toHaveLength(0);

    const plain = await certificationCourse(t().db, { enableCertification: false });
    const finished = await learnerIn(t(), plain);
    const disabled = await finished.client.post(`/api/courses/${plain.id}/certification`);
    expect(disabled.status).toBe(409);
    expect(disabled.body.error.code).toBe('certification_disabled');
  });

  it('gives certificates of courses with validity days an expiry date', async () => {
    const course = await certificationCourse(t().db, { validityDays: 365 });
    const learner = await learnerIn(t(), course);
    await learner.client.post(`/api/courses/${course.id}/certification`);
    const certificate = await certificateOf(learner.client, course.id);
    expect(certificate.issuedOn).toBe(day(0));
    expect(certificate.expiresOn).toBe(day(365));
  });

  it('refuses people who are not signed in', async () => {
    const course = await certificationCourse(t().db);
    expect((await t().client().post(`/api/courses/${course.id}/certification`)).status).toBe(401);
    expect((await t().client().get('/api/me/certificates')).status).toBe(401);
  });
});
