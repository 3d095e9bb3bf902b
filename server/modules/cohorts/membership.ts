import { and, asc, eq, inArray } from 'drizzle-orm';
import { actorUserId, authorize, type Actor } from '../../auth/permissions.ts';
import type { Database, Executor, Transaction } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { domainEvent, type DomainEvent } from '../../realtime/events.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { enrolMany } from '../enrollment/enrol.ts';
import { recordAudit } from '../system/audit.ts';
import { loadUsers } from '../users/queries.ts';
import { authorizeCohort } from './access.ts';
import type { MemberListDto, MembersAddedDto, MembersRemovedDto } from './dto.ts';
import { loadCohort, loadMemberPage } from './queries.ts';
import { cohortCourses, cohortMembers, cohorts } from './schema.ts';
import { isSeatsViolation } from './service.ts';

/**
 * Locks the cohort row for the rest of the transaction, or 404. Every change to a cohort's
 * members or courses takes this lock first (the seats trigger takes the same one), so they
 * queue up per cohort: a member added while a course is added is enrolled in it either way.
 */
export async function lockCohort(tx: Transaction, cohortId: string): Promise<{ id: string; seats: number | null }> {
  const [row] = await tx.select({ id: cohorts.id, seats: cohorts.seats }).from(cohorts).where(eq(cohorts.id, cohortId)).for('update');
  if (!row) throw new AppError('not_found', 'No such cohort.');
  return row;
}

/**
 * Enrols `userIds` in every course of the cohort, or in `courseIds` (source 'cohort'), through
 * the enrollment service. Returns how many enrollments were created or reactivated and their
 * `enrollment.updated` events.
 */
export async function enrolInCohortCourses(
  tx: Executor,
  input: { actor: Actor; cohortId: string; userIds: readonly string[]; courseIds?: readonly string[]; now: Date },
): Promise<{ enrolled: number; events: DomainEvent[] }> {
  const result = { enrolled: 0, events: [] as DomainEvent[] };
  if (!input.userIds.length) return result;
  const courseIds =
    input.courseIds ??
    (await tx.select({ courseId: cohortCourses.courseId }).from(cohortCourses).where(eq(cohortCourses.cohortId, input.cohortId)).orderBy(asc(cohortCourses.position))).map((r) => r.courseId);
  for (const courseId of courseIds) {
    const { counts, events } = await enrolMany(tx, { actor: input.actor, userIds: input.userIds, courseId, source: 'cohort', now: input.now });
    result.enrolled += counts.enrolled + counts.reactivated;
    result.events.push(...events);
  }
  return result;
}

/**
 * Adds people to a cohort and enrols them in all its courses, in one transaction. The seats
 * trigger refuses a member beyond `seats`, so concurrent additions never overfill a cohort; the
 * refused request answers 409 `cohort_full` with the seats left.
 */
export async function addMembers(db: Database, input: { actor: Actor; cohortId: string; userIds: string[]; now: Date }): Promise<Outcome<MembersAddedDto>> {
  authorize(input.actor, 'cohorts.manage');
  await assertActiveUsers(db, input.userIds);
  let requested = 0;
  try {
    return await db.transaction(async (tx) => {
      await lockCohort(tx, input.cohortId);
      const existing = await tx
        .select({ userId: cohortMembers.userId })
        .from(cohortMembers)
        .where(and(eq(cohortMembers.cohortId, input.cohortId), inArray(cohortMembers.userId, input.userIds)));
      const already = new Set(existing.map((r) => r.userId));
      const added = input.userIds.filter((id) => !already.has(id)).sort();
      requested = added.length;
      if (!added.length) return outcome({ added, alreadyMembers: [...already], enrolled: 0, cohort: await loadCohort(tx, input.cohortId) });

      await tx.insert(cohortMembers).values(added.map((userId) => ({ cohortId: input.cohortId, userId, joinedAt: input.now, addedBy: actorUserId(input.actor) })));
      const { enrolled, events } = await enrolInCohortCourses(tx, { actor: input.actor, cohortId: input.cohortId, userIds: added, now: input.now });
      await tx.update(cohorts).set({ updatedAt: input.now }).where(eq(cohorts.id, input.cohortId));
      await recordAudit(tx, { actor: input.actor, action: 'cohort_members_added', subjectType: 'cohort', subjectId: input.cohortId, details: { userIds: added, enrolled } });
      const cohort = await loadCohort(tx, input.cohortId);
      return outcome(
        { added, alreadyMembers: [...already], enrolled, cohort },
        [domainEvent('cohort.updated', cohort), ...events],
      );
    });
  } catch (error) {
    if (!isSeatsViolation(error)) throw error;
    const { seats, seatsLeft } = await loadCohort(db, input.cohortId);
    const message = seatsLeft
      ? `Only ${seatsLeft} of ${seats} seats are left in this cohort, and ${requested} new members were asked for.`
      : `This cohort is full: all ${seats} seats are taken.`;
    throw new AppError('cohort_full', message, { seats, seatsLeft, requested });
  }
}

/** Takes people out of a cohort. Their enrollments stay, with their progress: the history is theirs. */
export async function removeMembers(db: Database, input: { actor: Actor; cohortId: string; userIds: string[]; now: Date }): Promise<Outcome<MembersRemovedDto>> {
  authorize(input.actor, 'cohorts.manage');
  return db.transaction(async (tx) => {
    await lockCohort(tx, input.cohortId);
    const rows = await tx
      .delete(cohortMembers)
      .where(and(eq(cohortMembers.cohortId, input.cohortId), inArray(cohortMembers.userId, input.userIds)))
      .returning({ userId: cohortMembers.userId });
    const removed = rows.map((r) => r.userId).sort();
    if (!removed.length) return outcome({ removed, cohort: await loadCohort(tx, input.cohortId) });
    await tx.update(cohorts).set({ updatedAt: input.now }).where(eq(cohorts.id, input.cohortId));
    await recordAudit(tx, { actor: input.actor, action: 'cohort_members_removed', subjectType: 'cohort', subjectId: input.cohortId, details: { userIds: removed } });
    const cohort = await loadCohort(tx, input.cohortId);
    return outcome({ removed, cohort }, [domainEvent('cohort.updated', cohort)]);
  });
}

/** A page of members, for those who may see the cohort's dashboard. */
export async function listMembers(db: Executor, input: { actor: Actor; cohortId: string; search?: string; limit: number; offset: number }): Promise<MemberListDto> {
  await authorizeCohort(db, { actor: input.actor, cohortId: input.cohortId, action: 'cohorts.viewDashboard' });
  return loadMemberPage(db, input);
}

async function assertActiveUsers(db: Executor, userIds: readonly string[]): Promise<void> {
  const found = new Set((await loadUsers(db, userIds)).filter((u) => u.isActive).map((u) => u.id));
  const missing = userIds.filter((id) => !found.has(id));
  if (missing.length) {
    throw new AppError('not_found', `${missing.length === 1 ? 'One person is' : `${missing.length} people are`} unknown or deactivated.`, { userIds: missing });
  }
}
