import { and, eq, gt, lt, ne } from 'drizzle-orm';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Executor } from '../db/client.ts';
import { sessions, userRoles, users } from '../modules/users/schema.ts';
import { roles as roleOrder, type Role } from './roles.ts';
import { generateToken, hashToken } from './tokens.ts';

export const SESSION_COOKIE = 'session';
const DAY_MS = 24 * 60 * 60 * 1000;

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  timezone: string | null;
  roles: Role[];
}

export interface ValidSession {
  sessionId: string;
  expiresAt: Date;
  /** True when this lookup slid the expiry forward, so the cookie should be sent again. */
  extended: boolean;
  user: SessionUser;
}

/**
 * Creates a session and returns its token; only the token's SHA-256 is stored.
 * @example const { token, expiresAt } = await createSession(db, { userId, lifetimeDays: 30 });
 */
export async function createSession(
  db: Executor,
  input: { userId: string; lifetimeDays: number; userAgent?: string | null; now?: Date },
): Promise<{ token: string; sessionId: string; expiresAt: Date }> {
  const token = generateToken();
  const sessionId = hashToken(token);
  const expiresAt = new Date((input.now ?? new Date()).getTime() + input.lifetimeDays * DAY_MS);
  await db.insert(sessions).values({ id: sessionId, userId: input.userId, expiresAt, userAgent: input.userAgent ?? null });
  return { token, sessionId, expiresAt };
}

/**
 * Looks a token up. Expired sessions are deleted; sessions in the second half of their life are
 * extended to a full lifetime again (sliding expiry), so active people stay signed in.
 */
export async function validateSessionToken(
  db: Executor,
  token: string,
  options: { lifetimeDays: number; now?: Date },
): Promise<ValidSession | null> {
  const now = options.now ?? new Date();
  const sessionId = hashToken(token);
  const rows = await db
    .select({
      expiresAt: sessions.expiresAt,
      id: users.id,
      email: users.email,
      name: users.name,
      timezone: users.timezone,
      isActive: users.isActive,
      role: userRoles.role,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(userRoles, eq(userRoles.userId, users.id))
    .where(eq(sessions.id, sessionId));
  if (rows.length === 0) return null;
  const first = rows[0];
  if (first.expiresAt.getTime() <= now.getTime() || !first.isActive) {
    await db.delete(sessions).where(eq(sessions.id, sessionId));
    return null;
  }
  let expiresAt = first.expiresAt;
  let extended = false;
  const lifetimeMs = options.lifetimeDays * DAY_MS;
  if (expiresAt.getTime() - now.getTime() < lifetimeMs / 2) {
    expiresAt = new Date(now.getTime() + lifetimeMs);
    extended = true;
    await db.update(sessions).set({ expiresAt }).where(eq(sessions.id, sessionId));
  }
  const roles = rows
    .map((r) => r.role)
    .filter((r): r is Role => r !== null)
    .sort((a, b) => roleOrder.indexOf(a) - roleOrder.indexOf(b));
  return {
    sessionId,
    expiresAt,
    extended,
    user: { id: first.id, email: first.email, name: first.name, timezone: first.timezone, roles },
  };
}

export async function invalidateSession(db: Executor, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Signs a user out everywhere, optionally keeping the session they are using now. */
export async function invalidateUserSessions(db: Executor, userId: string, keepSessionId?: string): Promise<string[]> {
  const removed = await db
    .delete(sessions)
    .where(keepSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)) : eq(sessions.userId, userId))
    .returning({ id: sessions.id });
  return removed.map((r) => r.id);
}

export async function deleteExpiredSessions(db: Executor, now = new Date()): Promise<number> {
  const removed = await db.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ id: sessions.id });
  return removed.length;
}

export async function countActiveSessions(db: Executor, userId: string, now = new Date()): Promise<number> {
  const rows = await db.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now)));
  return rows.length;
}

export function setSessionCookie(c: Context, token: string, expiresAt: Date, secure: boolean): void {
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure, path: '/', expires: expiresAt });
}

export function clearSessionCookie(c: Context, secure: boolean): void {
  deleteCookie(c, SESSION_COOKIE, { httpOnly: true, sameSite: 'Lax', secure, path: '/' });
}

export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

/** Parses the session token out of a raw Cookie header (the socket.io handshake has no Hono context). */
export function sessionTokenFromCookieHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}
