import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { describe, expect, it } from 'vitest';
import { queueCertificateAfterEvaluation } from '../server/modules/certificates/issuance.ts';
import { publicJwks } from '../server/modules/certificates/credentials.ts';
import { defaultCertificateDesign } from '../server/modules/certificates/design.ts';
import { createRenderPool } from '../server/modules/certificates/renderer.ts';
import { useTestApp } from './support/app.ts';
import { certificationCourse, learnerIn, staffMember } from './support/certificates.ts';
import { createUser } from './support/factories.ts';
import { useSmtpServer } from './support/smtp.ts';
import { waitUntil } from './support/wait.ts';

function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'certificate-pdf-'));
  try {
    writeFileSync(join(dir, 'c.pdf'), pdf);
    return execFileSync('pdftotext', ['-layout', join(dir, 'c.pdf'), '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The first PDF attached to a raw MIME message. */
function attachedPdf(raw: string): Buffer {
  const part = raw.split(/\r?\n--/).find((p) => /Content-Type: application\/pdf/i.test(p));
  if (!part) throw new Error('no PDF attached');
  const body = part.split(/\r?\n\r?\n/).slice(1).join('\n');
  return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
}

describe('certificate delivery, bulk issuance, evaluation and public verification', () => {
  const smtp = useSmtpServer();
  const t = useTestApp({ smtpUrl: () => smtp.url, workJobs: true });

  it('retries a failed delivery without a second certificate or a second email; the PDF is attached and readable', async () => {
    const course = await certificationCourse(t().db, { title: 'Écoles & Säfety: Ærø Ünïcode' });
    const learner = await learnerIn(t(), course, { name: 'Łukasz Żółć' });
    smtp.reject = true;
    try {
      expect((await learner.client.post(`/api/courses/${course.id}/certification`)).status).toBe(202);
      await waitUntil(async () => {
        const [failed] = await t().database.sql`select id from mail_messages where "to" = ${learner.user.email} and status = 'failed'`;
        return failed ? true : undefined;
      }, 20_000, 'a failed delivery');
    } finally {
      smtp.reject = false;
    }
    const mail = await smtp.waitFor((m) => m.to.includes(learner.user.email), 30_000);
    const certificates = await t().database.sql`select id, public_id, delivered_at from certificates where member_id = ${learner.user.id}`;
    expect(certificates).toHaveLength(1);
    await waitUntil(async () => ((await t().database.sql`select delivered_at from certificates where id = ${certificates[0].id}`)[0].delivered_at ? true : undefined), 10_000, 'delivered');
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.received.filter((m) => m.to.includes(learner.user.email))).toHaveLength(1);
    const text = pdfText(attachedPdf(mail.raw));
    expect(text).toContain('Łukasz Żółć');
    expect(text).toContain(certificates[0].public_id);
  });

  it('issues to a cohort through the queue with live progress to the moderator', async () => {
    const moderator = await staffMember(t());
    const course = await certificationCourse(t().db, { lessons: 1 });
    const cohort = await moderator.client.post('/api/cohorts', { title: 'Spring intake', startsOn: '2026-01-05', endsOn: '2026-06-30', timezone: 'UTC' });
    expect(cohort.status).toBe(201);
    expect((await moderator.client.put(`/api/cohorts/${cohort.body.id}/courses`, { courses: [{ courseId: course.id }] })).status).toBe(200);
    const members = await Promise.all(Array.from({ length: 5 }, () => createUser(t().db)));
    expect((await moderator.client.post(`/api/cohorts/${cohort.body.id}/members`, { userIds: members.map((m) => m.id) })).status).toBe(200);
    // Three finish the course; two do not.
    const { sessionFor } = await import('./support/scheduling.ts');
    for (const member of members.slice(0, 3)) {
      const client = await sessionFor(t(), member);
      expect((await client.post(`/api/learn/lessons/${course.lessonIds[0]}/complete`)).status).toBe(200);
    }
    t().relay.events.length = 0;
    const started = await moderator.client.post('/api/certificates/bulk', { cohortId: cohort.body.id, courseId: course.id });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ eligible: 3, skipped: 2 });

    const finished = await waitUntil(
      () => t().relay.events.find((e) => e.name === 'certificateBatch.progress' && e.payload.batchId === started.body.batchId && e.payload.finished),
      30_000,
      'the batch to finish',
    );
    expect(finished.payload).toMatchObject({ total: 3, done: 3, issued: 3, skipped: 0, failed: 0, requestedBy: moderator.user.id, cohortId: cohort.body.id });
    const progress = t().relay.events.filter((e) => e.name === 'certificateBatch.progress' && e.payload.batchId === started.body.batchId);
    expect(progress[0].payload).toMatchObject({ done: 0, finished: false });
    const rows = await t().database.sql`select member_id, source, cohort_id from certificates where course_id = ${course.id}`;
    expect(rows.map((r) => r.member_id).sort()).toEqual(members.slice(0, 3).map((m) => m.id).sort());
    expect(new Set(rows.map((r) => `${r.source}:${r.cohort_id}`))).toEqual(new Set([`bulk:${cohort.body.id}`]));
    for (const member of members.slice(0, 3)) await smtp.waitFor((m) => m.to.includes(member.email), 10_000);
    const listed = await moderator.client.get(`/api/certificates?cohortId=${cohort.body.id}`);
    expect(listed.body.total).toBe(3);
  });

  it('issues the certificate linked to a passed evaluation and tells the learner', async () => {
    const course = await certificationCourse(t().db, { lessons: 1 });
    await t().database.sql`update courses set evaluation_required = true where id = ${course.id}`;
    const learner = await learnerIn(t(), course);
    const before = await learner.client.get(`/api/courses/${course.id}/certification`);
    expect(before.body.blockers.map((b: { code: string }) => b.code)).toEqual(['evaluation_required']);
    const evaluator = await createUser(t().db, { roles: ['batch_evaluator'] });
    const [request] = await t().database.sql`
      insert into certificate_requests (member_id, course_id, evaluator_id, starts_at, ends_at, status, learner_timezone, outcome, completed_at, completed_by)
      values (${learner.user.id}, ${course.id}, ${evaluator.id}, now() - interval '2 hours', now() - interval '1 hour', 'completed', 'UTC', 'pass', now(), ${evaluator.id})
      returning id`;
    await t().db.transaction(async (tx) => {
      await queueCertificateAfterEvaluation(tx, t().jobs, { certificateRequestId: request.id });
      await queueCertificateAfterEvaluation(tx, t().jobs, { certificateRequestId: request.id });
    });
    const certificate = await waitUntil(async () => (await learner.client.get(`/api/courses/${course.id}/certification`)).body.certificate ?? undefined, 20_000, 'the certificate');
    expect(certificate).toMatchObject({ source: 'evaluation', certificateRequestId: request.id, status: 'valid' });
    await smtp.waitFor((m) => m.to.includes(learner.user.email), 20_000);
    expect(t().relay.events.some((e) => e.name === 'certificate.updated' && e.payload.certificate.id === certificate.id)).toBe(true);
    expect(await t().database.sql`select id from certificates where certificate_request_id = ${request.id}`).toHaveLength(1);
  });

  it('verifies publicly without a login: facts, PDF, PNG and a credential signed with the published key; 404 for unknown ids', async () => {
    const moderator = await staffMember(t());
    const course = await certificationCourse(t().db, { title: 'First Aid at Work', validityDays: 730 });
    const learner = await learnerIn(t(), course, { name: 'Amélie Durand' });
    const { body: certificate } = await moderator.client.post('/api/certificates', { memberId: learner.user.id, courseId: course.id });
    const anonymous = t().client();

    const verified = await anonymous.get(`/api/public/certificates/${certificate.publicId}`);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ status: 'valid', memberName: 'Amélie Durand', courseTitle: 'First Aid at Work', issuerName: 'Learning Platform', expiresOn: certificate.expiresOn });
    expect(verified.body).not.toHaveProperty('memberEmail');
    const linkedIn = new URL(verified.body.linkedInUrl);
    expect(linkedIn.searchParams.get('name')).toBe('First Aid at Work');
    expect(linkedIn.searchParams.get('certId')).toBe(certificate.publicId);
    expect(linkedIn.searchParams.get('certUrl')).toBe(certificate.verifyUrl);

    const pdf = await t().app.request(`/api/public/certificates/${certificate.publicId}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toMatch(/^attachment; filename="Amelie_Durand-First_Aid_at_Work\.pdf"$/);
    const text = pdfText(Buffer.from(await pdf.arrayBuffer()));
    expect(text).toContain('Amélie Durand');
    expect(text).toContain(certificate.publicId);

    const png = await t().app.request(`/api/public/certificates/${certificate.publicId}/png`);
    expect(png.status).toBe(200);
    expect(Buffer.from(await png.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');

    const jwt = await t().app.request(`/api/public/certificates/${certificate.publicId}/credential`);
    expect(jwt.status).toBe(200);
    expect(jwt.headers.get('content-type')).toBe('application/vc+jwt');
    const published = (await (await t().app.request('/.well-known/jwks.json')).json()) as JSONWebKeySet;
    expect(published.keys).toEqual((await publicJwks(t().db)).keys);
    const { payload } = await jwtVerify(await jwt.text(), createLocalJWKSet(published), { algorithms: ['EdDSA'] });
    expect(payload).toMatchObject({ id: certificate.verifyUrl, credentialSubject: { name: 'Amélie Durand', achievement: { name: 'First Aid at Work' } } });
    const json = await anonymous.get(`/api/public/certificates/${certificate.publicId}/credential?format=json`);
    expect(json.body.type).toContain('OpenBadgeCredential');

    // Revocation shows in verification, where the credential's status points.
    await moderator.client.post(`/api/certificates/${certificate.id}/revoke`, { reason: 'Training record was falsified' });
    const after = await anonymous.get(`/api/public/certificates/${certificate.publicId}`);
    expect(after.body).toMatchObject({ status: 'revoked', revokedReason: 'Training record was falsified' });
    expect(json.body.credentialStatus.id.startsWith(certificate.verifyUrl)).toBe(true);

    for (const path of ['', '/pdf', '/png', '/credential']) {
      expect((await anonymous.get(`/api/public/certificates/AAAAAAAAAAAAAAAAAAAAAAAAAAA${path}`)).status).toBe(404);
      expect((await anonymous.get(`/api/public/certificates/nope${path}`)).status).toBe(404);
    }
  });

  it('renders on a pool of threads (what servers use) with the same result', async () => {
    const pool = createRenderPool(1);
    const facts = { certificateId: 'Pool_Rendered_Certificate_01', memberName: 'Søren Kierkegaard', courseTitle: 'Ladder Safety', issuedOn: '2026-03-03', expiresOn: null, issuerName: 'Learning Platform', verifyUrl: 'http://localhost:3000/certificate/Pool_Rendered_Certificate_01' };
    const [pdf, png] = await Promise.all([pool.renderCertificatePdf(facts, defaultCertificateDesign), pool.renderCertificatePng(facts, defaultCertificateDesign, { width: 400 })]);
    const text = pdfText(pdf);
    expect(text).toContain('Søren Kierkegaard');
    expect(text).toContain('Pool_Rendered_Certificate_01');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  }, 60_000);
});
