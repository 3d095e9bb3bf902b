import { and, asc, count, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { iso } from '../../http.ts';
import { loadCourses } from '../courses/queries.ts';
import { loadUsers } from '../users/queries.ts';
import { users } from '../users/schema.ts';
import type { CohortDto, CohortMemberDto } from './dto.ts';
import { cohortCourses, cohortMembers, cohorts } from './schema.ts';

/** A cohort with the people who run it: its evaluators and its courses' owners and instructors (the `ownerIds` of permission checks). */
export interface CohortRecord {
  cohort: CohortDto;
  runnerIds: string[];
}

/**
 * Cohorts as DTOs with their runners, in the order of `ids`. Four queries whatever the number of
 * cohorts: the rows, their course links, the courses, the evaluators.
 */
export async function loadCohortRecords(db: Executor, ids: readonly string[]): Promise<CohortRecord[]> {
  if (!ids.length) return [];
  const rows = await db
    .select({
      cohort: cohorts,
      memberCount: sql<number>`(select count(*)::int from ${cohortMembers} m where m.cohort_id = ${cohorts.id})`,
    })
    .from(cohorts)
    .where(inArray(cohorts.id, [...ids]));
  const links = await db
    .select()
    .from(cohortCourses)
    .where(inArray(cohortCourses.cohortId, [...ids]))
    .orderBy(asc(cohortCourses.position), asc(cohortCourses.courseId));
  const courseById = new Map((await loadCourses(db, [...new Set(links.map((l) => l.courseId))])).map((c) => [c.id, c]));
  const evaluatorIds = [...new Set(links.flatMap((l) => (l.evaluatorId ? [l.evaluatorId] : [])))];
  const evaluatorById = new Map((await loadUsers(db, evaluatorIds)).map((u) => [u.id, u]));

  const byId = new Map(
    rows.map(({ cohort, memberCount }) => {
      const own = links.filter((l) => l.cohortId === cohort.id && courseById.has(l.courseId));
      const runnerIds = new Set<string>();
      for (const link of own) {
        const course = courseById.get(link.courseId)!;
        if (link.evaluatorId) runnerIds.add(link.evaluatorId);
        runnerIds.add(course.ownerId);
        for (const id of course.instructorIds) runnerIds.add(id);
      }
      const dto: CohortDto = {
        id: cohort.id,
        title: cohort.title,
        description: cohort.description,
        startsOn: cohort.startsOn,
        endsOn: cohort.endsOn,
        timezone: cohort.timezone,
        seats: cohort.seats,
        seatsLeft: cohort.seats === null ? null : Math.max(0, cohort.seats - memberCount),
        evaluationEndsOn: cohort.evaluationEndsOn,
        memberCount,
        courses: own.map((link) => ({
          courseId: link.courseId,
          title: courseById.get(link.courseId)!.title,
          evaluatorId: link.evaluatorId,
          evaluatorName: link.evaluatorId ? (evaluatorById.get(link.evaluatorId)?.name ?? null) : null,
        })),
        createdAt: iso(cohort.createdAt),
        updatedAt: iso(cohort.updatedAt),
      };
      return [cohort.id, { cohort: dto, runnerIds: [...runnerIds] }];
    }),
  );
  return ids.map((id) => byId.get(id)).filter((r): r is CohortRecord => r !== undefined);
}

export async function loadCohortRecord(db: Executor, id: string): Promise<CohortRecord> {
  const [record] = await loadCohortRecords(db, [id]);
  if (!record) throw new AppError('not_found', 'No such cohort.');
  return record;
}

export async function loadCohort(db: Executor, id: string): Promise<CohortDto> {
  return (await loadCohortRecord(db, id)).cohort;
}

export async function isCohortMember(db: Executor, cohortId: string, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ userId: cohortMembers.userId })
    .from(cohortMembers)
    .where(and(eq(cohortMembers.cohortId, cohortId), eq(cohortMembers.userId, userId)));
  return Boolean(row);
}

/** Member user ids of a cohort, in a stable order (the order rows are locked and inserted in). */
export async function cohortMemberIds(db: Executor, cohortId: string): Promise<string[]> {
  const rows = await db.select({ userId: cohortMembers.userId }).from(cohortMembers).where(eq(cohortMembers.cohortId, cohortId)).orderBy(asc(cohortMembers.userId));
  return rows.map((r) => r.userId);
}

export function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** A page of a cohort's members by name, searchable by name or email. */
export async function loadMemberPage(
  db: Executor,
  input: { cohortId: string; search?: string; limit: number; offset: number },
): Promise<{ members: CohortMemberDto[]; total: number }> {
  const filters: SQL[] = [eq(cohortMembers.cohortId, input.cohortId)];
  if (input.search) filters.push(or(ilike(users.name, likePattern(input.search)), ilike(users.email, likePattern(input.search)))!);
  const where = and(...filters);
  const [{ total }] = await db.select({ total: count() }).from(cohortMembers).innerJoin(users, eq(users.id, cohortMembers.userId)).where(where);
  const rows = await db
    .select({ userId: cohortMembers.userId, name: users.name, email: users.email, joinedAt: cohortMembers.joinedAt })
    .from(cohortMembers)
    .innerJoin(users, eq(users.id, cohortMembers.userId))
    .where(where)
    .orderBy(asc(users.name), asc(users.id))
    .limit(input.limit)
    .offset(input.offset);
  return { members: rows.map((r) => ({ ...r, joinedAt: iso(r.joinedAt) })), total };
}
