import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { actorUserId, authorize, type Actor } from '../../auth/permissions.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError, pgConstraint, pgErrorCode, pgErrors } from '../../errors.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import { domainEvent, type DomainEvent } from '../../realtime/events.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { loadCohortRecord, isCohortMember } from '../cohorts/queries.ts';
import { loadCourseAccess, type CourseAccess } from '../courses/access.ts';
import { allEvaluatorIds } from '../scheduling/queries.ts';
import { recordAudit } from '../system/audit.ts';
import { loadUser } from '../users/queries.ts';
import type { CertificateDto, CertificateSource, IssueCertificateInput } from './dto.ts';
import { assessMember } from './eligibility.ts';
import { loadCertificate, loadCertificates, newPublicId, organisationDay, type ReadContext } from './queries.ts';
import { certificationState } from './state.ts';
import { requireTemplate, templateOrDefault } from './templates.ts';

/** One certificate to insert. */
export interface CertificateEntry {
  memberId: string;
  cohortId: string | null;
  certificateRequestId?: string | null;
  issuedOn: string;
  honoraryReason?: string | null;
}

/**
 * Inserts certificates for one course in one statement. The partial unique index (one current
 * certificate per member and course) is the ON CONFLICT target, so a member who already holds one
 * (a race, a retried job, a second click) is skipped, never certified twice. The expiry is the
 * issue date plus the course's validity days. Every new certificate gets its `certificate_issued`
 * audit record in the same transaction. Returns the new rows.
 */
export async function insertCertificates(
  tx: Executor,
  input: {
    actor: Actor;
    course: Pick<CourseAccess, 'id' | 'validityDays'>;
    entries: readonly CertificateEntry[];
    source: CertificateSource;
    templateId: string;
    batchId?: string | null;
    now: Date;
  },
): Promise<{ id: string; memberId: string }[]> {
  if (!input.entries.length) return [];
  const rows = input.entries.map((entry) => ({
    id: randomUUID(),
    public_id: newPublicId(),
    member_id: entry.memberId,
    cohort_id: entry.cohortId,
    request_id: entry.certificateRequestId ?? null,
    issued_on: entry.issuedOn,
    honorary_reason: entry.honoraryReason ?? null,
  }));
  const now = input.now.toISOString();
  // Recertification: a member's current certificate from before their enrollment's current cycle
  // is replaced by the new one. It leaves the one-current index here (its link to the new row is
  // checked at commit), so the insert below can take its place.
  const renewed = await tx.execute<{ old_id: string; new_id: string }>(sql`
    update certificates ct set replaced_by_id = x.id, updated_at = ${now}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id uuid, member_id uuid), enrollments e
    where ct.member_id = x.member_id and ct.course_id = ${input.course.id} and ct.revoked_at is null and ct.replaced_by_id is null
      and e.user_id = x.member_id and e.course_id = ${input.course.id} and e.cycle_started_at is not null and ct.issued_at < e.cycle_started_at
    returning ct.id as old_id, x.id as new_id`);
  const replaces = new Map(Array.from(renewed, (row) => [row.new_id, row.old_id]));
  const withReplaces = rows.map((row) => ({ ...row, replaces_id: replaces.get(row.id) ?? null }));
  const inserted = await tx.execute<{ id: string; member_id: string; public_id: string; issued_on: string; expires_on: string | null; honorary_reason: string | null; certificate_request_id: string | null }>(sql`
    insert into certificates (id, public_id, member_id, course_id, cohort_id, template_id, certificate_request_id, source, issued_on, expires_on,
      issued_at, issued_by, honorary_reason, batch_id, replaces_id, updated_at)
    select x.id, x.public_id, x.member_id, ${input.course.id}::uuid, x.cohort_id, ${input.templateId}::uuid, x.request_id,
      ${input.source}::certificate_source, x.issued_on,
      case when ${input.course.validityDays}::int is null then null else x.issued_on + ${input.course.validityDays}::int end,
      ${now}::timestamptz, ${actorUserId(input.actor)}::uuid, x.honorary_reason, ${input.batchId ?? null}::uuid, x.replaces_id, ${now}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(withReplaces)}::jsonb) as x(id uuid, public_id text, member_id uuid, cohort_id uuid, request_id uuid, issued_on date, honorary_reason text, replaces_id uuid)
    order by x.member_id
    on conflict (member_id, course_id) where revoked_at is null and replaced_by_id is null do nothing
    returning id, member_id, public_id, issued_on::text as issued_on, expires_on::text as expires_on, honorary_reason, certificate_request_id`);
  const created = Array.from(inserted);
  for (const row of created) {
    await recordAudit(tx, {
      actor: input.actor,
      action: 'certificate_issued',
      subjectType: 'certificate',
      subjectId: row.id,
      details: {
        memberId: row.member_id,
        courseId: input.course.id,
        publicId: row.public_id,
        source: input.source,
        issuedOn: row.issued_on,
        expiresOn: row.expires_on,
        ...(row.honorary_reason ? { honoraryReason: row.honorary_reason } : {}),
        ...(row.certificate_request_id ? { certificateRequestId: row.certificate_request_id } : {}),
        ...(input.batchId ? { batchId: input.batchId } : {}),
      },
    });
  }
  return created.map((row) => ({ id: row.id, memberId: row.member_id }));
}

/** `certificate.updated` for each certificate and `certification.updated` for its member and course. */
export async function certificateEvents(db: Executor, ids: readonly string[], context: ReadContext): Promise<{ certificates: CertificateDto[]; events: DomainEvent[] }> {
  const certificates = await loadCertificates(db, ids, context);
  const events: DomainEvent[] = [];
  for (const certificate of certificates) {
    const state = await certificationState(db, { memberId: certificate.memberId, courseId: certificate.courseId, context });
    events.push(domainEvent('certification.updated', { state, memberId: certificate.memberId }), domainEvent('certificate.updated', { certificate }));
  }
  // A certificate of an earlier cycle that a new one replaced (recertification) changed too.
  const predecessors = certificates.flatMap((certificate) => (certificate.replaces && !ids.includes(certificate.replaces.id) ? [certificate.replaces.id] : []));
  for (const certificate of predecessors.length ? await loadCertificates(db, predecessors, context) : []) events.push(domainEvent('certificate.updated', { certificate }));
  return { certificates, events };
}

/** Enqueues the congratulation (render + mail) of new certificates, inside the issuing transaction. */
export async function queueDelivery(tx: Executor, jobs: JobQueue, certificateIds: readonly string[]): Promise<void> {
  for (const certificateId of certificateIds) await jobs.send('certificates.deliver', { certificateIds: [certificateId] }, { tx });
}

function isRequestConflict(error: unknown): boolean {
  return pgErrorCode(error) === pgErrors.uniqueViolation && pgConstraint(error) === 'certificates_request_key';
}

/**
 * Staff issue a certificate by hand: moderators and system managers for any course, evaluators
 * for the courses they evaluate. Eligibility is checked as for Get Certified; an ineligible
 * member is certified only with an honorary reason, which is stored and audited. The issue date
 * may be in the past (historical credentials), never in the future.
 */
export async function issueCertificate(
  db: Database,
  input: IssueCertificateInput & { actor: Actor; jobs: JobQueue } & ReadContext,
): Promise<Outcome<CertificateDto>> {
  const course = await loadCourseAccess(db, input.courseId);
  const actor = authorize(input.actor, 'certificates.issue', { ownerIds: await allEvaluatorIds(db, course.id) });
  const member = await loadUser(db, input.memberId);
  if (!member) throw new AppError('not_found', 'No such member.');
  const today = await organisationDay(db, input.now);
  const issuedOn = input.issuedOn ?? today;
  if (issuedOn > today) throw new AppError('validation_failed', 'Invalid input: issuedOn: the issue date cannot be in the future.', { issues: [{ path: 'issuedOn', message: 'In the future' }] });
  if (input.cohortId) {
    await loadCohortRecord(db, input.cohortId);
    if (!(await isCohortMember(db, input.cohortId, member.id))) throw new AppError('conflict', 'The member is not in that cohort.');
  }
  if (input.templateId) await requireTemplate(db, input.templateId);

  try {
    return await db.transaction(async (tx) => {
      // Serialises staff issuing for the same member and course, so the eligibility read below is the one the insert acts on.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('certificate:' || ${member.id} || ':' || ${course.id}))`);
      const eligibility = await assessMember(tx, { courseId: course.id, memberId: member.id, course });
      if (eligibility.currentCertificateId) throw new AppError('already_certified', 'This member already holds a current certificate for this course; revoke or reissue it instead.', { certificateId: eligibility.currentCertificateId });
      if (!eligibility.eligible && !input.honoraryReason) {
        throw new AppError('certificate_ineligible', `Not eligible: ${eligibility.blockers.map((b) => b.message).join(' ')} Give an honorary reason to issue it anyway.`, { blockers: eligibility.blockers });
      }
      const template = await templateOrDefault(tx, input.templateId);
      const [created] = await insertCertificates(tx, {
        actor,
        course,
        entries: [{
          memberId: member.id,
          cohortId: input.cohortId ?? eligibility.cohortId,
          certificateRequestId: eligibility.passedRequestId && !(await requestAlreadyCertified(tx, eligibility.passedRequestId)) ? eligibility.passedRequestId : null,
          issuedOn,
          // Recorded only when it overrode something: an eligible member's certificate is not honorary.
          honoraryReason: eligibility.eligible ? null : input.honoraryReason,
        }],
        source: 'manual',
        templateId: template.id,
        now: input.now,
      });
      if (!created) throw new AppError('already_certified', 'This member already holds a current certificate for this course.');
      await queueDelivery(tx, input.jobs, [created.id]);
      const { certificates, events } = await certificateEvents(tx, [created.id], input);
      return outcome(certificates[0], events);
    });
  } catch (error) {
    if (isRequestConflict(error)) throw new AppError('already_certified', 'A certificate was already issued for this evaluation.');
    throw error;
  }
}

/** Has this evaluation already certified someone (the certificate may since be revoked)? */
export async function requestAlreadyCertified(db: Executor, requestId: string): Promise<boolean> {
  const [row] = await db.execute<{ id: string }>(sql`select id from certificates where certificate_request_id = ${requestId}`);
  return Boolean(row);
}

/**
 * Called by the scheduling module, inside the transaction that marks a request Completed with a
 * pass: the certificate job exists exactly when the outcome does. The job issues the certificate
 * linked to the request, tells the learner live, and mails them (see `issueAfterEvaluation`).
 */
export async function queueCertificateAfterEvaluation(tx: Executor, jobs: JobQueue, input: { certificateRequestId: string }): Promise<void> {
  await jobs.send('certificates.issue-after-evaluation', { certificateRequestId: input.certificateRequestId }, { tx, singletonKey: `certificate-after-evaluation:${input.certificateRequestId}` });
}

/**
 * The job behind `queueCertificateAfterEvaluation`. Idempotent: a request certifies once (unique
 * index on `certificate_request_id`), and a member holding a current certificate keeps it.
 * Returns the certificate to deliver (new, or issued by an earlier run), or null.
 */
export async function issueAfterEvaluation(db: Database, input: { certificateRequestId: string } & ReadContext): Promise<Outcome<string | null>> {
  try {
    return await db.transaction(async (tx) => {
      const [request] = await tx.execute<{ id: string; member_id: string; course_id: string; cohort_id: string | null; status: string; outcome: string | null }>(sql`
        select id, member_id, course_id, cohort_id, status, outcome from certificate_requests where id = ${input.certificateRequestId}`);
      if (!request || request.status !== 'completed' || request.outcome !== 'pass') return outcome(null);
      const [existing] = await tx.execute<{ id: string; delivered_at: string | null }>(sql`select id, delivered_at from certificates where certificate_request_id = ${request.id}`);
      if (existing) return outcome(existing.delivered_at ? null : existing.id);
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('certificate:' || ${request.member_id} || ':' || ${request.course_id}))`);
      const course = await loadCourseAccess(tx, request.course_id);
      const eligibility = await assessMember(tx, { courseId: course.id, memberId: request.member_id, course });
      if (eligibility.currentCertificateId) return outcome(null);
      const template = await templateOrDefault(tx, null);
      const [created] = await insertCertificates(tx, {
        actor: { kind: 'system', reason: 'evaluation_passed' },
        course,
        entries: [{ memberId: request.member_id, cohortId: request.cohort_id ?? eligibility.cohortId, certificateRequestId: request.id, issuedOn: await organisationDay(tx, input.now) }],
        source: 'evaluation',
        templateId: template.id,
        now: input.now,
      });
      if (!created) return outcome(null);
      const { events } = await certificateEvents(tx, [created.id], input);
      return outcome(created.id, events);
    });
  } catch (error) {
    if (isRequestConflict(error)) return outcome(null);
    throw error;
  }
}

/** Staff or the member themself: one certificate. */
export async function getCertificate(db: Executor, input: { actor: Actor; certificateId: string } & ReadContext): Promise<CertificateDto> {
  const certificate = await loadCertificate(db, input.certificateId, input).catch((error) => {
    // Hide whether someone else's certificate exists.
    if (error instanceof AppError && error.code === 'not_found') authorize(input.actor, 'certificates.manage');
    throw error;
  });
  authorize(input.actor, 'certificates.view', { userId: certificate.memberId });
  return certificate;
}

/** Staff: the cohort a bulk issuance names must take the course. */
export async function requireCohortCourse(db: Executor, input: { cohortId: string; courseId: string }) {
  const record = await loadCohortRecord(db, input.cohortId);
  if (!record.cohort.courses.some((c) => c.courseId === input.courseId)) throw new AppError('conflict', 'That cohort does not take this course.');
  return record;
}
