import { sql } from 'drizzle-orm';
import { actorUserId, authorize, type Actor } from '../../auth/permissions.ts';
import type { Database, Executor } from '../../db/client.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import { domainEvent, type DomainEvent } from '../../realtime/events.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { cohortMemberIds } from '../cohorts/queries.ts';
import { loadCourseAccess } from '../courses/access.ts';
import { recordAudit } from '../system/audit.ts';
import type { BulkIssueInput, CertificateBatchProgressDto } from './dto.ts';
import { assessEligibility } from './eligibility.ts';
import { insertCertificates, requireCohortCourse } from './issuance.ts';
import { loadCertificates, organisationDay, type ReadContext } from './queries.ts';
import { renderer } from './renderer.ts';
import { requireTemplate, templateOrDefault } from './templates.ts';
import { certifiedState } from './state.ts';

/**
 * Members per issuing job. Jobs of a queue run one at a time per node, and the renderers idle
 * while one job ends and the next starts, so chunks are large; progress still moves every few
 * certificates (delivery marks them in small groups).
 */
export const BATCH_CHUNK = 100;

type BatchRow = {
  id: string;
  cohort_id: string;
  course_id: string;
  template_id: string | null;
  requested_by: string | null;
  total: number;
  issued: number;
  delivered: number;
  skipped: number;
  failed: number;
  finished_at: string | null;
  settled_chunks?: number[];
};

function progressOf(row: BatchRow): CertificateBatchProgressDto {
  const done = row.delivered + row.skipped + row.failed;
  return {
    batchId: row.id,
    cohortId: row.cohort_id,
    courseId: row.course_id,
    total: row.total,
    done,
    issued: row.issued,
    skipped: row.skipped,
    failed: row.failed,
    finished: done >= row.total,
    requestedBy: row.requested_by,
  };
}

/**
 * The batch's progress as its starter sees it, marking it finished the first time everything is
 * done (delivered, skipped or failed). Null when the batch is gone.
 */
export async function batchProgressEvent(db: Executor, batchId: string, now: Date): Promise<DomainEvent | null> {
  const [row] = await db.execute<BatchRow>(sql`
    update certificate_batches set finished_at = case when finished_at is null and delivered + skipped + failed >= total then ${now.toISOString()}::timestamptz else finished_at end
    where id = ${batchId}
    returning id, cohort_id, course_id, template_id, requested_by, total, issued, delivered, skipped, failed, finished_at`);
  return row ? domainEvent('certificateBatch.progress', progressOf(row)) : null;
}

/**
 * Bulk issuance for a cohort (staff): every member eligible now is queued, in chunks, one job per
 * chunk, enqueued in the transaction that records the batch. Answers at once with the counts;
 * `certificateBatch.progress` tells the starter how it goes.
 */
export async function startBulkIssue(
  db: Database,
  input: BulkIssueInput & { actor: Actor; jobs: JobQueue; now: Date },
): Promise<Outcome<{ batchId: string; eligible: number; skipped: number }>> {
  const actor = authorize(input.actor, 'certificates.manage');
  await requireCohortCourse(db, input);
  if (input.templateId) await requireTemplate(db, input.templateId);
  const course = await loadCourseAccess(db, input.courseId);
  // Starts this node's rendering threads (fonts loaded once) while the batch is queued: its jobs
  // will need them. A renderer that fails to load fails those jobs, which report it; not this request.
  void renderer().catch(() => undefined);
  return db.transaction(async (tx) => {
    const memberIds = await cohortMemberIds(tx, input.cohortId);
    const assessed = await assessEligibility(tx, { courseId: course.id, memberIds, course });
    const eligible = assessed.filter((m) => m.eligible).map((m) => m.memberId);
    const template = await templateOrDefault(tx, input.templateId);
    const [batch] = await tx.execute<{ id: string }>(sql`
      insert into certificate_batches (cohort_id, course_id, template_id, requested_by, member_ids, total, skipped_at_start, created_at)
      values (${input.cohortId}, ${course.id}, ${template.id}, ${actorUserId(actor)}, ${JSON.stringify(eligible)}::jsonb, ${eligible.length},
        ${memberIds.length - eligible.length}, ${input.now.toISOString()}::timestamptz)
      returning id`);
    for (let start = 0; start < eligible.length; start += BATCH_CHUNK) {
      await input.jobs.send('certificates.issue-batch', { batchId: batch.id, chunk: start / BATCH_CHUNK, memberIds: eligible.slice(start, start + BATCH_CHUNK) }, { tx });
    }
    await recordAudit(tx, {
      actor,
      action: 'certificate_batch_started',
      subjectType: 'certificate_batch',
      subjectId: batch.id,
      details: { cohortId: input.cohortId, courseId: course.id, eligible: eligible.length, skipped: memberIds.length - eligible.length },
    });
    const event = await batchProgressEvent(tx, batch.id, input.now);
    return outcome({ batchId: batch.id, eligible: eligible.length, skipped: memberIds.length - eligible.length }, event ? [event] : []);
  });
}

/**
 * One chunk of a bulk issuance: certifies the chunk's members still eligible (one INSERT, ON
 * CONFLICT on the one-current index) and counts the rest as skipped, once: a retry finds the
 * chunk's certificates by batch and member and issues nothing again. Returns the chunk's
 * certificates still to deliver.
 */
export async function issueBatchChunk(db: Database, input: { batchId: string; chunk: number; memberIds: string[] } & ReadContext): Promise<Outcome<string[]>> {
  return db.transaction(async (tx) => {
    const [batch] = await tx.execute<BatchRow>(sql`
      select id, cohort_id, course_id, template_id, requested_by, total, issued, delivered, skipped, failed, finished_at, settled_chunks
      from certificate_batches where id = ${input.batchId} for update`);
    if (!batch) return outcome([]);
    const already = await tx.execute<{ id: string; member_id: string; delivered_at: string | null }>(sql`
      select id, member_id, delivered_at from certificates where batch_id = ${batch.id} and member_id = any(${sql.param(input.memberIds)}::uuid[])`);
    const done = new Set(Array.from(already, (row) => row.member_id));
    const pendingAlready = Array.from(already).filter((row) => !row.delivered_at).map((row) => row.id);
    if ((batch.settled_chunks ?? []).includes(input.chunk)) return outcome(pendingAlready);

    const course = await loadCourseAccess(tx, batch.course_id);
    const assessed = await assessEligibility(tx, { courseId: course.id, memberIds: input.memberIds.filter((id) => !done.has(id)), course });
    const today = await organisationDay(tx, input.now);
    const actor: Actor = batch.requested_by ? { kind: 'user', userId: batch.requested_by, roles: [] } : { kind: 'system', reason: 'bulk_issue' };
    const created = await insertCertificates(tx, {
      actor,
      course,
      entries: assessed.filter((m) => m.eligible).map((m) => ({ memberId: m.memberId, cohortId: batch.cohort_id, issuedOn: today })),
      source: 'bulk',
      templateId: (await templateOrDefault(tx, batch.template_id)).id,
      batchId: batch.id,
      now: input.now,
    });
    const skipped = input.memberIds.length - done.size - created.length;
    // Settling the chunk in the same statement as its counts: a retry after a failed delivery counts nobody again.
    await tx.execute(sql`
      update certificate_batches set issued = issued + ${created.length}, skipped = skipped + ${skipped}, settled_chunks = array_append(settled_chunks, ${input.chunk}::int)
      where id = ${batch.id}`);

    const events: DomainEvent[] = [];
    const certificates = await loadCertificates(tx, created.map((c) => c.id), input);
    for (const certificate of certificates) {
      const state = certifiedState(course, certificate);
      events.push(domainEvent('certification.updated', { state, memberId: certificate.memberId }), domainEvent('certificate.updated', { certificate }));
    }
    const progress = await batchProgressEvent(tx, batch.id, input.now);
    if (progress) events.push(progress);
    const pending = [...pendingAlready, ...created.map((c) => c.id)];
    return outcome(pending, events);
  });
}
