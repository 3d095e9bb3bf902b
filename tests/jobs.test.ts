import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createSession } from '../server/auth/session.ts';
import { mailMessages } from '../server/mail/schema.ts';
import { sessions } from '../server/modules/users/schema.ts';
import { useTestApp } from './support/app.ts';
import { createUser } from './support/factories.ts';
import { waitUntil } from './support/wait.ts';

describe('the job queue', () => {
  const t = useTestApp({ workJobs: true });

  it('runs a job end to end: the session cleanup removes expired sessions only', async () => {
    const user = await createUser(t().db);
    const expired = await createSession(t().db, { userId: user.id, lifetimeDays: 1, now: new Date(Date.now() - 3 * 86_400_000) });
    const live = await createSession(t().db, { userId: user.id, lifetimeDays: 30 });
    const jobId = await t().jobs.send('sessions.cleanup', {});
    expect(jobId).toEqual(expect.any(String));
    await waitUntil(async () => ((await t().db.select().from(sessions).where(eq(sessions.id, expired.sessionId))).length === 0 ? true : undefined), 15_000, 'expired session removed');
    expect(await t().db.select().from(sessions).where(eq(sessions.id, live.sessionId))).toHaveLength(1);
  });

  it('enqueues inside a transaction: a rolled-back change leaves no job behind', async () => {
    await expect(
      t().db.transaction(async (tx) => {
        await t().jobs.send('mail.deliver', { to: 'ghost@example.test', subject: 'Never sent', text: 'x', dedupeKey: 'ghost:1' }, { tx });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await t().db.transaction(async (tx) => {
      await t().jobs.send('mail.deliver', { to: 'kept@example.test', subject: 'Sent', text: 'x', dedupeKey: 'kept:1' }, { tx });
    });
    await waitUntil(async () => ((await t().db.select().from(mailMessages).where(eq(mailMessages.dedupeKey, 'kept:1'))).length ? true : undefined));
    const [{ jobs }] = await t().db.execute<{ jobs: number }>(sql`select count(*)::int as jobs from pgboss.job where data->>'dedupeKey' = 'ghost:1'`);
    expect(jobs).toBe(0);
    expect(await t().db.select().from(mailMessages).where(eq(mailMessages.dedupeKey, 'ghost:1'))).toHaveLength(0);
  });

  it('refuses a payload that does not match the job’s schema before it is queued', async () => {
    await expect(t().jobs.send('mail.deliver', { to: 'x@example.test' } as never)).rejects.toThrow();
  });
});
