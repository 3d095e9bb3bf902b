import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import type { Actor } from '../../auth/permissions.ts';
import type { Role } from '../../auth/roles.ts';
import { iso } from '../../http.ts';
import type { UserDto } from './dto.ts';
import { userRoles, users } from './schema.ts';

/** Users with their roles, as DTOs, in the order of `ids`. */
export async function loadUsers(db: Executor, ids: readonly string[]): Promise<UserDto[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      timezone: users.timezone,
      isActive: users.isActive,
      department: users.department,
      designation: users.designation,
      employeeCode: users.employeeCode,
      createdAt: users.createdAt,
      updatedAt: users.updatedAt,
      roles: sql<Role[]>`coalesce(array_agg(${userRoles.role} order by ${userRoles.role}) filter (where ${userRoles.role} is not null), '{}')`,
    })
    .from(users)
    .leftJoin(userRoles, eq(userRoles.userId, users.id))
    .where(inArray(users.id, [...ids]))
    .groupBy(users.id)
    .orderBy(asc(users.name));
  const byId = new Map(rows.map((row) => [row.id, { ...row, createdAt: iso(row.createdAt), updatedAt: iso(row.updatedAt) }]));
  return ids.map((id) => byId.get(id)).filter((user): user is UserDto => user !== undefined);
}

export async function loadUser(db: Executor, id: string): Promise<UserDto | undefined> {
  const [user] = await loadUsers(db, [id]);
  return user;
}

/** The actor for a signed-in user with their current roles, e.g. for a socket whose roles may have changed since it connected. */
export async function loadUserActor(db: Executor, userId: string): Promise<Actor | null> {
  const [user] = await db.select({ isActive: users.isActive }).from(users).where(eq(users.id, userId));
  if (!user?.isActive) return null;
  const rows = await db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId));
  return { kind: 'user', userId, roles: rows.map((r) => r.role) };
}
