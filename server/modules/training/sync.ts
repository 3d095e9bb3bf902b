import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { domainEvent, type DomainEvent } from '../../realtime/events.ts';
import { derivedCompletedOn, derivedStatus, loadAssignments, organisationToday } from './queries.ts';

/**
 * Brings the open training assignments of these enrollments in step with their progress, in one
 * UPDATE inside the caller's transaction (so a completion and its assignment commit together):
 * 100 % → completed with completed_on = that day in the organisation's timezone, above 0 → in
 * progress, past due → overdue. Completed assignments stay completed. Returns a
 * `trainingAssignment.updated` for each assignment that changed; relay them after commit.
 *
 * The enrollment module calls it wherever progress changes.
 * @example events.push(...(await syncAssignmentsForEnrollments(tx, [enrollmentId], now)));
 */
export async function syncAssignmentsForEnrollments(tx: Executor, enrollmentIds: readonly string[], now: Date): Promise<DomainEvent[]> {
  if (!enrollmentIds.length) return [];
  const { today, timezone } = await organisationToday(tx, now);
  const changed = await tx.execute<{ id: string }>(sql`
    update training_assignments t set status = s.status, completed_on = s.completed_on, updated_at = ${now.toISOString()}::timestamptz
    from (
      select a.id, ${derivedStatus(today)} as status, ${derivedCompletedOn(timezone)} as completed_on
      from training_assignments a join enrollments e on e.id = a.enrollment_id
      where a.enrollment_id = any(${sql.param([...enrollmentIds])}::uuid[]) and a.status <> 'completed'
    ) s
    where t.id = s.id and t.status <> 'completed' and t.status <> s.status
    returning t.id`);
  const ids = Array.from(changed, (row) => row.id);
  return (await loadAssignments(tx, ids)).map((assignment) => domainEvent('trainingAssignment.updated', assignment));
}
