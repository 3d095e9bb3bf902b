import { and, eq, sql } from 'drizzle-orm';
import { authorize, can, requireUser, type Actor } from '../../auth/permissions.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError, pgConstraint, pgErrorCode, pgErrors } from '../../errors.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import { domainEvent, type DomainEvent } from '../../realtime/events.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { retryOnDeadlock } from '../enrollment/progress.ts';
import { recordAudit } from '../system/audit.ts';
import { readSettings } from '../system/settings.ts';
import { boardChange } from './board.ts';
import type { CertificateRequestDto } from './dto.ts';
import { noticeFor } from './notices.ts';
import { assertEligible, isOfferFree, LOAD_WINDOW_MS, loadLearnerContext, NEAREST_SLOT_WINDOW_MS, nearestFreeSlot, offersAt, pickOffer, type LearnerContext, type Offer } from './offers.ts';
import type { Span } from './slots.ts';
import { coursesServedBy, loadBookings, pendingLoad } from './queries.ts';
import { queueReminder } from './reminders.ts';
import { loadRequest, requestSubject } from './requests.ts';
import { certificateRequests } from './schema.ts';
import { leaveWaitlistOnBooking, queueWaitlistOpening } from './waitlist.ts';

/** Namespace of the per-evaluator booking lock (`pg_advisory_xact_lock(namespace, hashtext(evaluatorId))`). */
const EVALUATOR_LOCK = 727_020;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

interface ChangeDeps {
  jobs: JobQueue;
  /** Where people reach the app, for the link in the emails. */
  baseUrl: string;
  now: Date;
}

/**
 * Serialises bookings per evaluator until the transaction ends. Without it, a burst of
 * concurrent inserts against the exclusion constraint deadlocks (each backend finds the other's
 * row and waits for it); with it, they queue, and the constraint stays the guarantee. Several
 * evaluators are locked in one statement in key order, so two transactions never wait on each
 * other in a cycle.
 */
export async function lockEvaluators(tx: Executor, evaluatorIds: readonly string[]): Promise<void> {
  const ids = [...new Set(evaluatorIds)];
  if (!ids.length) return;
  await tx.execute(sql`
    select count(pg_advisory_xact_lock(${EVALUATOR_LOCK}, k))
    from (select distinct hashtext(id) as k from unnest(${sql.param(ids)}::text[]) as id order by k) as keys`);
}

/**
 * A learner books an evaluation starting at `startsAt`. The server re-derives that the instant
 * is offered for this course (the client's evaluator or end time are never trusted), checks
 * eligibility, refuses at once when every offer of that start is booked, else picks the least
 * booked evaluator still free, takes it under that evaluator's lock (`takeFreeOffer`) and inserts
 * the request Pending, with the email job in the same transaction.
 * A lost race answers 409 `slot_taken` with the nearest free slot; a second active request
 * 409 `request_exists`. The exclusion constraint and the partial unique index are the guarantees.
 */
export async function bookSlot(db: Database, input: ChangeDeps & { actor: Actor; courseId: string; startsAt: string; timezone?: string }): Promise<Outcome<CertificateRequestDto>> {
  const actor = requireUser(input.actor);
  authorize(actor, 'certificateRequests.book', { userId: actor.userId });
  const context = await loadLearnerContext(db, { userId: actor.userId, courseId: input.courseId, now: input.now });
  assertEligible(context);
  // For a clear answer only: the partial unique index is what makes a second request impossible.
  if (context.pendingRequestId) throw requestExists(context.pendingRequestId);
  const startsAt = Date.parse(input.startsAt);
  const offers = offersAt(context, startsAt);
  if (!offers.length) throw await slotError(db, context, startsAt, 'slot_unavailable');
  // Decided before any transaction or lock: once every offer of this start is booked (most of a
  // storm of learners wanting one start), the refusal and the nearest free slot come from this
  // one read. Whoever finds an offer free goes on to take it under its evaluator's lock.
  const around = await loadBookings(db, {
    evaluatorIds: context.plans.map((plan) => plan.evaluatorId),
    from: startsAt - NEAREST_SLOT_WINDOW_MS - DAY_MS,
    to: startsAt + NEAREST_SLOT_WINDOW_MS + DAY_MS,
  });
  if (!offers.some((offer) => isOfferFree(offer, around))) throw await slotError(db, context, startsAt, 'slot_taken', around);

  try {
    return await withOfferAttempts(offers.length, () =>
      db.transaction(async (tx) => {
        const offer = await takeFreeOffer(tx, { context, offers, startsAt });
        const [row] = await tx
          .insert(certificateRequests)
          .values({
            memberId: actor.userId,
            courseId: context.course.id,
            cohortId: context.cohortIdFor(offer.plan.evaluatorId),
            evaluatorId: offer.plan.evaluatorId,
            startsAt: new Date(offer.startsAt),
            endsAt: new Date(offer.endsAt),
            learnerTimezone: input.timezone ?? context.learner.timezone,
            meetingLink: offer.plan.meetingLink,
            createdAt: input.now,
            updatedAt: input.now,
          })
          .returning({ id: certificateRequests.id });
        // The learner got a slot: off the waitlist, in the same transaction (the first to book wins).
        await leaveWaitlistOnBooking(tx, { memberId: actor.userId, courseId: context.course.id });
        await recordAudit(tx, { actor, action: 'certificate_request_booked', subjectType: 'certificate_request', subjectId: row.id, details: { startsAt: input.startsAt, evaluatorId: offer.plan.evaluatorId } });
        const request = await loadRequest(tx, row.id);
        await input.jobs.send('scheduling.request-notice', await noticeFor(tx, { request, change: 'booked', baseUrl: input.baseUrl }), { tx });
        await queueReminder(tx, { jobs: input.jobs, request, now: input.now, baseUrl: input.baseUrl });
        return outcome(request, [await boardChange(tx, { ...request, state: 'booked', requestId: request.id }), domainEvent('certificateRequest.updated', request)]);
      }),
    );
  } catch (error) {
    throw await translateBookingError(db, error, context, startsAt);
  }
}

/**
 * Moves a pending request to another offered start, in one transaction: the new slot is taken and
 * the old one freed together, or nothing changes (a taken target answers 409 `slot_taken`). The
 * current evaluator keeps it when they offer the new start; the SEQUENCE is raised.
 */
export async function rescheduleRequest(db: Database, input: ChangeDeps & { actor: Actor; requestId: string; startsAt: string }): Promise<Outcome<CertificateRequestDto>> {
  const current = await loadRequest(db, input.requestId);
  const settings = await readSettings(db);
  authorizeChange(input.actor, current, { now: input.now, noticeHours: settings.minimumNoticeHours });
  const context = await loadLearnerContext(db, { userId: current.memberId, courseId: current.courseId, now: input.now });
  const startsAt = Date.parse(input.startsAt);
  const offers = offersAt(context, startsAt);
  if (!offers.length) throw await slotError(db, context, startsAt, 'slot_unavailable');

  try {
    return await withOfferAttempts(offers.length, () =>
      db.transaction(async (tx) => {
        const before = await lockRequest(tx, input.requestId);
        authorizeChange(input.actor, before, { now: input.now, noticeHours: context.noticeHours });
        const offer = await takeFreeOffer(tx, { context, offers, startsAt, current: before });
        if (offer.startsAt === before.startsAt.getTime() && offer.plan.evaluatorId === before.evaluatorId) return outcome(await loadRequest(tx, before.id));
        await tx
          .update(certificateRequests)
          .set({
            evaluatorId: offer.plan.evaluatorId,
            cohortId: context.cohortIdFor(offer.plan.evaluatorId),
            startsAt: new Date(offer.startsAt),
            endsAt: new Date(offer.endsAt),
            meetingLink: offer.plan.meetingLink,
            icsSequence: sql`${certificateRequests.icsSequence} + 1`,
            updatedAt: input.now,
          })
          .where(eq(certificateRequests.id, before.id));
        await recordAudit(tx, {
          actor: input.actor,
          action: 'certificate_request_rescheduled',
          subjectType: 'certificate_request',
          subjectId: before.id,
          details: { from: before.startsAt.toISOString(), to: input.startsAt, evaluatorId: offer.plan.evaluatorId, previousEvaluatorId: before.evaluatorId },
        });
        const request = await loadRequest(tx, before.id);
        const notice = await noticeFor(tx, { request, change: 'rescheduled', baseUrl: input.baseUrl, previous: before });
        await input.jobs.send('scheduling.request-notice', notice, { tx });
        await queueReminder(tx, { jobs: input.jobs, request, now: input.now, baseUrl: input.baseUrl });
        // Freed time inside the notice can no longer be booked: nobody is told about it.
        if (before.startsAt.getTime() >= context.earliest) {
          await queueWaitlistOpening(tx, { jobs: input.jobs, courseIds: await freedFor(tx, before), reason: 'reschedule', now: input.now, baseUrl: input.baseUrl });
        }
        return outcome(request, [
          await boardChange(tx, { ...before, state: 'free', requestId: before.id }),
          await boardChange(tx, { ...request, state: 'booked', requestId: request.id }),
          domainEvent('certificateRequest.updated', request),
        ]);
      }),
    );
  } catch (error) {
    throw await translateBookingError(db, error, context, startsAt);
  }
}

/** Cancels a pending request: its learner until the notice cutoff, staff any time. The slot is free again at once. */
export async function cancelRequest(db: Database, input: ChangeDeps & { actor: Actor; requestId: string; reason?: string }): Promise<Outcome<CertificateRequestDto>> {
  const settings = await readSettings(db);
  return db.transaction(async (tx) => {
    const before = await lockRequest(tx, input.requestId);
    authorizeChange(input.actor, before, { now: input.now, noticeHours: settings.minimumNoticeHours });
    const by = input.actor.kind === 'user' ? input.actor.userId : null;
    await tx
      .update(certificateRequests)
      .set({ status: 'cancelled', cancelledAt: input.now, cancelledBy: by, cancelReason: input.reason ?? null, icsSequence: sql`${certificateRequests.icsSequence} + 1`, updatedAt: input.now })
      .where(eq(certificateRequests.id, before.id));
    await recordAudit(tx, { actor: input.actor, action: 'certificate_request_cancelled', subjectType: 'certificate_request', subjectId: before.id, details: { reason: input.reason ?? null } });
    const request = await loadRequest(tx, before.id);
    await input.jobs.send('scheduling.request-notice', await noticeFor(tx, { request, change: 'cancelled', baseUrl: input.baseUrl }), { tx });
    if (before.startsAt.getTime() >= input.now.getTime() + settings.minimumNoticeHours * HOUR_MS) {
      await queueWaitlistOpening(tx, { jobs: input.jobs, courseIds: await freedFor(tx, before), reason: 'cancellation', now: input.now, baseUrl: input.baseUrl });
    }
    return outcome(request, await cancellationEvents(tx, request));
  });
}

/** What a cancellation tells: its slot free again on the boards, and the request's new state. Shared with the stale-request sweep. */
export async function cancellationEvents(tx: Executor, request: CertificateRequestDto): Promise<DomainEvent[]> {
  return [await boardChange(tx, { ...request, state: 'free', requestId: request.id }), domainEvent('certificateRequest.updated', request)];
}

/** The courses whose learners may take a slot freed on this request's evaluator (its own first). */
async function freedFor(tx: Executor, request: { courseId: string; evaluatorId: string }): Promise<string[]> {
  return [...new Set([request.courseId, ...(await coursesServedBy(tx, request.evaluatorId))])];
}

type RequestState = { memberId: string; evaluatorId: string; status: string; startsAt: Date | string };

/** Who may change a request, and until when: learners until the notice cutoff, staff any time; only pending requests change. */
function authorizeChange(actor: Actor, request: RequestState, rules: { now: Date; noticeHours: number }): void {
  authorize(actor, 'certificateRequests.view', requestSubject(request));
  authorize(actor, 'certificateRequests.change', { userId: request.memberId });
  if (request.status !== 'pending') throw new AppError('request_closed', `This request is ${request.status}; it can no longer change.`);
  const cutoff = new Date(request.startsAt).getTime() - rules.noticeHours * HOUR_MS;
  if (rules.now.getTime() > cutoff && !can(actor, 'certificateRequests.changeAfterCutoff')) {
    throw new AppError('cutoff_passed', `Requests can be changed up to ${rules.noticeHours} hours before they start. Ask a moderator to change this one.`, { cutoff: new Date(cutoff).toISOString() });
  }
}

async function lockRequest(tx: Executor, requestId: string) {
  const [row] = await tx.select().from(certificateRequests).where(eq(certificateRequests.id, requestId)).for('update');
  if (!row) throw new AppError('not_found', 'No such certificate request.');
  return row;
}

/**
 * The offer the server assigns for this start, taken under its evaluator's lock: the current
 * evaluator when a reschedule can stay with them, else the least booked in the coming weeks
 * among those free. Which offers are free is read first without any lock, so once a start is
 * booked out every later request answers `slot_taken` at once, never queueing; then only the
 * chosen evaluator is locked (with the request's current one, in key order) and their bookings
 * read again, so bookings with different evaluators run side by side. When someone booked the
 * chosen evaluator in between, `OfferLost` makes `withOfferAttempts` run the transaction again,
 * and the fresh read then picks another evaluator. Throws `slot_taken` when none is free.
 */
async function takeFreeOffer(tx: Executor, input: { context: LearnerContext; offers: Offer[]; startsAt: number; current?: { id: string; evaluatorId: string } }): Promise<Offer> {
  const ids = input.offers.map((o) => o.plan.evaluatorId);
  const around = { from: input.startsAt - DAY_MS, to: input.startsAt + DAY_MS, exceptRequestId: input.current?.id };
  const seen = await loadBookings(tx, { evaluatorIds: ids, ...around });
  const free = input.offers.filter((offer) => isOfferFree(offer, seen));
  if (!free.length) throw new AppError('slot_taken', 'This slot has just been taken.');
  const staying = input.current && free.find((o) => o.plan.evaluatorId === input.current!.evaluatorId);
  const load = !staying && free.length > 1 ? await pendingLoad(tx, { evaluatorIds: ids, from: input.context.now, to: input.context.now + LOAD_WINDOW_MS }) : new Map<string, number>();
  const chosen = staying ?? pickOffer(free, load);
  await lockEvaluators(tx, input.current ? [chosen.plan.evaluatorId, input.current.evaluatorId] : [chosen.plan.evaluatorId]);
  const now = await loadBookings(tx, { evaluatorIds: [chosen.plan.evaluatorId], ...around });
  if (!isOfferFree(chosen, now)) throw new OfferLost();
  return chosen;
}

/** The chosen evaluator was booked between the unlocked read and the lock: try again. */
class OfferLost extends Error {}

/**
 * Runs a booking transaction again when it lost its chosen offer (at most once per offer, so it
 * ends) or when PostgreSQL broke a deadlock; then `slot_taken` if the offers ran out.
 */
async function withOfferAttempts<T>(offers: number, attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await retryOnDeadlock(attempt);
    } catch (error) {
      if (!(error instanceof OfferLost)) throw error;
      if (tries >= offers) throw new AppError('slot_taken', 'This slot has just been taken.');
    }
  }
}

async function translateBookingError(db: Executor, error: unknown, context: LearnerContext, startsAt: number): Promise<unknown> {
  if ((error instanceof AppError && error.code === 'slot_taken') || pgErrorCode(error) === pgErrors.exclusionViolation) return slotError(db, context, startsAt, 'slot_taken');
  if (pgErrorCode(error) === pgErrors.uniqueViolation && pgConstraint(error) === 'certificate_requests_one_pending_key') return requestExists();
  return error;
}

async function slotError(db: Executor, context: LearnerContext, startsAt: number, code: 'slot_taken' | 'slot_unavailable', known?: Map<string, Span[]>): Promise<AppError> {
  const nearestSlot = await nearestFreeSlot(db, context, startsAt, known);
  const next = nearestSlot ? ` The nearest free one starts at ${nearestSlot.startsAt}.` : ' No other slot is free before the booking window closes.';
  const message = code === 'slot_taken' ? `Someone has just booked this slot: pick another one.${next}` : `This time is not offered for this course: pick one of the listed slots.${next}`;
  return new AppError(code, message, { nearestSlot });
}

function requestExists(requestId?: string): AppError {
  return new AppError('request_exists', 'You already have a pending evaluation for this course: cancel or reschedule it instead of booking another.', requestId ? { requestId } : undefined);
}
