import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { actorUserId, authorize, type Actor } from '../../auth/permissions.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { loadCourseAccess } from '../courses/access.ts';
import { recordAudit } from '../system/audit.ts';
import type { CertificateDto } from './dto.ts';
import { certificateEvents, queueDelivery } from './issuance.ts';
import { newPublicId, organisationDay, type ReadContext } from './queries.ts';
import { requireTemplate, templateOrDefault } from './templates.ts';

type LockedCertificate = {
  id: string;
  member_id: string;
  course_id: string;
  cohort_id: string | null;
  template_id: string | null;
  revoked_at: string | null;
  replaced_by_id: string | null;
  public_id: string;
};

async function lockCertificate(tx: Executor, id: string): Promise<LockedCertificate> {
  const [row] = await tx.execute<LockedCertificate>(sql`
    select id, member_id, course_id, cohort_id, template_id, revoked_at, replaced_by_id, public_id from certificates where id = ${id} for update`);
  if (!row) throw new AppError('not_found', 'No such certificate.');
  return row;
}

/**
 * Revokes a certificate (staff, with a reason). It is never deleted: verification shows it
 * revoked with the reason, and the member may be certified again.
 */
export async function revokeCertificate(db: Database, input: { actor: Actor; certificateId: string; reason: string } & ReadContext): Promise<Outcome<CertificateDto>> {
  const actor = authorize(input.actor, 'certificates.manage');
  return db.transaction(async (tx) => {
    const row = await lockCertificate(tx, input.certificateId);
    if (row.revoked_at) throw new AppError('conflict', 'This certificate is already revoked.');
    await tx.execute(sql`
      update certificates set revoked_at = ${input.now.toISOString()}::timestamptz, revoked_by = ${actorUserId(actor)}, revoked_reason = ${input.reason},
        updated_at = ${input.now.toISOString()}::timestamptz
      where id = ${row.id}`);
    await recordAudit(tx, { actor, action: 'certificate_revoked', subjectType: 'certificate', subjectId: row.id, details: { reason: input.reason, memberId: row.member_id, courseId: row.course_id, publicId: row.public_id } });
    const { certificates, events } = await certificateEvents(tx, [row.id], input);
    return outcome(certificates[0], events);
  });
}

/**
 * Reissues a current certificate: a new one (today, the course's validity, the given or same
 * template) linked to the old, which shows as replaced. The old row leaves the one-current index
 * before the new one enters it, in one transaction (the link to the new row is checked at commit).
 */
export async function reissueCertificate(
  db: Database,
  input: { actor: Actor; certificateId: string; templateId?: string; reason?: string; jobs: JobQueue } & ReadContext,
): Promise<Outcome<CertificateDto>> {
  const actor = authorize(input.actor, 'certificates.manage');
  if (input.templateId) await requireTemplate(db, input.templateId);
  return db.transaction(async (tx) => {
    const old = await lockCertificate(tx, input.certificateId);
    if (old.revoked_at) throw new AppError('conflict', 'A revoked certificate cannot be reissued; issue a new one.');
    if (old.replaced_by_id) throw new AppError('conflict', 'This certificate was already replaced; reissue the newer one.');
    const course = await loadCourseAccess(tx, old.course_id);
    const template = await templateOrDefault(tx, input.templateId ?? old.template_id);
    const issuedOn = await organisationDay(tx, input.now);
    const newId = randomUUID();
    const now = input.now.toISOString();
    await tx.execute(sql`update certificates set replaced_by_id = ${newId}, updated_at = ${now}::timestamptz where id = ${old.id}`);
    const [created] = await tx.execute<{ id: string; public_id: string }>(sql`
      insert into certificates (id, public_id, member_id, course_id, cohort_id, template_id, source, issued_on, expires_on, issued_at, issued_by, replaces_id, updated_at)
      values (${newId}, ${newPublicId()}, ${old.member_id}, ${old.course_id}, ${old.cohort_id}, ${template.id}, 'reissue', ${issuedOn}::date,
        case when ${course.validityDays}::int is null then null else ${issuedOn}::date + ${course.validityDays}::int end,
        ${now}::timestamptz, ${actorUserId(actor)}, ${old.id}, ${now}::timestamptz)
      returning id, public_id`);
    await recordAudit(tx, {
      actor,
      action: 'certificate_reissued',
      subjectType: 'certificate',
      subjectId: created.id,
      details: { replaces: old.id, replacesPublicId: old.public_id, publicId: created.public_id, memberId: old.member_id, courseId: old.course_id, issuedOn, ...(input.reason ? { reason: input.reason } : {}) },
    });
    await queueDelivery(tx, input.jobs, [created.id]);
    const { certificates, events } = await certificateEvents(tx, [old.id, created.id], input);
    return outcome(certificates[1], events);
  });
}
