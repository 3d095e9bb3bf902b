import { and, asc, count, desc, eq, exists, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { authorize, can, requireUser, type Actor } from '../../auth/permissions.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError, pgConstraint, pgErrorCode } from '../../errors.ts';
import { domainEvent } from '../../realtime/events.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { coursesRunBy } from '../courses/access.ts';
import { recordAudit } from '../system/audit.ts';
import { authorizeCohort } from './access.ts';
import { cohortDateIssues, type CohortDetailDto, type CohortDto, type CohortInput, type CohortListDto, type CohortUpdateInput } from './dto.ts';
import { likePattern, loadCohort, loadCohortRecords, loadMemberPage } from './queries.ts';
import { cohortCourses, cohortMembers, cohorts } from './schema.ts';

/** How many members a cohort page shows inline; the members endpoint pages through the rest. */
const INLINE_MEMBERS = 100;

/**
 * Cohorts the actor may see, newest start first: all of them for staff; otherwise those the
 * actor is a member of, evaluates a course in, or owns or teaches a course of.
 */
export async function listCohorts(db: Executor, input: { actor: Actor; search?: string; limit: number; offset: number }): Promise<CohortListDto> {
  const filters: SQL[] = [];
  if (!can(input.actor, 'cohorts.view')) {
    const { userId } = requireUser(input.actor);
    const taught = await coursesRunBy(db, userId);
    const served = or(eq(cohortCourses.evaluatorId, userId), taught.length ? inArray(cohortCourses.courseId, taught) : undefined);
    filters.push(
      or(
        exists(db.select({ one: sql`1` }).from(cohortMembers).where(and(eq(cohortMembers.cohortId, cohorts.id), eq(cohortMembers.userId, userId)))),
        exists(db.select({ one: sql`1` }).from(cohortCourses).where(and(eq(cohortCourses.cohortId, cohorts.id), served))),
      )!,
    );
  }
  if (input.search) filters.push(or(ilike(cohorts.title, likePattern(input.search)), ilike(cohorts.description, likePattern(input.search)))!);
  const where = filters.length ? and(...filters) : undefined;
  const [{ total }] = await db.select({ total: count() }).from(cohorts).where(where);
  const page = await db
    .select({ id: cohorts.id })
    .from(cohorts)
    .where(where)
    .orderBy(desc(cohorts.startsOn), asc(cohorts.title), asc(cohorts.id))
    .limit(input.limit)
    .offset(input.offset);
  return { cohorts: (await loadCohortRecords(db, page.map((r) => r.id))).map((r) => r.cohort), total };
}

/** One cohort for its members, runners and staff; the first members inline for those who may see the dashboard. */
export async function getCohort(db: Executor, input: { actor: Actor; cohortId: string }): Promise<CohortDetailDto> {
  const { cohort, runnerIds } = await authorizeCohort(db, { ...input, action: 'cohorts.view' });
  const members = can(input.actor, 'cohorts.viewDashboard', { ownerIds: runnerIds })
    ? (await loadMemberPage(db, { cohortId: cohort.id, limit: INLINE_MEMBERS, offset: 0 })).members
    : null;
  return { ...cohort, members };
}

export async function createCohort(db: Database, input: { actor: Actor; cohort: CohortInput; now: Date }): Promise<Outcome<CohortDto>> {
  authorize(input.actor, 'cohorts.manage');
  const { userId } = requireUser(input.actor);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(cohorts)
      .values({ ...input.cohort, createdBy: userId, createdAt: input.now, updatedAt: input.now })
      .returning({ id: cohorts.id });
    await recordAudit(tx, { actor: input.actor, action: 'cohort_created', subjectType: 'cohort', subjectId: row.id, details: { ...input.cohort, description: undefined } });
    const cohort = await loadCohort(tx, row.id);
    return outcome(cohort, [domainEvent('cohort.updated', cohort)]);
  });
}

/**
 * Edits a cohort's details. Dates are checked against the stored ones (an edit of the end date
 * alone may not put it before the start); seats may not drop below the members already in, which
 * the seats trigger guarantees even against a concurrent addition.
 */
export async function updateCohort(
  db: Database,
  input: { actor: Actor; cohortId: string; changes: CohortUpdateInput; now: Date },
): Promise<Outcome<CohortDto>> {
  authorize(input.actor, 'cohorts.manage');
  try {
    return await db.transaction(async (tx) => {
      const [before] = await tx.select().from(cohorts).where(eq(cohorts.id, input.cohortId)).for('update');
      if (!before) throw new AppError('not_found', 'No such cohort.');
      const changed = Object.fromEntries(
        Object.entries(input.changes).filter(([key, value]) => value !== undefined && value !== before[key as keyof typeof before]),
      ) as CohortUpdateInput;
      if (!Object.keys(changed).length) return outcome(await loadCohort(tx, input.cohortId));
      const issues = cohortDateIssues({ ...before, ...changed });
      if (issues.length) {
        throw new AppError('validation_failed', `Invalid input: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
      }
      await tx.update(cohorts).set({ ...changed, updatedAt: input.now }).where(eq(cohorts.id, input.cohortId));
      const details = Object.fromEntries(Object.keys(changed).map((key) => [key, { before: before[key as keyof typeof before], after: changed[key as keyof CohortUpdateInput] }]));
      await recordAudit(tx, { actor: input.actor, action: 'cohort_updated', subjectType: 'cohort', subjectId: input.cohortId, details });
      const cohort = await loadCohort(tx, input.cohortId);
      return outcome(cohort, [domainEvent('cohort.updated', cohort)]);
    });
  } catch (error) {
    if (!isSeatsViolation(error)) throw error;
    const { memberCount } = await loadCohort(db, input.cohortId);
    throw new AppError('conflict', `This cohort has ${memberCount} members, so it needs at least ${memberCount} seats.`, { memberCount });
  }
}

/** The seats trigger of migration 0003 refused a member (or a seat reduction). */
export function isSeatsViolation(error: unknown): boolean {
  return pgErrorCode(error) === '23514' && pgConstraint(error) === 'cohort_members_seats';
}
