import { lt } from 'drizzle-orm';
import { z } from 'zod';
import { deleteExpiredSessions } from '../../auth/session.ts';
import { defineJob } from '../../jobs/define.ts';
import { loginFailures } from './schema.ts';
import { LOGIN_WINDOW_MS } from './rate-limit.ts';

/** Hourly: removes expired sessions and login failures older than the rate-limit window. */
export const sessionCleanupJob = defineJob({
  name: 'sessions.cleanup',
  schema: z.object({}),
  cron: { expression: '17 * * * *' },
  handler: async (_payload, { db, now, log }) => {
    const sessions = await deleteExpiredSessions(db, now());
    const failures = await db.delete(loginFailures).where(lt(loginFailures.failedAt, new Date(now().getTime() - LOGIN_WINDOW_MS))).returning({ id: loginFailures.id });
    if (sessions || failures.length) log.info('expired sessions removed', { sessions, loginFailures: failures.length });
  },
});
