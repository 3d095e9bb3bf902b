import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDeps } from '../../http.ts';

export const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    database: z.object({ ok: z.boolean(), latencyMs: z.number().nullable() }),
    jobs: z.object({ ok: z.boolean(), role: z.enum(['all', 'web', 'worker']) }),
    realtime: z.object({ ok: z.boolean(), clients: z.number().int() }),
  })
  .meta({ id: 'Health' });
export type Health = z.infer<typeof healthSchema>;

/** One round trip to the database plus the job queue's and socket.io's own state. */
export async function checkHealth(deps: Pick<AppDeps, 'db' | 'jobs' | 'realtimeStatus'>): Promise<Health> {
  const started = performance.now();
  let database: Health['database'];
  try {
    await deps.db.execute(sql`select 1`);
    database = { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch {
    database = { ok: false, latencyMs: null };
  }
  const jobs = deps.jobs.status();
  const realtime = deps.realtimeStatus();
  const ok = database.ok && jobs.ok && realtime.ok;
  return { status: ok ? 'ok' : 'degraded', database, jobs: { ok: jobs.ok, role: jobs.role }, realtime };
}
