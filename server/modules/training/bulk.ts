import { sql } from 'drizzle-orm';
import { authorize, type Actor } from '../../auth/permissions.ts';
import type { Database, Executor } from '../../db/client.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { enrolMany } from '../enrollment/enrol.ts';
import { recordAudit } from '../system/audit.ts';
import type { BulkAssignInput, BulkAssignResultDto } from './dto.ts';
import { assignmentEvents, insertAssignments, requireAssignableCourse } from './assignments.ts';

/**
 * The active users a selection names: ids, emails, a department, a designation, a cohort's
 * members (their union), in one query. Emails that are no active user come back apart.
 */
export async function resolveEmployees(db: Executor, selection: Omit<BulkAssignInput, 'courseId' | 'dueOn'>): Promise<{ userIds: string[]; unknownEmails: string[] }> {
  const emails = [...new Set(selection.emails ?? [])];
  const rows = await db.execute<{ id: string; email: string }>(sql`
    select u.id, u.email from users u
    where u.is_active and (
      u.id = any(${sql.param(selection.userIds ?? [])}::uuid[])
      or u.email = any(${sql.param(emails)}::text[])
      ${selection.department ? sql`or u.department = ${selection.department}` : sql``}
      ${selection.designation ? sql`or u.designation = ${selection.designation}` : sql``}
      ${selection.cohortId ? sql`or exists (select 1 from cohort_members cm where cm.cohort_id = ${selection.cohortId} and cm.user_id = u.id)` : sql``}
    )`);
  const found = Array.from(rows);
  const foundEmails = new Set(found.map((row) => row.email));
  return { userIds: found.map((row) => row.id), unknownEmails: emails.filter((email) => !foundEmails.has(email)) };
}

/**
 * assign_mandatory_training(course, employees, due date): enrols every selected employee who is
 * not enrolled yet (one `INSERT … SELECT` in `enrolMany`) and creates their assignments (one
 * `INSERT … SELECT … ON CONFLICT DO NOTHING`), skipping those with an open assignment. Set-based,
 * so 10,000 employees take about as long as a few statements over 10,000 rows.
 * @example const { value } = await assignMandatoryTraining(db, { actor, courseId, userIds, dueOn: '2026-12-31', now });
 */
export async function assignMandatoryTraining(
  db: Database,
  input: { actor: Actor; courseId: string; userIds: readonly string[]; dueOn: string; now: Date; unknownEmails?: string[] },
): Promise<Outcome<BulkAssignResultDto>> {
  const actor = authorize(input.actor, 'training.bulkAssign');
  return db.transaction(async (tx) => {
    await requireAssignableCourse(tx, input.courseId);
    const userIds = [...new Set(input.userIds)];
    const enrolled = await enrolMany(tx, { actor, userIds, courseId: input.courseId, source: 'assignment', now: input.now });
    const known = enrolled.results.filter((result) => result.outcome !== 'unknown_user').map((result) => result.userId);
    const created = await insertAssignments(tx, { actor, courseId: input.courseId, userIds: known, dueOn: input.dueOn, source: 'bulk', now: input.now });
    const result: BulkAssignResultDto = {
      selected: userIds.length,
      assigned: created.length,
      skipped: known.length - created.length,
      enrolled: enrolled.counts.enrolled + enrolled.counts.reactivated,
      unknownEmails: input.unknownEmails ?? [],
    };
    await recordAudit(tx, { actor, action: 'training_bulk_assigned', subjectType: 'course', subjectId: input.courseId, details: { dueOn: input.dueOn, ...result, unknownEmails: result.unknownEmails.length } });
    return outcome(result, [...enrolled.events, ...(await assignmentEvents(tx, created))]);
  });
}

/** The bulk-assign endpoint: resolves the selection on the server, then assigns. */
export async function bulkAssign(db: Database, input: { actor: Actor; now: Date } & BulkAssignInput): Promise<Outcome<BulkAssignResultDto>> {
  authorize(input.actor, 'training.bulkAssign');
  const { userIds, unknownEmails } = await resolveEmployees(db, input);
  return assignMandatoryTraining(db, { actor: input.actor, courseId: input.courseId, userIds, dueOn: input.dueOn, now: input.now, unknownEmails });
}
