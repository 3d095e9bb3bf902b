import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createSession } from '../server/auth/session.ts';
import { mailMessages } from '../server/mail/schema.ts';
import { sessions } from '../server/modules/users/schema.ts';
import { useTestApp } from './support/app.ts';
import { createUser } from './support/factories.ts';
import { z } from 'zod';
import { defineJob } from '../server/jobs/define.ts';
import { startJobQueue } from '../server/jobs/queue.ts';
import { createLogger } from '../server/logger.ts';
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

describe('stopping the job queue', () => {
  const t = useTestApp();

  it('lets an in-flight job finish before the queue stops', async () => {
    const finished: number[] = [];
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const slowJob = defineJob({
      name: 'sessions.cleanup',
      schema: z.object({ n: z.number().optional() }),
      handler: async ({ n }) => {
        started();
        await new Promise((r) => setTimeout(r, 1500));
        finished.push(n ?? 0);
      },
    });
    const log = createLogger('silent');
    const queue = await startJobQueue({ url: t().database.url, role: 'worker', log, definitions: [slowJob], context: { db: t().db, mailer: t().mailer, relay: t().relay, log, now: () => new Date(), baseUrl: () => 'http://localhost:3000' } });
    await queue.send('sessions.cleanup', { n: 1 } as never);
    await running;
    await queue.stop({ timeoutMs: 10_000 });
    expect(finished).toEqual([1]);
    const [{ state }] = await t().db.execute<{ state: string }>(sql`select state from pgboss.job where name = 'sessions.cleanup' and data->>'n' = '1'`);
    expect(state).toBe('completed');
  });
});
