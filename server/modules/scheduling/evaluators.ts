import { and, eq, inArray, notInArray } from 'drizzle-orm';
import { actorLabel, actorUserId, authorize, type Actor } from '../../auth/permissions.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import type { DomainEvent } from '../../realtime/events.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { loadCourseAccess } from '../courses/access.ts';
import { recordAudit } from '../system/audit.ts';
import { updateUser } from '../users/directory.ts';
import { loadUsers } from '../users/queries.ts';
import { boardRefresh } from './board.ts';
import type { CourseEvaluatorsDto } from './dto.ts';
import { mappedEvaluatorIds } from './queries.ts';
import { courseEvaluators, evaluatorSettings } from './schema.ts';

async function loadCourseEvaluators(db: Executor, courseId: string): Promise<CourseEvaluatorsDto> {
  const ids = await mappedEvaluatorIds(db, courseId);
  const people = await loadUsers(db, ids);
  const settings = ids.length ? await db.select({ id: evaluatorSettings.evaluatorId, timezone: evaluatorSettings.timezone }).from(evaluatorSettings).where(inArray(evaluatorSettings.evaluatorId, ids)) : [];
  const zones = new Map(settings.map((s) => [s.id, s.timezone]));
  return {
    courseId,
    evaluators: people.map((p) => ({ id: p.id, name: p.name, email: p.email, timezone: zones.get(p.id) ?? p.timezone ?? 'UTC' })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** Who evaluates a course (the course mapping; cohorts may name their own): staff, its owner and instructors, its evaluators. */
export async function listCourseEvaluators(db: Executor, input: { actor: Actor; courseId: string }): Promise<CourseEvaluatorsDto> {
  const course = await loadCourseAccess(db, input.courseId);
  const evaluators = await loadCourseEvaluators(db, input.courseId);
  authorize(input.actor, 'evaluators.view', { ownerIds: [...course.runnerIds, ...evaluators.evaluators.map((e) => e.id)] });
  return evaluators;
}

/**
 * A moderator sets the evaluators of a course. Anyone mapped who is not yet a batch evaluator
 * becomes one first (through the users service, so their sessions and sockets learn the role);
 * evaluators left out are unmapped, and the requests they already hold stay theirs.
 */
export async function setCourseEvaluators(db: Database, input: { actor: Actor; courseId: string; userIds: string[]; now: Date }): Promise<Outcome<CourseEvaluatorsDto>> {
  authorize(input.actor, 'evaluators.assign');
  await loadCourseAccess(db, input.courseId);
  const wanted = [...new Set(input.userIds)].sort();
  const people = await loadUsers(db, wanted);
  const unknown = wanted.filter((id) => !people.some((p) => p.id === id && p.isActive));
  if (unknown.length) throw new AppError('not_found', `${unknown.length === 1 ? 'One person is' : `${unknown.length} people are`} unknown or deactivated.`, { userIds: unknown });

  const events: DomainEvent[] = [];
  const granter: Actor = { kind: 'system', reason: `evaluator mapping by ${actorLabel(input.actor)}` };
  for (const person of people.filter((p) => !p.roles.includes('batch_evaluator'))) {
    const granted = await updateUser(db, { actor: granter, userId: person.id, roles: [...person.roles, 'batch_evaluator'], now: input.now });
    events.push(...granted.events);
  }
  const evaluators = await db.transaction(async (tx) => {
    await tx.delete(courseEvaluators).where(and(eq(courseEvaluators.courseId, input.courseId), wanted.length ? notInArray(courseEvaluators.evaluatorId, wanted) : undefined));
    if (wanted.length) {
      await tx
        .insert(courseEvaluators)
        .values(wanted.map((evaluatorId) => ({ courseId: input.courseId, evaluatorId, addedBy: actorUserId(input.actor), addedAt: input.now })))
        .onConflictDoNothing();
    }
    await recordAudit(tx, { actor: input.actor, action: 'course_evaluators_set', subjectType: 'course', subjectId: input.courseId, details: { evaluatorIds: wanted } });
    return loadCourseEvaluators(tx, input.courseId);
  });
  events.push(await boardRefresh(db, { evaluatorId: null, courseIds: [input.courseId], now: input.now }));
  return outcome(evaluators, events);
}
