import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/app.ts';
import { certificationCourse, learnerIn, staffMember } from './support/certificates.ts';
import { createUser } from './support/factories.ts';
import { sessionFor } from './support/scheduling.ts';

function day(days: number): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

describe('certificates issued and managed by staff', () => {
  const t = useTestApp();

  it('issues by hand with a past date, queues the mail, audits it, and refuses a second current one', async () => {
    const moderator = await staffMember(t());
    const course = await certificationCourse(t().db, { validityDays: 30 });
    const learner = await learnerIn(t(), course);
    const issued = await moderator.client.post('/api/certificates', { memberId: learner.user.id, courseId: course.id, issuedOn: '2024-02-29' });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ source: 'manual', issuedOn: '2024-02-29', expiresOn: '2024-03-30', status: 'expired', issuedBy: { id: moderator.user.id }, honoraryReason: null });
    const [job] = await t().database.sql`select data from pgboss.job where name = 'certificates.deliver'`;
    expect(job.data.certificateIds).toEqual([issued.body.id]);
    const [audit] = await t().database.sql`select actor_id, details from audit_events where action = 'certificate_issued' and subject_id = ${issued.body.id}`;
    expect(audit.actor_id).toBe(moderator.user.id);
    expect(t().relay.events.some((e) => e.name === 'certificate.updated' && e.payload.certificate.id === issued.body.id)).toBe(true);

    const twice = await moderator.client.post('/api/certificates', { memberId: learner.user.id, courseId: course.id });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('already_certified');
    expect((await moderator.client.post('/api/certificates', { memberId: learner.user.id, courseId: course.id, issuedOn: day(2) })).status).toBe(400);
  });

  it('needs an honorary reason to certify someone ineligible, and records it', async () => {
    const manager = await staffMember(t(), 'system_manager');
    const course = await certificationCourse(t().db);
    const member = await createUser(t().db);
    const refused = await manager.client.post('/api/certificates', { memberId: member.id, courseId: course.id });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('certificate_ineligible');
    expect(refused.body.error.details.blockers.map((b: { code: string }) => b.code)).toEqual(['not_enrolled']);
    expect((await manager.client.post('/api/certificates', { memberId: member.id, courseId: course.id, honoraryReason: '' })).status).toBe(400);

    const honorary = await manager.client.post('/api/certificates', { memberId: member.id, courseId: course.id, honoraryReason: 'Taught the course for ten years' });
    expect(honorary.status).toBe(201);
    expect(honorary.body.honoraryReason).toBe('Taught the course for ten years');
    const [audit] = await t().database.sql`select details from audit_events where action = 'certificate_issued' and subject_id = ${honorary.body.id}`;
    expect(audit.details.honoraryReason).toBe('Taught the course for ten years');
  });

  it('lets evaluators issue for the courses they evaluate only, and refuses learners every staff endpoint', async () => {
    const moderator = await staffMember(t());
    const course = await certificationCourse(t().db);
    const other = await certificationCourse(t().db);
    const evaluatorUser = await createUser(t().db, { roles: ['student'] });
    expect((await moderator.client.put(`/api/courses/${course.id}/evaluators`, { userIds: [evaluatorUser.id] })).status).toBe(200);
    const evaluator = await sessionFor(t(), evaluatorUser);
    const learner = await learnerIn(t(), course);
    await learner.client.post(`/api/courses/${other.id}/enroll`);
    for (const lessonId of other.lessonIds) await learner.client.post(`/api/learn/lessons/${lessonId}/complete`);

    expect((await evaluator.post('/api/certificates', { memberId: learner.user.id, courseId: course.id })).status).toBe(201);
    expect((await evaluator.post('/api/certificates', { memberId: learner.user.id, courseId: other.id })).status).toBe(403);

    const { body: certificate } = await learner.client.get('/api/me/certificates').then((r) => ({ body: r.body.certificates[0] }));
    expect((await learner.client.get(`/api/certificates/${certificate.id}`)).status).toBe(200);
    const stranger = await learnerIn(t(), other, { complete: false });
    expect((await stranger.client.get(`/api/certificates/${certificate.id}`)).status).toBe(403);
    expect((await learner.client.post('/api/certificates', { memberId: learner.user.id, courseId: other.id })).status).toBe(403);
    expect((await learner.client.get('/api/certificates')).status).toBe(403);
    expect((await learner.client.get('/api/certificates/export.csv')).status).toBe(403);
    expect((await learner.client.post(`/api/certificates/${certificate.id}/revoke`, { reason: 'Cheated on the quiz' })).status).toBe(403);
    expect((await learner.client.post(`/api/certificates/${certificate.id}/reissue`, {})).status).toBe(403);
    expect((await learner.client.post('/api/certificates/bulk', { cohortId: certificate.id, courseId: course.id })).status).toBe(403);
    expect((await learner.client.get('/api/certificate-templates')).status).toBe(403);
    expect((await evaluator.get('/api/certificates')).status).toBe(403);
  });

  it('revokes with a reason and reissues: the old shows revoked or replaced, publicly too', async () => {
    const moderator = await staffMember(t());
    const course = await certificationCourse(t().db, { title: 'Forklift Operation' });
    const learner = await learnerIn(t(), course);
    const { body: first } = await moderator.client.post('/api/certificates', { memberId: learner.user.id, courseId: course.id });

    expect((await moderator.client.post(`/api/certificates/${first.id}/revoke`, {})).status).toBe(400);
    const revoked = await moderator.client.post(`/api/certificates/${first.id}/revoke`, { reason: 'Issued to the wrong person' });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'revoked', revokedReason: 'Issued to the wrong person' });
    expect((await moderator.client.post(`/api/certificates/${first.id}/revoke`, { reason: 'Again' })).status).toBe(409);
    const publicRevoked = await t().client().get(`/api/public/certificates/${first.publicId}`);
    expect(publicRevoked.body).toMatchObject({ status: 'revoked', revokedReason: 'Issued to the wrong person', memberName: learner.user.name, courseTitle: 'Forklift Operation' });
    expect(await t().database.sql`select id from certificates where id = ${first.id}`).toHaveLength(1);

    // Revoked: the member may be certified again; then that one is reissued.
    const { body: second } = await moderator.client.post('/api/certificates', { memberId: learner.user.id, courseId: course.id });
    expect(second.status).toBe('valid');
    const reissued = await moderator.client.post(`/api/certificates/${second.id}/reissue`, { reason: 'Name corrected' });
    expect(reissued.status).toBe(201);
    expect(reissued.body).toMatchObject({ source: 'reissue', status: 'valid', replaces: { id: second.id, publicId: second.publicId } });
    const old = await moderator.client.get(`/api/certificates/${second.id}`);
    expect(old.body).toMatchObject({ status: 'replaced', replacedBy: { id: reissued.body.id, publicId: reissued.body.publicId } });
    const publicOld = await t().client().get(`/api/public/certificates/${second.publicId}`);
    expect(publicOld.body).toMatchObject({ status: 'replaced', replacedBy: { publicId: reissued.body.publicId } });
    expect((await moderator.client.post(`/api/certificates/${second.id}/reissue`, {})).status).toBe(409);
    const actions = await t().database.sql`select action from audit_events where subject_id in (${first.id}, ${second.id}, ${reissued.body.id}) order by created_at`;
    expect(actions.map((a) => a.action)).toEqual(['certificate_issued', 'certificate_revoked', 'certificate_issued', 'certificate_reissued']);
    const current = await learner.client.get(`/api/courses/${course.id}/certification`);
    expect(current.body.certificate.id).toBe(reissued.body.id);
  });

  it('lists with filters and exports CSV with one line per certificate', async () => {
    const moderator = await staffMember(t());
    const course = await certificationCourse(t().db, { title: 'Data Protection, "Basics"' });
    const learners = [await learnerIn(t(), course, { name: 'Ann Alpha' }), await learnerIn(t(), course, { name: 'Ben Beta' })];
    const ids: string[] = [];
    for (const learner of learners) ids.push((await moderator.client.post('/api/certificates', { memberId: learner.user.id, courseId: course.id, issuedOn: '2025-01-15' })).body.id);
    await moderator.client.post(`/api/certificates/${ids[1]}/revoke`, { reason: 'Left before finishing' });

    const all = await moderator.client.get(`/api/certificates?courseId=${course.id}`);
    expect(all.body.total).toBe(2);
    const revoked = await moderator.client.get(`/api/certificates?courseId=${course.id}&status=revoked`);
    expect(revoked.body.certificates.map((c: { memberName: string }) => c.memberName)).toEqual(['Ben Beta']);
    expect((await moderator.client.get(`/api/certificates?courseId=${course.id}&q=alpha`)).body.total).toBe(1);
    expect((await moderator.client.get(`/api/certificates?courseId=${course.id}&issuedFrom=2025-01-16`)).body.total).toBe(0);
    expect((await moderator.client.get(`/api/certificates?courseId=${course.id}&memberId=${learners[0].user.id}`)).body.certificates[0].id).toBe(ids[0]);

    const csv = await moderator.client.get(`/api/certificates/export.csv?courseId=${course.id}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = String(csv.body).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toContain('Certificate ID,Member,Email,Course');
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.includes('Ben Beta'))).toContain('revoked');
    expect(lines.find((l) => l.includes('Ann Alpha'))).toContain('"Data Protection, ""Basics"""');
    const onlyRevoked = await moderator.client.get(`/api/certificates/export.csv?courseId=${course.id}&status=revoked`);
    expect(String(onlyRevoked.body).trim().split('\r\n')).toHaveLength(2);
  });

  it('keeps templates: create, edit, one default, preview as PNG', async () => {
    const moderator = await staffMember(t());
    const listed = await moderator.client.get('/api/certificate-templates');
    expect(listed.body.templates.filter((x: { isDefault: boolean }) => x.isDefault)).toHaveLength(1);
    const design = { ...listed.body.templates[0].design, heading: 'Certificate of Achievement', primaryColor: '#224466' };
    const created = await moderator.client.post('/api/certificate-templates', { name: 'Gold', design });
    expect(created.status).toBe(201);
    expect((await moderator.client.post('/api/certificate-templates', { name: 'Bad', design: { ...design, primaryColor: 'red' } })).status).toBe(400);
    const renamed = await moderator.client.patch(`/api/certificate-templates/${created.body.id}`, { name: 'Gold edition' });
    expect(renamed.body).toMatchObject({ name: 'Gold edition', isDefault: false, design: { heading: 'Certificate of Achievement' } });
    const made = await moderator.client.post(`/api/certificate-templates/${created.body.id}/default`);
    expect(made.body.isDefault).toBe(true);
    const after = await moderator.client.get('/api/certificate-templates');
    expect(after.body.templates.filter((x: { isDefault: boolean }) => x.isDefault).map((x: { id: string }) => x.id)).toEqual([created.body.id]);

    const preview = await moderator.client.request('POST', '/api/certificate-templates/preview', { design });
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('image/png');

    // New certificates use the default template.
    const course = await certificationCourse(t().db);
    const learner = await learnerIn(t(), course);
    const issued = await moderator.client.post('/api/certificates', { memberId: learner.user.id, courseId: course.id });
    expect(issued.body.templateId).toBe(created.body.id);
  });

  it('documents every certificate endpoint in the OpenAPI document', async () => {
    const doc = await t().client().get('/api/openapi.json');
    expect(doc.status).toBe(200);
    const paths = Object.keys(doc.body.paths);
    for (const path of [
      '/courses/{courseId}/certification',
      '/me/certificates',
      '/certificates',
      '/certificates/export.csv',
      '/certificates/{id}',
      '/certificates/bulk',
      '/certificates/{id}/revoke',
      '/certificates/{id}/reissue',
      '/certificate-templates',
      '/certificate-templates/{id}',
      '/certificate-templates/{id}/default',
      '/certificate-templates/preview',
      '/public/certificates/{publicId}',
      '/public/certificates/{publicId}/pdf',
      '/public/certificates/{publicId}/png',
      '/public/certificates/{publicId}/credential',
    ]) expect(paths).toContain(path);
  });
});
