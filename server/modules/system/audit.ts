import type { Executor } from '../../db/client.ts';
import { actorLabel, actorUserId, type Actor } from '../../auth/permissions.ts';
import { auditEvents } from './schema.ts';

/**
 * Records who did what to which record. Call it inside the transaction that makes the change,
 * so the record exists exactly when the change does.
 * @example await recordAudit(tx, { actor, action: 'user_roles_changed', subjectType: 'user', subjectId: id, details: { roles } });
 */
export async function recordAudit(
  db: Executor,
  entry: { actor: Actor; action: string; subjectType: string; subjectId: string; details?: Record<string, unknown> },
): Promise<void> {
  await db.insert(auditEvents).values({
    actorId: actorUserId(entry.actor),
    actorLabel: actorLabel(entry.actor),
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    details: entry.details ?? {},
  });
}
