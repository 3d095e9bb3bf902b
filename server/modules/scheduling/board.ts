import { can } from '../../auth/permissions.ts';
import type { Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { iso } from '../../http.ts';
import { domainEvent, type DomainEvent } from '../../realtime/events.ts';
import { loadCourseAccess } from '../courses/access.ts';
import { requireActiveEnrollment } from '../enrollment/queries.ts';
import { loadUserActor } from '../users/queries.ts';
import { allEvaluatorIds, coursesServedBy } from './queries.ts';

/**
 * `board.changed` for a span of an evaluator's time that was booked or freed, addressed to the
 * slot board of every course the evaluator serves (the request's course first) and to their
 * own week board.
 * @example events.push(await boardChange(tx, { ...request, state: 'booked', requestId: request.id }));
 */
export async function boardChange(
  db: Executor,
  input: { courseId: string; evaluatorId: string; startsAt: Date | string; endsAt: Date | string; state: 'booked' | 'free'; requestId?: string },
): Promise<DomainEvent> {
  const served = await coursesServedBy(db, input.evaluatorId);
  const courseIds = [input.courseId, ...served.filter((id) => id !== input.courseId)];
  const instant = (value: Date | string) => (typeof value === 'string' ? value : iso(value));
  return domainEvent('board.changed', {
    courseId: input.courseId,
    courseIds,
    evaluatorId: input.evaluatorId,
    startsAt: instant(input.startsAt),
    endsAt: instant(input.endsAt),
    state: input.state,
    ...(input.requestId ? { requestId: input.requestId } : {}),
  });
}

/** `board.refresh` for the boards that show this evaluator's time (or these courses' boards). */
export async function boardRefresh(db: Executor, input: { evaluatorId: string | null; courseIds?: string[]; now: Date }): Promise<DomainEvent> {
  const courseIds = input.courseIds ?? (input.evaluatorId ? await coursesServedBy(db, input.evaluatorId) : []);
  return domainEvent('board.refresh', { courseIds, evaluatorId: input.evaluatorId, changedAt: iso(input.now) });
}

/**
 * May this user hear a course's slot board (`board:<courseId>`)? Its enrolled learners, its
 * evaluators, owner and instructors, and staff. Roles are read fresh; unknown courses get false.
 * Wired into socket.io's `canWatch` for `{ kind: 'board' }` targets.
 */
export async function canWatchBoard(db: Executor, userId: string, courseId: string): Promise<boolean> {
  const actor = await loadUserActor(db, userId);
  if (!actor) return false;
  try {
    const course = await loadCourseAccess(db, courseId);
    const ownerIds = [...course.runnerIds, ...(await allEvaluatorIds(db, courseId))];
    if (can(actor, 'slotBoard.watch', { ownerIds })) return true;
    await requireActiveEnrollment(db, { userId, courseId });
    return can(actor, 'slotBoard.watch', { ownerIds, userId });
  } catch (error) {
    if (error instanceof AppError && (error.code === 'not_found' || error.code === 'not_enrolled')) return false;
    throw error;
  }
}
