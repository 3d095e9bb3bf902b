import { and, eq, gt, isNull } from 'drizzle-orm';
import { requireUser, type Actor } from '../../auth/permissions.ts';
import { decoyPasswordHash, hashPassword, verifyPassword } from '../../auth/password.ts';
import { createSession, invalidateUserSessions, type ValidSession } from '../../auth/session.ts';
import { hashToken } from '../../auth/tokens.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError, pgErrorCode, pgErrors } from '../../errors.ts';
import { domainEvent } from '../../realtime/events.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { recordAudit } from '../system/audit.ts';
import { readSetting } from '../system/settings.ts';
import type { SessionDto, SignupInput, UserDto } from './dto.ts';
import { loadUser } from './queries.ts';
import { assertLoginAllowed, clearLoginFailures, recordLoginFailure } from './rate-limit.ts';
import { invites, userRoles, users } from './schema.ts';

export interface NewSession {
  session: SessionDto;
  token: string;
  expiresAt: Date;
}

interface SessionOptions {
  sessionDays: number;
  userAgent?: string | null;
  now: Date;
}

async function startSession(db: Executor, userId: string, options: SessionOptions): Promise<NewSession> {
  const { token, expiresAt } = await createSession(db, { userId, lifetimeDays: options.sessionDays, userAgent: options.userAgent, now: options.now });
  const user = await loadUser(db, userId);
  return { token, expiresAt, session: { user: user!, expiresAt: expiresAt.toISOString() } };
}

/**
 * Creates an account and signs it in. Open sign-up gives the student role; invite-only sign-up
 * needs a live invite for this address and gives the invite's roles.
 */
export async function signUp(db: Database, input: SignupInput & SessionOptions): Promise<Outcome<NewSession>> {
  const mode = await readSetting(db, 'signupMode');
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    let roles: UserDto['roles'] = ['student'];
    let inviteId: string | undefined;
    if (input.inviteToken) {
      const [invite] = await tx
        .select()
        .from(invites)
        .where(and(eq(invites.tokenHash, hashToken(input.inviteToken)), isNull(invites.acceptedAt), gt(invites.expiresAt, input.now)))
        .for('update');
      if (!invite || invite.email !== input.email) {
        throw new AppError('invite_required', 'This invitation is not valid for that address, or it has expired. Ask for a new one.');
      }
      roles = invite.roles.length ? invite.roles : roles;
      inviteId = invite.id;
    } else if (mode === 'invite') {
      throw new AppError('invite_required', 'Sign-up is by invitation only. Ask an administrator for an invite.');
    }
    let userId: string;
    try {
      const [created] = await tx
        .insert(users)
        .values({ email: input.email, name: input.name, passwordHash, timezone: input.timezone ?? null })
        .returning({ id: users.id });
      userId = created.id;
    } catch (error) {
      if (pgErrorCode(error) === pgErrors.uniqueViolation) {
        throw new AppError('email_taken', 'An account with this email already exists. Sign in instead.');
      }
      throw error;
    }
    await tx.insert(userRoles).values(roles.map((role) => ({ userId, role })));
    if (inviteId) await tx.update(invites).set({ acceptedAt: input.now }).where(eq(invites.id, inviteId));
    await recordAudit(tx, { actor: { kind: 'user', userId, roles }, action: 'user_signed_up', subjectType: 'user', subjectId: userId, details: { roles, invited: Boolean(inviteId) } });
    const opened = await startSession(tx, userId, input);
    // Staff user lists show the newcomer live.
    return outcome(opened, [domainEvent('user.updated', opened.session.user)]);
  });
}

/**
 * Checks the password and opens a session. Unknown addresses cost the same time as wrong passwords.
 * The first sign-in that reports a timezone stores it on the profile.
 */
export async function logIn(
  db: Database,
  input: { email: string; password: string; timezone?: string; clientKey: string; rateLimit: number } & SessionOptions,
): Promise<NewSession> {
  await assertLoginAllowed(db, { email: input.email, clientKey: input.clientKey, limit: input.rateLimit, now: input.now });
  const [user] = await db.select().from(users).where(eq(users.email, input.email));
  const valid = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), input.password);
  if (!user || !valid || !user.isActive) {
    await recordLoginFailure(db, { email: input.email, clientKey: input.clientKey });
    throw new AppError('invalid_credentials', user && valid ? 'This account is deactivated. Ask an administrator.' : 'Wrong email or password.');
  }
  await clearLoginFailures(db, input.email);
  if (!user.timezone && input.timezone) {
    await db.update(users).set({ timezone: input.timezone, updatedAt: input.now }).where(eq(users.id, user.id));
  }
  return startSession(db, user.id, input);
}

export async function sessionDto(db: Executor, session: ValidSession): Promise<SessionDto> {
  const user = await loadUser(db, session.user.id);
  return { user: user!, expiresAt: session.expiresAt.toISOString() };
}

/** Changes the password and signs the user out of every other session (their sockets close too). */
export async function changePassword(
  db: Database,
  input: { actor: Actor; currentPassword: string; newPassword: string; now: Date },
): Promise<Outcome<{ signedOutSessions: number }>> {
  const actor = requireUser(input.actor);
  const [user] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, actor.userId));
  if (!user || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new AppError('invalid_credentials', 'The current password is wrong.');
  }
  if (input.currentPassword === input.newPassword) {
    throw new AppError('bad_request', 'The new password must differ from the current one.');
  }
  const passwordHash = await hashPassword(input.newPassword);
  const revoked = await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, updatedAt: input.now }).where(eq(users.id, actor.userId));
    await recordAudit(tx, { actor, action: 'password_changed', subjectType: 'user', subjectId: actor.userId });
    return invalidateUserSessions(tx, actor.userId, actor.sessionId);
  });
  const events = revoked.length ? [domainEvent('session.revoked', { userId: actor.userId, sessionIds: revoked })] : [];
  return outcome({ signedOutSessions: revoked.length }, events);
}

export async function updateProfile(
  db: Database,
  input: { actor: Actor; name?: string; timezone?: string; now: Date },
): Promise<Outcome<UserDto>> {
  const actor = requireUser(input.actor);
  const changes: Partial<typeof users.$inferInsert> = { updatedAt: input.now };
  if (input.name !== undefined) changes.name = input.name;
  if (input.timezone !== undefined) changes.timezone = input.timezone;
  await db.update(users).set(changes).where(eq(users.id, actor.userId));
  const user = (await loadUser(db, actor.userId))!;
  return outcome(user, [domainEvent('user.updated', user)]);
}
