import { sql, type SQL } from 'drizzle-orm';
import type { Database, Executor } from '../../db/client.ts';
import type { Logger } from '../../logger.ts';
import { queueMail, type Mailer } from '../../mail/mailer.ts';
import type { Relay } from '../../realtime/relay.ts';
import { domainEvent } from '../../realtime/events.ts';
import { loadEnrollments } from '../enrollment/queries.ts';
import { assignmentEvents } from './assignments.ts';
import { REMINDER_DAYS, organisationToday } from './queries.ts';
import { renewExpiringCompletions, type RenewalNotice } from './recertification.ts';

/** What one assignment's email needs. */
export interface AssignmentNotice {
  id: string;
  number: number;
  email: string;
  name: string;
  courseTitle: string;
  dueOn: string;
}

export interface SweepResult {
  today: string;
  markedOverdue: string[];
  overdueNotices: AssignmentNotice[];
  reminders: AssignmentNotice[];
  renewals: RenewalNotice[];
}

const noticeColumns = sql`t.id, t.number, u.email, u.name, c.title as course_title, t.due_on::text as due_on`;
type NoticeRow = { id: string; number: number; email: string; name: string; course_title: string; due_on: string };
const toNotice = (row: NoticeRow): AssignmentNotice => ({ id: row.id, number: row.number, email: row.email, name: row.name, courseTitle: row.course_title, dueOn: row.due_on });

/**
 * The database half of the daily sweep, in one transaction: marks open assignments past their due
 * date overdue (one UPDATE), picks the newly overdue ones not yet told and the open ones due
 * within 7 days not yet reminded, setting `overdue_notified_at` / `reminder_sent_at` in the very
 * UPDATE … RETURNING that picks them, and creates recertification assignments. A concurrent
 * sweep waits on those rows and then finds the flag set, so each is picked exactly once.
 */
export async function sweepAssignments(
  db: Database,
  now: Date,
  options: { withinTransaction?: (tx: Executor, result: SweepResult) => Promise<void> } = {},
): Promise<SweepResult> {
  return db.transaction(async (tx) => {
    const { today } = await organisationToday(tx, now);
    const at = sql`${now.toISOString()}::timestamptz`;
    // Marking and flagging the notice in one UPDATE writes each row once; the second pick catches
    // assignments that turned overdue elsewhere (a due date moved into the past) and were not told.
    const overdue = await pick(
      tx,
      sql`status = 'overdue', overdue_notified_at = coalesce(t.overdue_notified_at, ${at}), updated_at = ${at}`,
      sql`t.completed_on is null and t.status in ('pending', 'in_progress') and t.due_on < ${today}::date`,
      sql`, (t.overdue_notified_at = ${at}) as tell`,
    );
    const overdueNotices = [
      ...overdue.filter((notice) => notice.tell),
      ...(await pick(tx, sql`overdue_notified_at = ${at}`, sql`t.status = 'overdue' and t.overdue_notified_at is null`)),
    ].map(({ tell: _tell, ...notice }) => notice);
    const reminders = await pick(
      tx,
      sql`reminder_sent_at = ${at}`,
      sql`t.completed_on is null and t.status in ('pending', 'in_progress') and t.reminder_sent_at is null and t.due_on between ${today}::date and ${today}::date + ${REMINDER_DAYS}::int`,
    );
    const renewals = await renewExpiringCompletions(tx, now, today);
    const result = { today, markedOverdue: overdue.map((row) => row.id), overdueNotices, reminders, renewals };
    await options.withinTransaction?.(tx, result);
    return result;
  });
}

async function pick(tx: Executor, set: SQL, where: SQL, extra: SQL = sql``): Promise<(AssignmentNotice & { tell?: boolean })[]> {
  const rows = await tx.execute<NoticeRow & { tell?: boolean }>(sql`
    update training_assignments t set ${set}
    from users u, courses c
    where u.id = t.user_id and c.id = t.course_id and ${where}
    returning ${noticeColumns} ${extra}`);
  return Array.from(rows, (row) => ({ ...toNotice(row), ...(row.tell === undefined ? {} : { tell: row.tell }) }));
}

/**
 * The sweep: the database half and, in the same transaction, its messages queued in the mail
 * outbox (each with a dedupe key naming the fact: `training-reminder:<id>`, `training-overdue:<id>`,
 * `training-recertification:<id>`, `training-digest:<day>:<moderator>`), so a flag is never set
 * without its message existing; then the outbox is flushed and the live updates go out. A send
 * that fails stays queued for the `mail.flush` job; a second sweep or node never sends one twice.
 */
export async function runTrainingSweep(deps: { db: Database; mailer: Mailer; relay?: Relay; log?: Logger; now: Date; baseUrl?: string }): Promise<SweepResult> {
  const result = await sweepAssignments(deps.db, deps.now, { withinTransaction: (tx, picked) => queueSweepMail(tx, picked, deps) });
  await deps.mailer.flush();
  const changed = [...new Set([...result.markedOverdue, ...result.renewals.map((renewal) => renewal.id)])];
  if (deps.relay && changed.length) {
    // Events for a large sweep go out in pages, so one run never holds every assignment in memory.
    for (let i = 0; i < changed.length; i += 1000) deps.relay.publish(await assignmentEvents(deps.db, changed.slice(i, i + 1000)));
  }
  // A renewal restarts its enrollment at 0 %: every screen showing that progress hears it.
  const restarted = result.renewals.map((renewal) => renewal.enrollmentId);
  if (deps.relay && restarted.length) {
    for (let i = 0; i < restarted.length; i += 1000) {
      deps.relay.publish((await loadEnrollments(deps.db, restarted.slice(i, i + 1000))).map((enrollment) => domainEvent('enrollment.updated', enrollment)));
    }
  }
  deps.log?.info('training sweep', { today: result.today, overdue: result.markedOverdue.length, reminders: result.reminders.length, renewals: result.renewals.length });
  return result;
}

async function queueSweepMail(tx: Executor, result: SweepResult, deps: { now: Date; baseUrl?: string }): Promise<void> {
  const link = deps.baseUrl ? `Open your training: ${deps.baseUrl}/` : "Open your training from the platform's home page.";
  const mails = [
    ...result.reminders.map((notice) => ({
      to: notice.email,
      subject: `Training Reminder: ${notice.courseTitle}`,
      text: `Hello ${notice.name},\n\n"${notice.courseTitle}" is due on ${notice.dueOn}. Please complete it by then.\n\n${link}\n`,
      dedupeKey: `training-reminder:${notice.id}`,
    })),
    ...result.overdueNotices.map((notice) => ({
      to: notice.email,
      subject: `Training overdue: ${notice.courseTitle}`,
      text: `Hello ${notice.name},\n\n"${notice.courseTitle}" was due on ${notice.dueOn} and is now overdue. Please complete it as soon as you can.\n\n${link}\n`,
      dedupeKey: `training-overdue:${notice.id}`,
    })),
    ...result.renewals.map((renewal) => ({
      to: renewal.email,
      subject: `Recertification due: ${renewal.courseTitle}`,
      text: `Hello ${renewal.name},\n\nYour completion of "${renewal.courseTitle}" expires on ${renewal.dueOn}. Please complete it again by then.\n\n${link}\n`,
      dedupeKey: `training-recertification:${renewal.id}`,
    })),
    ...(result.overdueNotices.length ? await digestMail(tx, result) : []),
  ];
  await queueMail(tx, mails, deps.now);
}

/** One message per moderator and system manager: today's newly overdue assignments and the open total. */
async function digestMail(tx: Executor, result: SweepResult) {
  const staff = await tx.execute<{ id: string; email: string; name: string }>(sql`
    select distinct u.id, u.email, u.name from users u join user_roles r on r.user_id = u.id
    where u.is_active and r.role in ('moderator', 'system_manager')`);
  const [{ total }] = await tx.execute<{ total: number }>(sql`select count(*)::int as total from training_assignments where status = 'overdue'`);
  const lines = result.overdueNotices.slice(0, 200).map((n) => `  TA-${String(n.number).padStart(4, '0')}  ${n.name} <${n.email}>  ${n.courseTitle}  due ${n.dueOn}`);
  const more = result.overdueNotices.length > 200 ? [`  … and ${result.overdueNotices.length - 200} more`] : [];
  return Array.from(staff, (person) => ({
    to: person.email,
    subject: `Training digest ${result.today}: ${result.overdueNotices.length} newly overdue`,
    text: [`Hello ${person.name},`, '', `${result.overdueNotices.length} training assignments became overdue; ${total} are overdue in all.`, '', ...lines, ...more, ''].join('\n'),
    dedupeKey: `training-digest:${result.today}:${person.id}`,
  }));
}
