import { sql } from 'drizzle-orm';
import { authorize, type Actor } from '../../auth/permissions.ts';
import type { Executor } from '../../db/client.ts';
import type { AssignmentListQuery, ComplianceDto, ComplianceFiguresDto, TrainingAssignmentDto } from './dto.ts';
import { REMINDER_DAYS, assignmentsAfter, organisationToday } from './queries.ts';

type FigureRow = { assigned: number; completed: number; in_progress: number; pending: number; overdue: number; due_soon: number };

function figures(row: FigureRow): ComplianceFiguresDto {
  return {
    assigned: row.assigned,
    completed: row.completed,
    inProgress: row.in_progress,
    pending: row.pending,
    overdue: row.overdue,
    dueSoon: row.due_soon,
    completionRate: row.assigned ? Math.round((10_000 * row.completed) / row.assigned) / 100 : 0,
  };
}

/**
 * Compliance per course, per department and overall, in one pass over each employee's latest
 * cycle per course (an earlier, renewed cycle no longer counts): one statement whose grouping
 * sets give the three views from a single scan.
 */
export async function complianceReport(db: Executor, input: { actor: Actor; now: Date }): Promise<ComplianceDto> {
  authorize(input.actor, 'training.manage');
  const { today } = await organisationToday(db, input.now);
  const rows = await db.execute<FigureRow & { by_course: boolean; by_department: boolean; course_id: string | null; course_title: string | null; department: string | null }>(sql`
    select grouping(a.course_id) = 0 as by_course, grouping(u.department) = 0 as by_department,
      a.course_id, min(c.title) as course_title, u.department,
      count(*)::int as assigned,
      count(*) filter (where a.status = 'completed')::int as completed,
      count(*) filter (where a.status = 'in_progress')::int as in_progress,
      count(*) filter (where a.status = 'pending')::int as pending,
      count(*) filter (where a.status = 'overdue')::int as overdue,
      count(*) filter (where a.status in ('pending', 'in_progress') and a.due_on between ${today}::date and ${today}::date + ${REMINDER_DAYS}::int)::int as due_soon
    from training_assignments a
    join users u on u.id = a.user_id
    join courses c on c.id = a.course_id
    where not exists (select 1 from training_assignments n where n.user_id = a.user_id and n.course_id = a.course_id and n.cycle > a.cycle)
    group by grouping sets ((), (a.course_id), (u.department))`);
  const list = Array.from(rows);
  const overall = list.find((row) => !row.by_course && !row.by_department) ?? { assigned: 0, completed: 0, in_progress: 0, pending: 0, overdue: 0, due_soon: 0 };
  const courses = list.filter((row) => row.by_course).sort((x, y) => (x.course_title ?? '').localeCompare(y.course_title ?? '') || (x.course_id ?? '').localeCompare(y.course_id ?? ''));
  const departments = list
    .filter((row) => row.by_department)
    .sort((x, y) => (x.department === null ? 1 : 0) - (y.department === null ? 1 : 0) || (x.department ?? '').localeCompare(y.department ?? ''));
  return {
    today,
    overall: figures(overall),
    courses: courses.map((row) => ({ courseId: row.course_id!, courseTitle: row.course_title!, ...figures(row) })),
    departments: departments.map((row) => ({ department: row.department, ...figures(row) })),
  };
}

const CSV_HEADER = ['reference', 'employee', 'email', 'department', 'course', 'cycle', 'status', 'due_on', 'completed_on', 'expires_on', 'progress', 'assigned_at', 'reminder_sent_at'];

function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  // Quote what needs it, and defuse spreadsheet formulas (a cell starting with = + - @).
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvLine(a: TrainingAssignmentDto): string {
  return [a.reference, a.userName, a.userEmail, a.department, a.courseTitle, a.cycle, a.status, a.dueOn, a.completedOn, a.expiresOn, a.progress, a.assignedAt, a.reminderSentAt].map(csvField).join(',') + '\r\n';
}

/**
 * The assignments matching `query` as CSV lines, a page at a time (keyset on the number), so an
 * export of any size streams in constant memory.
 * @example for await (const chunk of exportAssignmentsCsv(db, { actor, ...filters })) stream.write(chunk);
 */
export function exportAssignmentsCsv(db: Executor, input: { actor: Actor } & Omit<AssignmentListQuery, 'limit' | 'offset'>): AsyncGenerator<string> {
  authorize(input.actor, 'training.manage'); // before the first byte, so a refusal is a 403 and not a broken download
  return csvPages(db, input);
}

async function* csvPages(db: Executor, query: Omit<AssignmentListQuery, 'limit' | 'offset'>): AsyncGenerator<string> {
  yield CSV_HEADER.join(',') + '\r\n';
  let after = 0;
  for (;;) {
    const page = await assignmentsAfter(db, query, after, 1000);
    if (!page.length) return;
    yield page.map(csvLine).join('');
    after = page[page.length - 1].number;
  }
}
