import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { authorize, type Actor } from '../../auth/permissions.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError, pgErrorCode, pgErrors } from '../../errors.ts';
import { domainEvent } from '../../realtime/events.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { loadCourses } from '../courses/queries.ts';
import { recordAudit } from '../system/audit.ts';
import { loadUsers } from '../users/queries.ts';
import type { CohortCoursesInput, CohortDto } from './dto.ts';
import { enrolInCohortCourses, lockCohort } from './membership.ts';
import { cohortMemberIds, loadCohort } from './queries.ts';
import { cohortCourses, cohorts } from './schema.ts';

/**
 * Sets a cohort's courses, in order, each with its evaluator (who must hold the batch evaluator
 * role; scheduling books evaluations with them). Courses new to the cohort enrol every current
 * member; courses left out are only unlinked, and their enrollments stay.
 */
export async function setCohortCourses(
  db: Database,
  input: { actor: Actor; cohortId: string; courses: CohortCoursesInput['courses']; now: Date },
): Promise<Outcome<CohortDto>> {
  authorize(input.actor, 'cohorts.manage');
  await assertCoursesExist(db, input.courses.map((c) => c.courseId));
  await assertEvaluators(db, input.courses.flatMap((c) => (c.evaluatorId ? [c.evaluatorId] : [])));
  try {
    return await db.transaction(async (tx) => {
      await lockCohort(tx, input.cohortId);
      const before = await tx.select().from(cohortCourses).where(eq(cohortCourses.cohortId, input.cohortId)).orderBy(asc(cohortCourses.position));
      const wanted = input.courses.map((c, position) => ({ cohortId: input.cohortId, courseId: c.courseId, evaluatorId: c.evaluatorId, position }));
      const same = before.length === wanted.length && before.every((b, i) => b.courseId === wanted[i].courseId && b.evaluatorId === wanted[i].evaluatorId);
      if (same) return outcome(await loadCohort(tx, input.cohortId));

      const beforeIds = new Set(before.map((b) => b.courseId));
      const wantedIds = new Set(wanted.map((w) => w.courseId));
      const added = wanted.filter((w) => !beforeIds.has(w.courseId)).map((w) => w.courseId);
      const removed = before.filter((b) => !wantedIds.has(b.courseId)).map((b) => b.courseId);
      // Kept links are updated in place, not re-created: scheduling refers to them.
      if (removed.length) await tx.delete(cohortCourses).where(and(eq(cohortCourses.cohortId, input.cohortId), inArray(cohortCourses.courseId, removed)));
      if (wanted.length) {
        await tx
          .insert(cohortCourses)
          .values(wanted)
          .onConflictDoUpdate({ target: [cohortCourses.cohortId, cohortCourses.courseId], set: { evaluatorId: sql`excluded.evaluator_id`, position: sql`excluded.position` } });
      }
      const members = added.length ? await cohortMemberIds(tx, input.cohortId) : [];
      const { enrolled, events } = await enrolInCohortCourses(tx, { actor: input.actor, cohortId: input.cohortId, userIds: members, courseIds: added, now: input.now });
      await tx.update(cohorts).set({ updatedAt: input.now }).where(eq(cohorts.id, input.cohortId));
      await recordAudit(tx, {
        actor: input.actor,
        action: 'cohort_courses_changed',
        subjectType: 'cohort',
        subjectId: input.cohortId,
        details: { added, removed, courses: wanted.map(({ courseId, evaluatorId }) => ({ courseId, evaluatorId })), enrolled },
      });
      const cohort = await loadCohort(tx, input.cohortId);
      return outcome(cohort, [domainEvent('cohort.updated', cohort), ...events]);
    });
  } catch (error) {
    // A course or evaluator deleted between the checks above and the insert.
    if (pgErrorCode(error) === pgErrors.foreignKeyViolation) throw new AppError('not_found', 'A course or evaluator no longer exists. Reload and try again.');
    throw error;
  }
}

async function assertCoursesExist(db: Executor, courseIds: string[]): Promise<void> {
  const found = new Set((await loadCourses(db, courseIds)).map((c) => c.id));
  const missing = courseIds.filter((id) => !found.has(id));
  if (missing.length) throw new AppError('not_found', `${missing.length === 1 ? 'One course does' : `${missing.length} courses do`} not exist.`, { courseIds: missing });
}

async function assertEvaluators(db: Executor, evaluatorIds: string[]): Promise<void> {
  const ids = [...new Set(evaluatorIds)];
  const people = new Map((await loadUsers(db, ids)).map((u) => [u.id, u]));
  const refused = ids.filter((id) => {
    const person = people.get(id);
    return !person?.isActive || !person.roles.includes('batch_evaluator');
  });
  if (refused.length) {
    const names = refused.map((id) => people.get(id)?.name ?? id).join(', ');
    throw new AppError('not_an_evaluator', `Only active batch evaluators can evaluate a cohort's course: ${names} ${refused.length === 1 ? 'is' : 'are'} not. Give them the Batch Evaluator role first.`, { userIds: refused });
  }
}
