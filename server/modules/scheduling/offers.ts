import { Temporal } from 'temporal-polyfill';
import { authorize, requireUser, type Actor } from '../../auth/permissions.ts';
import type { Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { settingsSchema } from '../system/settings.ts';
import type { SlotDto, SlotsDto } from './dto.ts';
import { loadBookingFacts, loadBookings, loadPlans, pendingLoad, type BookingFacts, type EvaluatorPlan } from './queries.ts';
import { isBlocked, scheduleSlots, unavailableSpans, type Span } from './slots.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** "Least booked in the coming weeks": the window the server balances evaluators' load over. */
export const LOAD_WINDOW_MS = 28 * DAY_MS;

/** Everything that decides which slots a learner is offered for a course. */
export interface LearnerContext {
  course: NonNullable<BookingFacts['course']>;
  learner: { id: string; name: string; email: string; timezone: string };
  /** The learner's active enrollment in the course. */
  enrollment: NonNullable<BookingFacts['enrollment']>;
  /** Required quizzes the learner has not passed in the current cycle. */
  missingQuizIds: string[];
  /** The learner's pending request for the course, if any. */
  pendingRequestId: string | null;
  /** The cohort the request belongs to: the one whose evaluator serves it, else the learner's first cohort taking the course. */
  cohortIdFor: (evaluatorId: string) => string | null;
  /** Active batch evaluators who have saved their availability, in id order. */
  plans: EvaluatorPlan[];
  now: number;
  noticeHours: number;
  /** Slots start at or after this (now + the minimum notice). */
  earliest: number;
  /** Slots end by this: the booking horizon, cut by the cohort's evaluation end date. */
  latest: number;
  evaluationEndsOn: string | null;
}

/** One evaluator's offer of a slot. */
export interface Offer extends Span {
  plan: EvaluatorPlan;
}

/**
 * Loads what decides a learner's slots: the course (it must take evaluations), their active
 * enrollment, their cohorts with this course (a cohort's evaluator wins over the course's
 * mapping; its evaluation end date cuts the horizon), the evaluators' plans and the settings:
 * two statements (`loadBookingFacts`, `loadPlans`).
 */
export async function loadLearnerContext(db: Executor, input: { userId: string; courseId: string; now: Date }): Promise<LearnerContext> {
  const facts = await loadBookingFacts(db, input);
  const { course, enrollment, learner, links } = facts;
  if (!course || !learner) throw new AppError('not_found', 'No such course.');
  if (!course.evaluationRequired) throw new AppError('evaluation_not_offered', 'This course has no live evaluation to book.');
  if (!enrollment) throw new AppError('not_enrolled', 'Enrol in this course first.');
  const minimumNoticeHours = settingsSchema.shape.minimumNoticeHours.parse(facts.settings.minimumNoticeHours);
  const bookingHorizonDays = settingsSchema.shape.bookingHorizonDays.parse(facts.settings.bookingHorizonDays);
  const plans = await loadPlans(db, facts.evaluatorIds);

  const now = input.now.getTime();
  const ends = links.map((l) => (l.evaluationEndsOn ? Temporal.PlainDate.from(l.evaluationEndsOn).add({ days: 1 }).toZonedDateTime(l.timezone).epochMilliseconds : Infinity));
  // Any of the learner's cohorts lets them book until its end; a cohort without an end date sets none.
  const evaluationEnd = ends.length ? Math.max(...ends) : Infinity;
  const evaluationEndsOn = Number.isFinite(evaluationEnd) ? links.map((l) => l.evaluationEndsOn!).sort().at(-1)! : null;
  const fallbackCohort = links[0]?.cohortId ?? null;
  return {
    course,
    learner: { id: learner.id, name: learner.name, email: learner.email, timezone: learner.timezone ?? 'UTC' },
    enrollment,
    missingQuizIds: facts.missingQuizIds,
    pendingRequestId: facts.pendingRequestId,
    cohortIdFor: (evaluatorId) => links.find((l) => l.evaluatorId === evaluatorId)?.cohortId ?? fallbackCohort,
    plans: facts.evaluatorIds.flatMap((id) => (plans.has(id) ? [plans.get(id)!] : [])),
    now,
    noticeHours: minimumNoticeHours,
    earliest: now + minimumNoticeHours * HOUR_MS,
    latest: Math.min(now + bookingHorizonDays * DAY_MS, evaluationEnd),
    evaluationEndsOn,
  };
}

/** The slot length an evaluator uses for the context's course. */
export function slotMinutesOf(context: LearnerContext, plan: EvaluatorPlan): number {
  return plan.slotMinutesByCourse.get(context.course.id) ?? context.course.evaluationSlotMinutes;
}

/** Every evaluator's slots in [from, to) within the bookable window, minus `bookings` (when given). */
export function offersBetween(context: LearnerContext, window: { from: number; to: number }, bookings?: Map<string, Span[]>): Offer[] {
  const from = Math.max(window.from, context.earliest);
  const to = Math.min(window.to, context.latest);
  return context.plans.flatMap((plan) =>
    scheduleSlots({ schedule: plan.schedule, slotMinutes: slotMinutesOf(context, plan), bookings: bookings?.get(plan.evaluatorId) ?? [], from, to }).map((slot) => ({ ...slot, plan })),
  );
}

/** Evaluators whose hours offer a slot starting exactly at `startsAt` (bookings not considered). */
export function offersAt(context: LearnerContext, startsAt: number): Offer[] {
  return offersBetween(context, { from: startsAt, to: startsAt + DAY_MS }).filter((offer) => offer.startsAt === startsAt);
}

/** Is this offer still free given the evaluator's current bookings (kept a buffer apart)? */
export function isOfferFree(offer: Offer, bookings: Map<string, Span[]>): boolean {
  return !isBlocked(offer, bookings.get(offer.plan.evaluatorId) ?? [], offer.plan.bufferMinutes, unavailableSpans(offer.plan.schedule));
}

/** The offer the server assigns: the evaluator least booked in the coming weeks, ties by id. */
export function pickOffer(offers: readonly Offer[], load: Map<string, number>): Offer {
  return [...offers].sort((a, b) => (load.get(a.plan.evaluatorId) ?? 0) - (load.get(b.plan.evaluatorId) ?? 0) || a.plan.evaluatorId.localeCompare(b.plan.evaluatorId))[0];
}

/**
 * The learner's free slots in [from, to): the union over the course's evaluators, one entry per
 * start instant, showing the evaluator the server would assign (its length and zone).
 */
export async function freeSlots(db: Executor, context: LearnerContext, window: { from: number; to: number }, known?: Map<string, Span[]>): Promise<SlotDto[]> {
  const ids = context.plans.map((p) => p.evaluatorId);
  // Bookings a day either side: a buffer or a long slot reaches across the window's edges.
  const bookings = known ?? (await loadBookings(db, { evaluatorIds: ids, from: window.from - DAY_MS, to: window.to + DAY_MS }));
  const offers = offersBetween(context, window, bookings);
  const load = ids.length > 1 ? await pendingLoad(db, { evaluatorIds: ids, from: context.now, to: context.now + LOAD_WINDOW_MS }) : new Map<string, number>();
  const byStart = new Map<number, Offer[]>();
  for (const offer of offers) byStart.set(offer.startsAt, [...(byStart.get(offer.startsAt) ?? []), offer]);
  return [...byStart.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, sameStart]) => pickOffer(sameStart, load))
    .map((offer) => ({ startsAt: new Date(offer.startsAt).toISOString(), endsAt: new Date(offer.endsAt).toISOString(), evaluatorTimezone: offer.plan.timezone }));
}

/** How far either side of a refused start the nearest free slot is looked for. */
export const NEAREST_SLOT_WINDOW_MS = 14 * DAY_MS;

/**
 * The free slot nearest to `startsAt` (two weeks either side), offered when the asked one is gone.
 * `known`: the evaluators' bookings already read for that window and a day beyond each edge.
 */
export async function nearestFreeSlot(db: Executor, context: LearnerContext, startsAt: number, known?: Map<string, Span[]>): Promise<SlotDto | null> {
  const slots = await freeSlots(db, context, { from: startsAt - NEAREST_SLOT_WINDOW_MS, to: startsAt + NEAREST_SLOT_WINDOW_MS }, known);
  const distance = (slot: SlotDto) => Math.abs(Date.parse(slot.startsAt) - startsAt);
  return slots.reduce<SlotDto | null>((best, slot) => (!best || distance(slot) < distance(best) ? slot : best), null);
}

/**
 * Refuses a learner who may not be evaluated yet: every required quiz passed, and the course
 * complete (progress 100; evaluation courses require their content completed).
 */
export function assertEligible(context: LearnerContext): void {
  const missingQuizIds = context.missingQuizIds;
  if (missingQuizIds.length) {
    throw new AppError('not_eligible', `Pass the course's required ${missingQuizIds.length === 1 ? 'quiz' : `${missingQuizIds.length} quizzes`} before booking an evaluation.`, { missingQuizIds });
  }
  const progress = context.enrollment.progress;
  if (progress < 100) throw new AppError('not_eligible', `Complete the course before booking an evaluation: you are at ${progress}%.`, { progress });
}

/**
 * The learner's slot board for a course: free slots from `from` (default now) to `to` (default
 * the cutoff), as instants in UTC with the evaluator's zone named, never the evaluator.
 */
export async function listSlots(db: Executor, input: { actor: Actor; courseId: string; from?: string; to?: string; now: Date }): Promise<SlotsDto> {
  const actor = requireUser(input.actor);
  authorize(actor, 'certificateRequests.book', { userId: actor.userId });
  const context = await loadLearnerContext(db, { userId: actor.userId, courseId: input.courseId, now: input.now });
  const from = input.from ? Date.parse(input.from) : context.now;
  const to = input.to ? Date.parse(input.to) : context.latest;
  if (to < from) throw new AppError('validation_failed', 'Invalid input: to: ends before from', { issues: [{ path: 'to', message: 'Ends before from' }] });
  return {
    slots: await freeSlots(db, context, { from, to }),
    learnerTimezone: context.learner.timezone,
    cutoff: new Date(context.latest).toISOString(),
    noticeUntil: new Date(context.earliest).toISOString(),
    evaluationEndsOn: context.evaluationEndsOn,
  };
}
