import { sql } from 'drizzle-orm';
import { authorize, requireUser, type Actor } from '../../auth/permissions.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import { domainEvent } from '../../realtime/events.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { loadCourseAccess } from '../courses/access.ts';
import type { CertificateDto, CertificationStateDto } from './dto.ts';
import { assessMember } from './eligibility.ts';
import { certificateEvents, insertCertificates, requestAlreadyCertified } from './issuance.ts';
import { currentCertificateId, memberCertificates, organisationDay, type ReadContext } from './queries.ts';
import { certificationState } from './state.ts';
import { templateOrDefault } from './templates.ts';

/** The signed-in learner's certification state for a course. */
export async function getCertification(db: Executor, input: { actor: Actor; courseId: string } & ReadContext): Promise<CertificationStateDto> {
  const actor = requireUser(input.actor);
  authorize(actor, 'certificates.claim', { userId: actor.userId });
  return certificationState(db, { memberId: actor.userId, courseId: input.courseId, context: input });
}

/** The signed-in learner's certificates, newest first. */
export async function myCertificates(db: Executor, input: { actor: Actor } & ReadContext): Promise<{ certificates: CertificateDto[] }> {
  const actor = requireUser(input.actor);
  authorize(actor, 'certificates.claim', { userId: actor.userId });
  return { certificates: await memberCertificates(db, actor.userId, input) };
}

/**
 * Get Certified. Answers at once: eligibility is checked, a claim is recorded and the issuing job
 * enqueued in the same transaction. One queued claim per member and course (partial unique index),
 * so twenty parallel clicks make one claim and one job; a click after the certificate exists
 * just shows it. Ineligible learners get 409 `certificate_ineligible` with the blockers.
 */
export async function claimCertificate(db: Database, input: { actor: Actor; courseId: string; jobs: JobQueue } & ReadContext): Promise<Outcome<CertificationStateDto>> {
  const actor = requireUser(input.actor);
  authorize(actor, 'certificates.claim', { userId: actor.userId });
  const course = await loadCourseAccess(db, input.courseId);
  if (!course.enableCertification) throw new AppError('certification_disabled', 'This course does not award a certificate.');
  return db.transaction(async (tx) => {
    const eligibility = await assessMember(tx, { courseId: course.id, memberId: actor.userId, course });
    if (!eligibility.currentCertificateId) {
      if (!eligibility.eligible) {
        throw new AppError('certificate_ineligible', eligibility.blockers.map((b) => b.message).join(' '), { blockers: eligibility.blockers });
      }
      const [claim] = await tx.execute<{ id: string }>(sql`
        insert into certificate_claims (member_id, course_id, requested_at) values (${actor.userId}, ${course.id}, ${input.now.toISOString()}::timestamptz)
        on conflict (member_id, course_id) where status = 'queued' do nothing
        returning id`);
      if (claim) await input.jobs.send('certificates.issue-claim', { claimId: claim.id }, { tx });
    }
    const state = await certificationState(tx, { memberId: actor.userId, courseId: course.id, course, context: input });
    return outcome(state, [domainEvent('certification.updated', { state, memberId: actor.userId })]);
  });
}

/**
 * The Get Certified job: issues the certificate of a queued claim, or refuses the claim when the
 * learner stopped being eligible since the click. Idempotent: a claim is settled once (row lock),
 * and the certificate insert skips a member who already holds one. Returns the certificate to
 * deliver (also on a retry after a failed delivery), or null.
 */
export async function issueClaim(db: Database, input: { claimId: string } & ReadContext): Promise<Outcome<string | null>> {
  return db.transaction(async (tx) => {
    const [claim] = await tx.execute<{ id: string; member_id: string; course_id: string; status: string; certificate_id: string | null }>(sql`
      select id, member_id, course_id, status, certificate_id from certificate_claims where id = ${input.claimId} for update`);
    if (!claim) return outcome(null);
    if (claim.status !== 'queued') return outcome(claim.status === 'issued' ? claim.certificate_id : null);
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('certificate:' || ${claim.member_id} || ':' || ${claim.course_id}))`);
    const course = await loadCourseAccess(tx, claim.course_id);
    const eligibility = await assessMember(tx, { courseId: course.id, memberId: claim.member_id, course });
    const settle = (status: 'issued' | 'refused', certificateId: string | null, refusal: string | null) =>
      tx.execute(sql`
        update certificate_claims set status = ${status}::certificate_claim_status, certificate_id = ${certificateId}, refusal = ${refusal},
          settled_at = ${input.now.toISOString()}::timestamptz
        where id = ${claim.id}`);
    if (eligibility.currentCertificateId) {
      await settle('issued', eligibility.currentCertificateId, null);
      return outcome(eligibility.currentCertificateId);
    }
    if (!eligibility.eligible || !course.enableCertification) {
      await settle('refused', null, eligibility.blockers.map((b) => b.code).join(',') || 'certification_disabled');
      const state = await certificationState(tx, { memberId: claim.member_id, courseId: course.id, course, context: input });
      return outcome(null, [domainEvent('certification.updated', { state, memberId: claim.member_id })]);
    }
    const template = await templateOrDefault(tx, null);
    const [created] = await insertCertificates(tx, {
      actor: { kind: 'system', reason: 'get_certified' },
      course,
      entries: [{
        memberId: claim.member_id,
        cohortId: eligibility.cohortId,
        // An evaluation course: the certificate names the passed evaluation, unless an earlier (revoked) one already did.
        certificateRequestId: eligibility.passedRequestId && !(await requestAlreadyCertified(tx, eligibility.passedRequestId)) ? eligibility.passedRequestId : null,
        issuedOn: await organisationDay(tx, input.now),
      }],
      source: 'automatic',
      templateId: template.id,
      now: input.now,
    });
    // Another path (a bulk issuance) may have certified the member since the read above: the index kept one.
    const certificateId = created?.id ?? (await currentCertificateId(tx, { memberId: claim.member_id, courseId: course.id }));
    await settle(certificateId ? 'issued' : 'refused', certificateId, certificateId ? null : 'conflict');
    const { events } = await certificateEvents(tx, certificateId ? [certificateId] : [], input);
    return outcome(certificateId, events);
  });
}
