import { authorize, can, type Actor, type PermissionSubject } from '../../auth/permissions.ts';
import type { Executor } from '../../db/client.ts';
import { loadUserActor } from '../users/queries.ts';
import { isCohortMember, loadCohortRecord, loadCohortRecords, type CohortRecord } from './queries.ts';

/**
 * The permission subject of a cohort for `actor`: its runners as `ownerIds` (evaluators, course
 * owners and instructors) and, when `actor` is a member, `userId` = the actor (their membership
 * is about them), which is what lets members see their cohort under `cohorts.view`.
 */
export async function cohortSubject(db: Executor, record: CohortRecord, actor: Actor | null | undefined): Promise<PermissionSubject> {
  const subject: PermissionSubject = { ownerIds: record.runnerIds };
  if (actor?.kind === 'user' && !record.runnerIds.includes(actor.userId) && (await isCohortMember(db, record.cohort.id, actor.userId))) {
    return { ...subject, userId: actor.userId };
  }
  return subject;
}

/**
 * Loads a cohort (404 when missing) and checks `action` on it (401/403).
 * @example const { cohort } = await authorizeCohort(db, { actor, cohortId, action: 'cohorts.viewDashboard' });
 */
export async function authorizeCohort(
  db: Executor,
  input: { actor: Actor | null | undefined; cohortId: string; action: 'cohorts.view' | 'cohorts.viewDashboard' | 'cohorts.manage' },
): Promise<CohortRecord & { subject: PermissionSubject }> {
  // Managing is by role alone: refuse before revealing whether the cohort exists.
  authorize(input.actor, input.action === 'cohorts.manage' ? 'cohorts.manage' : 'learning.participate');
  const record = await loadCohortRecord(db, input.cohortId);
  const subject = input.action === 'cohorts.view' ? await cohortSubject(db, record, input.actor) : { ownerIds: record.runnerIds };
  authorize(input.actor, input.action, subject);
  return { ...record, subject };
}

/**
 * May this user hear the `cohort:<id>` room, that is see the cohort's dashboard? Roles are read
 * fresh (a socket may outlive a role change); deactivated users and unknown cohorts get false.
 * Wired into socket.io's `canWatch` for `{ kind: 'cohort' }` targets.
 * @example canWatch: (userId, t) => t.kind === 'cohort' ? canCohortWatch(db, userId, t.id) : …
 */
export async function canCohortWatch(db: Executor, userId: string, cohortId: string): Promise<boolean> {
  const actor = await loadUserActor(db, userId);
  if (!actor) return false;
  const [record] = await loadCohortRecords(db, [cohortId]);
  if (!record) return false;
  return can(actor, 'cohorts.viewDashboard', { ownerIds: record.runnerIds });
}
