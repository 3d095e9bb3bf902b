import { sql } from 'drizzle-orm';
import { actorUserId, authorize, requireUser, type Actor } from '../../auth/permissions.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { domainEvent, type DomainEvent } from '../../realtime/events.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { loadCourseAccess } from '../courses/access.ts';
import { enrol } from '../enrollment/enrol.ts';
import { recordAudit } from '../system/audit.ts';
import type { AssignmentListQuery, TrainingAssignmentDto } from './dto.ts';
import { derivedCompletedOn, derivedStatus, listAssignmentPage, loadAssignment, loadAssignments, organisationToday, userAssignments } from './queries.ts';
import { syncAssignmentsForEnrollments } from './sync.ts';

export type AssignmentSource = TrainingAssignmentDto['source'];

/**
 * Creates assignments for these users' active enrollments in one course with one
 * `INSERT … SELECT … ON CONFLICT DO NOTHING`: whoever already has an open assignment is skipped
 * (the partial unique index decides, never a prior read). The status starts where the enrollment
 * already is; the cycle follows the employee's last one for the course. Returns the new ids.
 * `onlyFirst` skips employees who ever had an assignment for the course (the onboarding hook).
 */
export async function insertAssignments(
  tx: Executor,
  input: { actor: Actor; courseId: string; userIds: readonly string[]; dueOn: string; source: AssignmentSource; now: Date; onlyFirst?: boolean },
): Promise<string[]> {
  if (!input.userIds.length) return [];
  const { today, timezone } = await organisationToday(tx, input.now);
  const now = input.now.toISOString();
  const rows = await tx.execute<{ id: string }>(sql`
    insert into training_assignments (user_id, course_id, enrollment_id, due_on, status, completed_on, source, cycle, assigned_by, assigned_at, updated_at)
    select e.user_id, e.course_id, e.id, ${input.dueOn}::date, ${derivedStatus(today)}, ${derivedCompletedOn(timezone)}, ${input.source}::training_assignment_source,
      coalesce((select max(p.cycle) from training_assignments p where p.user_id = e.user_id and p.course_id = e.course_id), 0) + 1,
      ${actorUserId(input.actor)}::uuid, ${now}::timestamptz, ${now}::timestamptz
    from enrollments e
    cross join (select null::timestamptz as counts_from, ${input.dueOn}::date as due_on) a
    where e.course_id = ${input.courseId} and e.status = 'active' and e.user_id = any(${sql.param([...input.userIds])}::uuid[])
      ${input.onlyFirst ? sql`and not exists (select 1 from training_assignments p where p.user_id = e.user_id and p.course_id = e.course_id)` : sql``}
    order by e.user_id
    on conflict do nothing
    returning id`);
  return Array.from(rows, (row) => row.id);
}

/** `trainingAssignment.updated` for each of these assignments, loaded in one query. */
export async function assignmentEvents(tx: Executor, ids: readonly string[]): Promise<DomainEvent[]> {
  return (await loadAssignments(tx, ids)).map((assignment) => domainEvent('trainingAssignment.updated', assignment));
}

/** The course must be published to be assigned; 404 when it does not exist. */
export async function requireAssignableCourse(db: Executor, courseId: string) {
  const course = await loadCourseAccess(db, courseId);
  if (course.status !== 'published') throw new AppError('course_not_published', 'Publish the course before assigning it.');
  return course;
}

/**
 * Assigns one course to one employee (staff): enrols them when needed and creates the
 * assignment; 409 `assignment_exists` when they already have an open one for the course.
 */
export async function createAssignment(
  db: Database,
  input: { actor: Actor; userId: string; courseId: string; dueOn: string; now: Date },
): Promise<Outcome<TrainingAssignmentDto>> {
  const actor = authorize(input.actor, 'training.manage');
  return db.transaction(async (tx) => {
    await requireAssignableCourse(tx, input.courseId);
    const enrolled = await enrol(tx, { actor, userId: input.userId, courseId: input.courseId, source: 'assignment', now: input.now });
    const [id] = await insertAssignments(tx, { actor, courseId: input.courseId, userIds: [input.userId], dueOn: input.dueOn, source: 'manual', now: input.now });
    if (!id) throw new AppError('assignment_exists', 'This employee already has an open assignment for this course.');
    await recordAudit(tx, { actor, action: 'training_assigned', subjectType: 'training_assignment', subjectId: id, details: { userId: input.userId, courseId: input.courseId, dueOn: input.dueOn } });
    const assignment = await loadAssignment(tx, id);
    return outcome(assignment, [...enrolled.events, domainEvent('trainingAssignment.updated', assignment)]);
  });
}

/**
 * Moves an open assignment's due date (staff; students never change due dates). The status is
 * recomputed for the new date, and the reminder and overdue notice may go out again for it.
 */
export async function updateAssignmentDueDate(
  db: Database,
  input: { actor: Actor; assignmentId: string; dueOn: string; now: Date },
): Promise<Outcome<TrainingAssignmentDto>> {
  const actor = authorize(input.actor, 'training.manage');
  return db.transaction(async (tx) => {
    const [row] = await tx.execute<{ id: string; status: string; enrollment_id: string; due_on: string }>(sql`
      select id, status, enrollment_id, due_on::text as due_on from training_assignments where id = ${input.assignmentId} for update`);
    if (!row) throw new AppError('not_found', 'No such training assignment.');
    if (row.status === 'completed') throw new AppError('conflict', 'A completed assignment keeps its due date.');
    if (row.due_on === input.dueOn) return outcome(await loadAssignment(tx, row.id));
    // Back to pending or in progress first; the sync below marks it overdue (or completed) for the new date.
    await tx.execute(sql`
      update training_assignments a set due_on = ${input.dueOn}::date, reminder_sent_at = null, overdue_notified_at = null,
        status = case when e.progress > 0 then 'in_progress' else 'pending' end::training_assignment_status,
        updated_at = ${input.now.toISOString()}::timestamptz
      from enrollments e where e.id = a.enrollment_id and a.id = ${row.id}`);
    await syncAssignmentsForEnrollments(tx, [row.enrollment_id], input.now);
    await recordAudit(tx, { actor, action: 'training_due_date_changed', subjectType: 'training_assignment', subjectId: row.id, details: { from: row.due_on, to: input.dueOn } });
    const assignment = await loadAssignment(tx, row.id);
    return outcome(assignment, [domainEvent('trainingAssignment.updated', assignment)]);
  });
}

/** Staff list with filters. */
export async function listAssignments(db: Executor, input: { actor: Actor } & AssignmentListQuery) {
  authorize(input.actor, 'training.manage');
  return listAssignmentPage(db, input);
}

/** The signed-in learner's own assignments, overdue first then by due date. */
export async function myAssignments(db: Executor, input: { actor: Actor }): Promise<TrainingAssignmentDto[]> {
  const actor = requireUser(input.actor);
  authorize(actor, 'training.view', { userId: actor.userId });
  return userAssignments(db, actor.userId);
}
