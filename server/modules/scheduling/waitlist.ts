import { randomUUID } from 'node:crypto';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { authorize, requireUser, type Actor } from '../../auth/permissions.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { iso } from '../../http.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { loadCourseAccess } from '../courses/access.ts';
import type { MyWaitlistDto, WaitlistDto, WaitlistEntryDto } from './dto.ts';
import { assertEligible, freeSlots, loadLearnerContext } from './offers.ts';
import { evaluationWaitlist } from './schema.ts';

/**
 * Waitlist entries with their position (1 = first: order of joining, `seq` breaking ties), the
 * course's title and the learner's name; `where` filters the ranked rows (alias `w`).
 */
export async function selectWaitlist(db: Executor, input: { courseIds: readonly string[]; where?: SQL }): Promise<(WaitlistEntryDto & { notifiedOpeningId: string | null })[]> {
  if (!input.courseIds.length) return [];
  const rows = await db.execute<{
    id: string;
    course_id: string;
    course_title: string;
    member_id: string;
    member_name: string;
    position: number;
    joined_at: Date | string;
    notified_at: Date | string | null;
    notified_opening_id: string | null;
  }>(sql`
    select w.*, c.title as course_title, u.name as member_name
    from (
      select id, course_id, member_id, joined_at, notified_at, notified_opening_id,
             row_number() over (partition by course_id order by joined_at, seq)::int as position
      from ${evaluationWaitlist} where course_id = any(${sql.param([...input.courseIds])}::uuid[])
    ) w
    join courses c on c.id = w.course_id
    join users u on u.id = w.member_id
    ${input.where ? sql`where ${input.where}` : sql``}
    order by w.course_id, w.position`);
  const instant = (value: Date | string | null) => (value === null ? null : iso(new Date(value)));
  return Array.from(rows, (r) => ({
    id: r.id,
    courseId: r.course_id,
    courseTitle: r.course_title,
    memberId: r.member_id,
    memberName: r.member_name,
    position: Number(r.position),
    joinedAt: instant(r.joined_at)!,
    notifiedAt: instant(r.notified_at),
    notifiedOpeningId: r.notified_opening_id,
  }));
}

const publicEntry = ({ notifiedOpeningId: _, ...entry }: WaitlistEntryDto & { notifiedOpeningId: string | null }): WaitlistEntryDto => entry;

async function entryOf(db: Executor, input: { courseId: string; memberId: string }): Promise<WaitlistEntryDto | null> {
  const [entry] = await selectWaitlist(db, { courseIds: [input.courseId], where: sql`w.member_id = ${input.memberId}` });
  return entry ? publicEntry(entry) : null;
}

/** The signed-in learner's place on a course's waitlist, or null. */
export async function getMyWaitlistEntry(db: Executor, input: { actor: Actor; courseId: string }): Promise<MyWaitlistDto> {
  const actor = requireUser(input.actor);
  return { entry: await entryOf(db, { courseId: input.courseId, memberId: actor.userId }) };
}

/**
 * A learner joins a course's waitlist: only when they could book (enrolled, eligible, no pending
 * request) but no slot is free before their cutoff (the horizon or their evaluation end date).
 * Joining twice keeps the first place (the unique index decides under concurrency).
 */
export async function joinWaitlist(db: Database, input: { actor: Actor; courseId: string; now: Date }): Promise<Outcome<WaitlistEntryDto>> {
  const actor = requireUser(input.actor);
  authorize(actor, 'certificateRequests.book', { userId: actor.userId });
  const context = await loadLearnerContext(db, { userId: actor.userId, courseId: input.courseId, now: input.now });
  assertEligible(context);
  if (context.pendingRequestId) throw new AppError('request_exists', 'You already have a pending evaluation for this course.', { requestId: context.pendingRequestId });
  const slots = await freeSlots(db, context, { from: context.now, to: context.latest });
  if (slots.length) throw new AppError('slots_available', 'Slots are free for this course: book one instead of waiting.', { nearestSlot: slots[0] });
  await db.insert(evaluationWaitlist).values({ courseId: input.courseId, memberId: actor.userId, joinedAt: input.now }).onConflictDoNothing();
  return outcome((await entryOf(db, { courseId: input.courseId, memberId: actor.userId }))!);
}

/** A learner leaves a course's waitlist (nothing happens when they were not on it). */
export async function leaveWaitlist(db: Database, input: { actor: Actor; courseId: string }): Promise<Outcome<null>> {
  const actor = requireUser(input.actor);
  await db.delete(evaluationWaitlist).where(and(eq(evaluationWaitlist.courseId, input.courseId), eq(evaluationWaitlist.memberId, actor.userId)));
  return outcome(null);
}

/** A course's waitlist in order: staff, the course's owner and instructors. */
export async function listWaitlist(db: Executor, input: { actor: Actor; courseId: string }): Promise<WaitlistDto> {
  const course = await loadCourseAccess(db, input.courseId);
  authorize(input.actor, 'schedulingBoards.view', { ownerIds: course.runnerIds });
  return { courseId: course.id, entries: (await selectWaitlist(db, { courseIds: [course.id] })).map(publicEntry) };
}

/** Inside the booking transaction: the learner got a slot, so they leave the course's waitlist. */
export async function leaveWaitlistOnBooking(tx: Executor, input: { memberId: string; courseId: string }): Promise<void> {
  await tx.delete(evaluationWaitlist).where(and(eq(evaluationWaitlist.courseId, input.courseId), eq(evaluationWaitlist.memberId, input.memberId)));
}

/**
 * Inside the transaction that frees a slot or grows availability: queues the job telling the
 * courses' waitlisted learners, as one opening with its own id (so a retry tells it once). Queues
 * nothing when nobody waits for these courses, so ordinary cancellations cost one indexed read.
 * @example await queueWaitlistOpening(tx, { jobs, courseIds: await coursesServedBy(tx, evaluatorId), reason: 'cancellation', now, baseUrl });
 */
export async function queueWaitlistOpening(
  tx: Executor,
  input: { jobs: JobQueue; courseIds: readonly string[]; reason: WaitlistOpeningReason; now: Date; baseUrl: string | null },
): Promise<void> {
  if (!input.courseIds.length) return;
  const [waiting] = await tx
    .select({ id: evaluationWaitlist.id })
    .from(evaluationWaitlist)
    .where(sql`${evaluationWaitlist.courseId} = any(${sql.param([...input.courseIds])}::uuid[])`)
    .limit(1);
  if (!waiting) return;
  await input.jobs.send('scheduling.waitlist-opening', { openingId: randomUUID(), courseIds: [...input.courseIds], reason: input.reason, openedAt: input.now.toISOString(), url: input.baseUrl }, { tx });
}

export type WaitlistOpeningReason = 'cancellation' | 'reschedule' | 'availability' | 'unavailability_removed';
