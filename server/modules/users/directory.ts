import { and, count, eq, ilike, inArray, ne, or, sql, type SQL } from 'drizzle-orm';
import { authorize, type Actor } from '../../auth/permissions.ts';
import type { Role } from '../../auth/roles.ts';
import { invalidateUserSessions } from '../../auth/session.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { domainEvent, type DomainEvent } from '../../realtime/events.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { recordAudit } from '../system/audit.ts';
import type { UserDto, UserListDto } from './dto.ts';
import { loadUser, loadUsers } from './queries.ts';
import { userRoles, users } from './schema.ts';

/** Arbitrary constant: serialises changes that could remove the last system manager. */
const LAST_MANAGER_LOCK = 727_002;

export async function listUsers(
  db: Executor,
  input: { actor: Actor; search?: string; role?: Role; limit: number; offset: number },
): Promise<UserListDto> {
  authorize(input.actor, 'users.list');
  const filters: SQL[] = [];
  if (input.search) {
    const pattern = `%${input.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    filters.push(or(ilike(users.name, pattern), ilike(users.email, pattern))!);
  }
  if (input.role) {
    filters.push(inArray(users.id, db.select({ id: userRoles.userId }).from(userRoles).where(eq(userRoles.role, input.role))));
  }
  const where = filters.length ? and(...filters) : undefined;
  const [{ total }] = await db.select({ total: count() }).from(users).where(where);
  const page = await db.select({ id: users.id }).from(users).where(where).orderBy(users.name, users.id).limit(input.limit).offset(input.offset);
  return { users: await loadUsers(db, page.map((row) => row.id)), total };
}

export async function getUser(db: Executor, input: { actor: Actor; userId: string }): Promise<UserDto> {
  authorize(input.actor, 'users.view', { userId: input.userId });
  const user = await loadUser(db, input.userId);
  if (!user) throw new AppError('not_found', 'No such user.');
  return user;
}

/**
 * A system manager renames a user, sets their roles, or (de)activates them. Deactivating ends
 * their sessions. The organisation always keeps at least one active system manager.
 */
export async function updateUser(
  db: Database,
  input: { actor: Actor; userId: string; name?: string; roles?: Role[]; isActive?: boolean; now: Date },
): Promise<Outcome<UserDto>> {
  authorize(input.actor, 'users.manage');
  return db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.id, input.userId)).for('update');
    if (!existing) throw new AppError('not_found', 'No such user.');
    const before = (await loadUser(tx, input.userId))!;
    const events: DomainEvent[] = [];

    const losesManager =
      before.roles.includes('system_manager') && before.isActive &&
      ((input.roles && !input.roles.includes('system_manager')) || input.isActive === false);
    if (losesManager) {
      await tx.execute(sql`select pg_advisory_xact_lock(${LAST_MANAGER_LOCK})`);
      const [{ others }] = await tx
        .select({ others: count() })
        .from(userRoles)
        .innerJoin(users, eq(users.id, userRoles.userId))
        .where(and(eq(userRoles.role, 'system_manager'), eq(users.isActive, true), ne(users.id, input.userId)));
      if (others === 0) throw new AppError('conflict', 'This is the last active system manager. Give the role to someone else first.');
    }

    const changes: Partial<typeof users.$inferInsert> = {};
    if (input.name !== undefined) changes.name = input.name;
    if (input.isActive !== undefined) changes.isActive = input.isActive;
    await tx.update(users).set({ ...changes, updatedAt: input.now }).where(eq(users.id, input.userId));
    if (input.roles) {
      const wanted = [...new Set(input.roles)];
      await tx.delete(userRoles).where(eq(userRoles.userId, input.userId));
      if (wanted.length) await tx.insert(userRoles).values(wanted.map((role) => ({ userId: input.userId, role })));
    }
    if (input.isActive === false) {
      const sessionIds = await invalidateUserSessions(tx, input.userId);
      if (sessionIds.length) events.push(domainEvent('session.revoked', { userId: input.userId, sessionIds }));
    }
    const after = (await loadUser(tx, input.userId))!;
    await recordAudit(tx, {
      actor: input.actor,
      action: 'user_updated',
      subjectType: 'user',
      subjectId: input.userId,
      details: { before: { name: before.name, roles: before.roles, isActive: before.isActive }, after: { name: after.name, roles: after.roles, isActive: after.isActive } },
    });
    events.unshift(domainEvent('user.updated', after));
    return outcome(after, events);
  });
}
