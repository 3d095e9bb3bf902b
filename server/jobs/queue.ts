import { sql, type SQL } from 'drizzle-orm';
import PgBoss from 'pg-boss';
import type { Executor } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import type { JobContext, JobDefinition } from './define.ts';
import { jobRegistry, type JobName, type JobPayload } from './registry.ts';

export interface EnqueueOptions {
  /** Enqueue inside this transaction: the job exists only if the transaction commits. */
  tx?: Executor;
  startAfter?: Date;
  /** At most one queued job with this key (pg-boss singleton). */
  singletonKey?: string;
}

export interface JobQueue {
  send<N extends JobName>(name: N, payload: JobPayload<N>, options?: EnqueueOptions): Promise<string | null>;
  status(): { ok: boolean; role: 'all' | 'web' | 'worker'; working: boolean };
  /** Applies every cron schedule again, e.g. after the organisation's timezone changed. Any node may call it. */
  refreshSchedules(): Promise<void>;
  stop(options: { timeoutMs: number }): Promise<void>;
}

/**
 * pg-boss's `db` option runs its SQL on our connection; this adapter runs it inside a drizzle
 * transaction, turning `$1` placeholders into bound parameters.
 */
function transactionExecutor(tx: Executor): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[]) {
      const parts = text.split(/\$(\d+)/);
      const chunks: SQL[] = [];
      parts.forEach((part, index) => {
        if (index % 2 === 0) chunks.push(sql.raw(part));
        else {
          const value = values[Number(part) - 1] ?? null; // drizzle drops undefined params entirely
          const bound = value !== null && typeof value === 'object' && !(value instanceof Date) ? JSON.stringify(value) : value;
          chunks.push(sql`${bound}`);
        }
      });
      const rows = await tx.execute(sql.join(chunks, sql.raw('')));
      return { rows: Array.from(rows as Iterable<unknown>) };
    },
  };
}

/**
 * Starts pg-boss on the app's database. Every node can send; nodes with role `all` or `worker`
 * also work the queues and keep the cron schedules (pg-boss hands each job to one worker).
 */
export async function startJobQueue(options: {
  url: string;
  role: 'all' | 'web' | 'worker';
  log: Logger;
  context: Omit<JobContext, 'jobId'>;
  definitions?: readonly JobDefinition[];
}): Promise<JobQueue> {
  const { role, log } = options;
  const definitions = options.definitions ?? jobRegistry;
  const works = role !== 'web';
  let healthy = true;
  let stopped = false;
  const boss = new PgBoss({
    connectionString: options.url,
    application_name: 'learning-platform-jobs',
    max: 4,
    schedule: works,
    supervise: works,
  });
  boss.on('error', (error) => {
    healthy = false;
    if (!stopped) log.error('job queue error', { error });
  });
  await boss.start();

  for (const definition of definitions) {
    await boss.createQueue(definition.name, {
      name: definition.name,
      retryLimit: definition.retry?.limit ?? 5,
      retryDelay: definition.retry?.delaySeconds ?? 10,
      retryBackoff: definition.retry?.backoff ?? true,
      expireInSeconds: definition.expireInSeconds ?? 15 * 60,
    });
  }

  // pg-boss keeps schedules in its table, so a schedule written by any node is kept by the
  // workers; writing it again with a new zone replaces it.
  async function applySchedules(): Promise<void> {
    for (const definition of definitions) {
      if (!definition.cron) continue;
      const { expression, tz } = definition.cron;
      const zone = typeof tz === 'function' ? await tz(options.context.db) : (tz ?? 'UTC');
      await boss.schedule(definition.name, expression, {}, { tz: zone });
    }
  }

  if (works) {
    for (const definition of definitions) {
      await boss.work(definition.name, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
        const payload = definition.schema.parse(job.data);
        await definition.handler(payload, { ...options.context, jobId: job.id });
      });
    }
    await applySchedules();
  }

  return {
    async send(name, payload, sendOptions = {}) {
      const definition = definitions.find((d) => d.name === name);
      if (!definition) throw new Error(`Unknown job ${name}`);
      const data = definition.schema.parse(payload) as object;
      return boss.send(name, data, {
        startAfter: sendOptions.startAfter,
        singletonKey: sendOptions.singletonKey,
        ...(sendOptions.tx ? { db: transactionExecutor(sendOptions.tx) } : {}),
      });
    },
    status: () => ({ ok: healthy && !stopped, role, working: works }),
    refreshSchedules: applySchedules,
    async stop({ timeoutMs }) {
      if (stopped) return;
      stopped = true;
      // graceful: stop fetching, wait for in-flight handlers up to the timeout; jobs still running
      // then stay active in the table and pg-boss hands them out again once they expire.
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs, close: true });
    },
  };
}
