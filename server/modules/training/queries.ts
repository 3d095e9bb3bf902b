import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { readSetting } from '../system/settings.ts';
import { assignmentReference, type AssignmentListQuery, type TrainingAssignmentDto } from './dto.ts';

/** Days ahead of the due date when the reminder goes out, and what "due soon" means in reports. */
export const REMINDER_DAYS = 7;

/** Today in the organisation's timezone, as YYYY-MM-DD, with the zone it was computed in. */
export async function organisationToday(db: Executor, now: Date): Promise<{ today: string; timezone: string }> {
  const timezone = await readSetting(db, 'organisationTimezone');
  const [row] = await db.execute<{ today: string }>(sql`select (${now.toISOString()}::timestamptz at time zone ${timezone})::date::text as today`);
  return { today: row.today, timezone };
}

/**
 * The status an open assignment `a` has given its enrollment `e`: completed when the enrollment
 * completed (at or after the cycle's start), else overdue past the due date, else in progress
 * above 0 %, else pending. Used by every statement that sets a status, so they all agree.
 */
export function derivedStatus(today: string): SQL {
  return sql`case
    when e.completed_at is not null and e.completed_at >= coalesce(a.counts_from, '-infinity'::timestamptz) then 'completed'
    when a.due_on < ${today}::date then 'overdue'
    when e.progress > 0 then 'in_progress'
    else 'pending' end::training_assignment_status`;
}

/** The completion day in the organisation's timezone, for the same rows as `derivedStatus`. */
export function derivedCompletedOn(timezone: string): SQL {
  return sql`case when e.completed_at is not null and e.completed_at >= coalesce(a.counts_from, '-infinity'::timestamptz)
    then (e.completed_at at time zone ${timezone})::date end`;
}

type AssignmentRow = {
  id: string;
  number: number;
  user_id: string;
  user_name: string;
  user_email: string;
  department: string | null;
  course_id: string;
  course_title: string;
  course_image: string | null;
  enrollment_id: string;
  progress: string;
  due_on: string;
  status: TrainingAssignmentDto['status'];
  source: TrainingAssignmentDto['source'];
  cycle: number;
  assigned_by: string | null;
  assigned_at: string;
  completed_on: string | null;
  expires_on: string | null;
  reminder_sent_at: string | null;
  updated_at: string;
};

const isoOf = (value: string | Date) => new Date(value).toISOString();

function toDto(row: AssignmentRow): TrainingAssignmentDto {
  return {
    id: row.id,
    number: row.number,
    reference: assignmentReference(row.number),
    userId: row.user_id,
    userName: row.user_name,
    userEmail: row.user_email,
    department: row.department,
    courseId: row.course_id,
    courseTitle: row.course_title,
    courseImage: row.course_image,
    enrollmentId: row.enrollment_id,
    progress: Number(row.progress),
    dueOn: row.due_on,
    status: row.status,
    source: row.source,
    cycle: row.cycle,
    assignedBy: row.assigned_by,
    assignedAt: isoOf(row.assigned_at),
    completedOn: row.completed_on,
    expiresOn: row.expires_on,
    reminderSentAt: row.reminder_sent_at ? isoOf(row.reminder_sent_at) : null,
    updatedAt: isoOf(row.updated_at),
  };
}

/** Assignments joined to their employee, course and enrollment, filtered by `where` (over alias `a`, `u`, `c`). */
async function selectAssignments(db: Executor, where: SQL, tail: SQL = sql``): Promise<TrainingAssignmentDto[]> {
  const rows = await db.execute<AssignmentRow>(sql`
    select a.id, a.number, a.user_id, u.name as user_name, u.email as user_email, u.department,
      a.course_id, c.title as course_title, c.cover_image as course_image, a.enrollment_id, e.progress::text as progress,
      a.due_on::text as due_on, a.status, a.source, a.cycle, a.assigned_by, a.assigned_at,
      a.completed_on::text as completed_on,
      case when a.completed_on is not null and c.validity_days is not null then (a.completed_on + c.validity_days)::text end as expires_on,
      a.reminder_sent_at, a.updated_at
    from training_assignments a
    join users u on u.id = a.user_id
    join courses c on c.id = a.course_id
    join enrollments e on e.id = a.enrollment_id
    where ${where} ${tail}`);
  return Array.from(rows, toDto);
}

/** Assignments as DTOs, in the order of `ids`. */
export async function loadAssignments(db: Executor, ids: readonly string[]): Promise<TrainingAssignmentDto[]> {
  if (!ids.length) return [];
  const found = await selectAssignments(db, sql`a.id = any(${sql.param([...ids])}::uuid[])`);
  const byId = new Map(found.map((a) => [a.id, a]));
  return ids.map((id) => byId.get(id)).filter((a): a is TrainingAssignmentDto => a !== undefined);
}

export async function loadAssignment(db: Executor, id: string): Promise<TrainingAssignmentDto> {
  const [assignment] = await loadAssignments(db, [id]);
  if (!assignment) throw new AppError('not_found', 'No such training assignment.');
  return assignment;
}

/** Overdue first, then by due date (the order the learner's list and the staff list show). */
const listOrder = sql`order by (a.status = 'overdue') desc, (a.status = 'completed') asc, a.due_on asc, a.number asc`;

/** One employee's assignments: every open one and every completed one, newest cycle first within a course. */
export async function userAssignments(db: Executor, userId: string): Promise<TrainingAssignmentDto[]> {
  return selectAssignments(db, sql`a.user_id = ${userId}`, listOrder);
}

function listFilter(query: Omit<AssignmentListQuery, 'limit' | 'offset'>): SQL {
  const parts: SQL[] = [sql`true`];
  if (query.status) parts.push(sql`a.status = ${query.status}`);
  if (query.courseId) parts.push(sql`a.course_id = ${query.courseId}`);
  if (query.userId) parts.push(sql`a.user_id = ${query.userId}`);
  if (query.department) parts.push(sql`u.department = ${query.department}`);
  return sql.join(parts, sql` and `);
}

export async function listAssignmentPage(db: Executor, query: AssignmentListQuery): Promise<{ assignments: TrainingAssignmentDto[]; total: number }> {
  const where = listFilter(query);
  const assignments = await selectAssignments(db, where, sql`${listOrder} limit ${query.limit} offset ${query.offset}`);
  const [counted] = await db.execute<{ total: number }>(sql`
    select count(*)::int as total from training_assignments a join users u on u.id = a.user_id where ${where}`);
  return { assignments, total: counted.total };
}

/** A page of assignments after `afterNumber`, in number order: for streaming exports. */
export async function assignmentsAfter(db: Executor, query: Omit<AssignmentListQuery, 'limit' | 'offset'>, afterNumber: number, limit: number): Promise<TrainingAssignmentDto[]> {
  return selectAssignments(db, sql`${listFilter(query)} and a.number > ${afterNumber}`, sql`order by a.number limit ${limit}`);
}
