import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.ts';
import { defineJob } from '../../jobs/define.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { domainEvent } from '../../realtime/events.ts';
import type { Relay } from '../../realtime/relay.ts';
import { loadUsers } from '../users/queries.ts';
import { evaluationWaitlist } from './schema.ts';
import { selectWaitlist } from './waitlist.ts';

export const waitlistOpeningSchema = z.object({
  /** One id per freed slot or availability change: learners are told about each opening once. */
  openingId: z.uuid(),
  courseIds: z.array(z.uuid()).min(1),
  reason: z.enum(['cancellation', 'reschedule', 'availability', 'unavailability_removed']),
  openedAt: z.string(),
  /** The app's address for the link in the message. */
  url: z.string().nullable().default(null),
});
export type WaitlistOpening = z.infer<typeof waitlistOpeningSchema>;

/**
 * Tells the waitlisted learners of these courses, in waitlist order, that a slot may be free:
 * an email and a `waitlist.slotsAvailable` event to their own room. The first to book wins (the
 * booking's constraints decide; booking removes the winner from the list). Idempotent: one
 * UPDATE … RETURNING marks each entry with the opening and returns only those not yet marked, so
 * a retry or a second run publishes nothing twice; the emails' dedupe keys name the opening and
 * the learner, so a run that died between the mark and the mail sends the rest and nothing twice.
 */
export async function notifyWaitlist(deps: { db: Database; mailer: Mailer; relay: Relay; now: Date }, opening: WaitlistOpening): Promise<{ told: string[] }> {
  const { db } = deps;
  const courses = sql.param(opening.courseIds);
  const marked = await db.execute<{ id: string }>(sql`
    update ${evaluationWaitlist} set notified_opening_id = ${opening.openingId}, notified_at = ${deps.now.toISOString()}::timestamptz
    where course_id = any(${courses}::uuid[]) and notified_opening_id is distinct from ${opening.openingId}::uuid
      -- Only learners who still take the course: one whose access was removed could not book.
      and exists (select 1 from enrollments e where e.user_id = ${evaluationWaitlist}.member_id and e.course_id = ${evaluationWaitlist}.course_id and e.status = 'active')
    returning id`);
  const newlyTold = new Set(Array.from(marked, (row) => row.id));
  const entries = await selectWaitlist(db, { courseIds: opening.courseIds, where: sql`w.notified_opening_id = ${opening.openingId}::uuid` });
  const people = new Map((await loadUsers(db, [...new Set(entries.map((e) => e.memberId))])).map((u) => [u.id, u]));
  const told: string[] = [];
  // In waitlist order: the first in line hears first.
  for (const { notifiedOpeningId: _, ...entry } of entries.sort((a, b) => a.position - b.position || a.courseId.localeCompare(b.courseId))) {
    const learner = people.get(entry.memberId);
    if (!learner) continue;
    const link = opening.url ? `${opening.url}/learn/${entry.courseId}/evaluation` : null;
    await deps.mailer.send({
      to: learner.email,
      subject: `A slot opened: ${entry.courseTitle}`,
      text: [
        `Hello ${learner.name},`,
        '',
        `An evaluation slot may be free for "${entry.courseTitle}", which you are waiting for (place ${entry.position} on the waitlist).`,
        'Slots go to whoever books first, so book now if a time suits you.',
        ...(link ? ['', `Book: ${link}`] : []),
      ].join('\n'),
      dedupeKey: `waitlist-opening:${opening.openingId}:${entry.courseId}:${entry.memberId}`,
    });
    if (newlyTold.has(entry.id)) {
      deps.relay.publish([domainEvent('waitlist.slotsAvailable', entry)]);
      told.push(entry.memberId);
    }
  }
  return { told };
}

/** The job queued with a cancellation, a reschedule or grown availability (see `queueWaitlistOpening`). */
export const waitlistOpeningJob = defineJob({
  name: 'scheduling.waitlist-opening',
  schema: waitlistOpeningSchema,
  retry: { limit: 8, delaySeconds: 30, backoff: true },
  handler: async (opening, { db, mailer, relay, now }) => {
    await notifyWaitlist({ db, mailer, relay, now: now() }, opening);
  },
});
