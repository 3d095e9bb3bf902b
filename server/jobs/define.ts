import type { z } from 'zod';
import type { Database } from '../db/client.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Relay } from '../realtime/relay.ts';
import type { Logger } from '../logger.ts';

/** What a job handler may use. The same pieces the HTTP routes get, minus the request. */
export interface JobContext {
  db: Database;
  mailer: Mailer;
  relay: Relay;
  log: Logger;
  now: () => Date;
  /** Where people reach the app (PUBLIC_URL, or the address this node listens on), for links in messages. */
  baseUrl: () => string;
  /** pg-boss's id for this run, e.g. to name a dedupe key. */
  jobId: string;
}

export interface JobDefinition<Schema extends z.ZodType = z.ZodType, Name extends string = string> {
  name: Name;
  schema: Schema;
  /** Must be idempotent: a retry or a second run leaves the same result as one run. */
  handler: (payload: z.infer<Schema>, context: JobContext) => Promise<void>;
  /**
   * Run on a schedule (cron syntax), in `tz`: an IANA zone (default UTC), or a function reading
   * it from the database, e.g. the organisation's timezone setting (schedules are applied again
   * with `JobQueue.refreshSchedules()` when that setting changes).
   */
  cron?: { expression: string; tz?: string | ((db: Database) => Promise<string>) };
  retry?: { limit: number; delaySeconds: number; backoff: boolean };
  expireInSeconds?: number;
}

/**
 * Declares a job: a name, a zod payload schema, an idempotent handler and an optional cron.
 * @example export const cleanupJob = defineJob({ name: 'sessions.cleanup', schema: z.object({}), handler: async (_, { db }) => {…} });
 */
export function defineJob<const Name extends string, Schema extends z.ZodType>(definition: JobDefinition<Schema, Name>): JobDefinition<Schema, Name> {
  return definition;
}
