import { and, asc, eq } from 'drizzle-orm';
import { authorize, type Actor } from '../../auth/permissions.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError, pgConstraint, pgErrorCode, pgErrors } from '../../errors.ts';
import { iso } from '../../http.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { loadCourses } from '../courses/queries.ts';
import { recordAudit } from '../system/audit.ts';
import type { UserDto } from '../users/dto.ts';
import { loadUser } from '../users/queries.ts';
import { boardRefresh } from './board.ts';
import type { AvailabilityDto, AvailabilityInput, UnavailabilityDto } from './dto.ts';
import { coursesServedBy, loadPlans, weeklyRangeDto } from './queries.ts';
import { availabilityRanges, evaluatorSettings, evaluatorSlotLengths, evaluatorUnavailability } from './schema.ts';
import { formatMinute, minuteOfDay, overlappingRanges, type WeeklyRange } from './slots.ts';
import { queueWaitlistOpening } from './waitlist.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import type { EvaluatorPlan } from './queries.ts';

/** Checks `evaluatorAvailability.manage` (the evaluator themself, or staff) and loads the person; 404 when unknown. */
async function authorizeEvaluator(db: Executor, actor: Actor, evaluatorId: string): Promise<UserDto> {
  authorize(actor, 'evaluatorAvailability.manage', { userId: evaluatorId });
  const user = await loadUser(db, evaluatorId);
  if (!user) throw new AppError('not_found', 'No such person.');
  return user;
}

function assertEvaluator(user: UserDto): void {
  if (!user.roles.includes('batch_evaluator')) {
    throw new AppError('not_an_evaluator', `${user.name} is not a batch evaluator. A moderator makes them one by mapping them to a course.`, { userIds: [user.id] });
  }
}

/** An evaluator's availability, or the defaults (their profile's zone, no hours) before they first save it. */
export async function getAvailability(db: Executor, input: { actor: Actor; evaluatorId: string }): Promise<AvailabilityDto> {
  const user = await authorizeEvaluator(db, input.actor, input.evaluatorId);
  return loadAvailability(db, user);
}

async function loadAvailability(db: Executor, user: UserDto): Promise<AvailabilityDto> {
  const plan = (await loadPlans(db, [user.id])).get(user.id);
  const lengths = plan?.slotMinutesByCourse ?? new Map<string, number>();
  const courseIds = [...new Set([...(await coursesServedBy(db, user.id)), ...lengths.keys()])];
  const courses = await loadCourses(db, courseIds);
  return {
    evaluatorId: user.id,
    configured: Boolean(plan),
    timezone: plan?.timezone ?? user.timezone ?? 'UTC',
    bufferMinutes: plan?.bufferMinutes ?? 0,
    meetingLink: plan?.meetingLink ?? null,
    weekly: (plan?.schedule.weekly ?? []).map(weeklyRangeDto),
    slotMinutesByCourse: Object.fromEntries(lengths),
    courses: courses
      .map((c) => ({ courseId: c.id, title: c.title, slotMinutes: lengths.get(c.id) ?? c.evaluationSlotMinutes, defaultSlotMinutes: c.evaluationSlotMinutes }))
      .sort((a, b) => a.title.localeCompare(b.title)),
    updatedAt: iso(plan?.updatedAt ?? null),
  };
}

/**
 * Replaces an evaluator's availability: zone, buffer, meeting link, weekly hours, slot lengths.
 * Overlapping weekly ranges are refused by the exclusion constraint `availability_ranges_no_overlap`
 * (400, naming the ranges). Boards of the courses they serve are told to fetch their slots again.
 */
export async function saveAvailability(
  db: Database,
  input: { actor: Actor; evaluatorId: string; availability: AvailabilityInput; now: Date; jobs: JobQueue; baseUrl: string | null },
): Promise<Outcome<AvailabilityDto>> {
  const user = await authorizeEvaluator(db, input.actor, input.evaluatorId);
  assertEvaluator(user);
  const { availability } = input;
  const weekly = availability.weekly.map((r) => ({ weekday: r.weekday, startMinute: minuteOfDay(r.start), endMinute: minuteOfDay(r.end) }));
  try {
    await db.transaction(async (tx) => {
      const before = (await loadPlans(tx, [user.id])).get(user.id);
      const values = { timezone: availability.timezone, bufferMinutes: availability.bufferMinutes, meetingLink: availability.meetingLink, updatedAt: input.now };
      await tx.insert(evaluatorSettings).values({ evaluatorId: user.id, ...values }).onConflictDoUpdate({ target: evaluatorSettings.evaluatorId, set: values });
      await tx.delete(availabilityRanges).where(eq(availabilityRanges.evaluatorId, user.id));
      if (weekly.length) {
        await tx.insert(availabilityRanges).values(weekly.map((r) => ({ evaluatorId: user.id, weekday: r.weekday, startTime: formatMinute(r.startMinute), endTime: formatMinute(r.endMinute) })));
      }
      await tx.delete(evaluatorSlotLengths).where(eq(evaluatorSlotLengths.evaluatorId, user.id));
      const lengths = Object.entries(availability.slotMinutesByCourse);
      if (lengths.length) await tx.insert(evaluatorSlotLengths).values(lengths.map(([courseId, slotMinutes]) => ({ evaluatorId: user.id, courseId, slotMinutes })));
      await recordAudit(tx, { actor: input.actor, action: 'evaluator_availability_saved', subjectType: 'user', subjectId: user.id, details: { ...availability } });
      if (availabilityGrew(before, { ...availability, weekly })) {
        await queueWaitlistOpening(tx, { jobs: input.jobs, courseIds: await coursesServedBy(tx, user.id), reason: 'availability', now: input.now, baseUrl: input.baseUrl });
      }
    });
  } catch (error) {
    if (pgErrorCode(error) === pgErrors.exclusionViolation && pgConstraint(error) === 'availability_ranges_no_overlap') {
      const issues = overlappingRanges(weekly).map(([a, b]) => ({
        path: 'weekly',
        message: `${weeklyRangeDto(a).start}–${weeklyRangeDto(a).end} overlaps ${weeklyRangeDto(b).start}–${weeklyRangeDto(b).end} on weekday ${a.weekday}`,
      }));
      throw new AppError('validation_failed', `Invalid input: weekly ranges overlap. ${issues.map((i) => i.message).join('; ')}`, { issues });
    }
    if (pgErrorCode(error) === pgErrors.foreignKeyViolation) throw new AppError('not_found', 'A course in slotMinutesByCourse does not exist.');
    throw error;
  }
  return outcome(await loadAvailability(db, user), [await boardRefresh(db, { evaluatorId: user.id, now: input.now })]);
}

/** Minutes of `range` that none of `others` (same weekday) covers. */
function uncoveredMinutes(range: WeeklyRange, others: readonly WeeklyRange[]): number {
  let uncovered = 0;
  for (let minute = range.startMinute; minute < range.endMinute; minute++) {
    if (!others.some((o) => o.weekday === range.weekday && o.startMinute <= minute && minute < o.endMinute)) uncovered++;
  }
  return uncovered;
}

/**
 * Might the new availability offer time the old did not? New weekly hours, a shorter buffer,
 * another zone or changed slot lengths: then waitlisted learners are told (they check the board).
 */
function availabilityGrew(before: EvaluatorPlan | undefined, after: { timezone: string; bufferMinutes: number; weekly: WeeklyRange[]; slotMinutesByCourse: Record<string, number> }): boolean {
  if (!after.weekly.length) return false;
  if (!before) return true;
  if (before.timezone !== after.timezone || after.bufferMinutes < before.bufferMinutes) return true;
  const lengths = Object.entries(after.slotMinutesByCourse);
  if (lengths.length !== before.slotMinutesByCourse.size || lengths.some(([courseId, minutes]) => before.slotMinutesByCourse.get(courseId) !== minutes)) return true;
  return after.weekly.some((range) => uncoveredMinutes(range, before.schedule.weekly) > 0);
}

function toUnavailabilityDto(row: typeof evaluatorUnavailability.$inferSelect): UnavailabilityDto {
  return { id: row.id, evaluatorId: row.evaluatorId, startsOn: row.startsOn, endsOn: row.endsOn, reason: row.reason, createdAt: iso(row.createdAt) };
}

export async function listUnavailability(db: Executor, input: { actor: Actor; evaluatorId: string }): Promise<{ unavailability: UnavailabilityDto[] }> {
  await authorizeEvaluator(db, input.actor, input.evaluatorId);
  const rows = await db.select().from(evaluatorUnavailability).where(eq(evaluatorUnavailability.evaluatorId, input.evaluatorId)).orderBy(asc(evaluatorUnavailability.startsOn));
  return { unavailability: rows.map(toUnavailabilityDto) };
}

/** Days off (in the evaluator's zone, both ends included): no slots are offered on them. Requests already booked stay. */
export async function addUnavailability(
  db: Database,
  input: { actor: Actor; evaluatorId: string; range: { startsOn: string; endsOn: string; reason: string }; now: Date },
): Promise<Outcome<UnavailabilityDto>> {
  const user = await authorizeEvaluator(db, input.actor, input.evaluatorId);
  assertEvaluator(user);
  const row = await db.transaction(async (tx) => {
    const [inserted] = await tx.insert(evaluatorUnavailability).values({ evaluatorId: user.id, ...input.range, createdAt: input.now }).returning();
    await recordAudit(tx, { actor: input.actor, action: 'evaluator_unavailability_added', subjectType: 'user', subjectId: user.id, details: { ...input.range } });
    return inserted;
  });
  return outcome(toUnavailabilityDto(row), [await boardRefresh(db, { evaluatorId: user.id, now: input.now })]);
}

export async function removeUnavailability(
  db: Database,
  input: { actor: Actor; evaluatorId: string; rangeId: string; now: Date; jobs: JobQueue; baseUrl: string | null },
): Promise<Outcome<null>> {
  await authorizeEvaluator(db, input.actor, input.evaluatorId);
  const removed = await db.transaction(async (tx) => {
    const [row] = await tx
      .delete(evaluatorUnavailability)
      .where(and(eq(evaluatorUnavailability.id, input.rangeId), eq(evaluatorUnavailability.evaluatorId, input.evaluatorId)))
      .returning();
    if (!row) throw new AppError('not_found', 'No such unavailability.');
    await recordAudit(tx, { actor: input.actor, action: 'evaluator_unavailability_removed', subjectType: 'user', subjectId: input.evaluatorId, details: { startsOn: row.startsOn, endsOn: row.endsOn } });
    await queueWaitlistOpening(tx, { jobs: input.jobs, courseIds: await coursesServedBy(tx, input.evaluatorId), reason: 'unavailability_removed', now: input.now, baseUrl: input.baseUrl });
    return row;
  });
  return outcome(null, [await boardRefresh(db, { evaluatorId: removed.evaluatorId, now: input.now })]);
}
