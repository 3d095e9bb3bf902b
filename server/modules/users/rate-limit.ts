import { and, count, eq, gt } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { loginFailures } from './schema.ts';

/** Failures count for 15 minutes. Kept in Postgres so every node sees the same count. */
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;

/**
 * Refuses a login when this address, or this client, failed too often lately. A client gets
 * five times the per-address allowance, so one office behind one IP is not locked out by one typo-prone user.
 */
export async function assertLoginAllowed(db: Executor, input: { email: string; clientKey: string; limit: number; now: Date }): Promise<void> {
  const since = new Date(input.now.getTime() - LOGIN_WINDOW_MS);
  const [byEmail] = await db.select({ n: count() }).from(loginFailures).where(and(eq(loginFailures.email, input.email), gt(loginFailures.failedAt, since)));
  const [byClient] = await db.select({ n: count() }).from(loginFailures).where(and(eq(loginFailures.clientKey, input.clientKey), gt(loginFailures.failedAt, since)));
  if (byEmail.n >= input.limit || byClient.n >= input.limit * 5) {
    throw new AppError('rate_limited', 'Too many failed sign-in attempts. Wait 15 minutes and try again.', { retryAfterSeconds: LOGIN_WINDOW_MS / 1000 });
  }
}

export async function recordLoginFailure(db: Executor, input: { email: string; clientKey: string }): Promise<void> {
  await db.insert(loginFailures).values(input);
}

export async function clearLoginFailures(db: Executor, email: string): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.email, email));
}
