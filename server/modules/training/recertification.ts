import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { readSetting } from '../system/settings.ts';

export interface RenewalNotice {
  /** The new cycle's assignment. */
  id: string;
  /** The enrollment whose new cycle began: its progress restarts at 0. */
  enrollmentId: string;
  email: string;
  name: string;
  courseTitle: string;
  /** The day the previous completion expires, which is the new cycle's due date. */
  dueOn: string;
  cycle: number;
}

/**
 * Recertification: for mandatory courses with validity days, each completed assignment whose
 * completion (completed_on + validity_days) expires within the window (setting
 * `recertificationWindowDays`) gets the next cycle's assignment, due on the expiry day, once:
 * `renewed_at` is set in the statement that picks it (`FOR UPDATE SKIP LOCKED`, so two sweeps
 * never pick the same row) and the (employee, course, cycle) unique index backs it up. The new
 * cycle counts only a completion made from now on (`counts_from`), and the enrollment starts its
 * new cycle in the same statement (`cycle_started_at`, progress 0): the learner goes through the
 * course again, while the earlier cycle's completions, attempts and completed assignment stay as
 * history.
 */
export async function renewExpiringCompletions(tx: Executor, now: Date, today: string): Promise<RenewalNotice[]> {
  const window = await readSetting(tx, 'recertificationWindowDays');
  const at = sql`${now.toISOString()}::timestamptz`;
  const rows = await tx.execute<{ id: string; enrollment_id: string; email: string; name: string; course_title: string; due_on: string; cycle: number }>(sql`
    with expiring as (
      select a.id, a.user_id, a.course_id, a.enrollment_id, a.cycle, (a.completed_on + c.validity_days) as expires_on
      from training_assignments a join courses c on c.id = a.course_id
      where a.status = 'completed' and a.renewed_at is null and c.is_mandatory and c.validity_days is not null
        and a.completed_on + c.validity_days <= ${today}::date + ${window}::int
      for update of a skip locked
    ), marked as (
      update training_assignments t set renewed_at = ${at} from expiring x where t.id = x.id returning t.id
    ), created as (
      insert into training_assignments (user_id, course_id, enrollment_id, due_on, status, source, cycle, counts_from, assigned_at, updated_at)
      select x.user_id, x.course_id, x.enrollment_id, x.expires_on,
        case when x.expires_on < ${today}::date then 'overdue' else 'pending' end::training_assignment_status,
        'recertification', x.cycle + 1, ${at}, ${at}, ${at}
      from expiring x join marked m on m.id = x.id
      on conflict do nothing
      returning id, user_id, course_id, enrollment_id, due_on, cycle
    ), restarted as (
      update enrollments e set cycle_started_at = ${at}, progress = 0, completed_at = null, current_lesson_id = null, updated_at = ${at}
      from created n where e.id = n.enrollment_id
      returning e.id
    )
    select n.id, n.enrollment_id, u.email, u.name, c.title as course_title, n.due_on::text as due_on, n.cycle
    from created n join users u on u.id = n.user_id join courses c on c.id = n.course_id`);
  return Array.from(rows, (row) => ({
    id: row.id,
    enrollmentId: row.enrollment_id,
    email: row.email,
    name: row.name,
    courseTitle: row.course_title,
    dueOn: row.due_on,
    cycle: row.cycle,
  }));
}
