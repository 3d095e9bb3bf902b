import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import type { Actor } from './auth/permissions.ts';
import type { ValidSession } from './auth/session.ts';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { AppError } from './errors.ts';
import type { JobQueue } from './jobs/queue.ts';
import type { Logger } from './logger.ts';
import type { Mailer } from './mail/mailer.ts';
import type { Relay } from './realtime/relay.ts';

/** Everything the HTTP app needs, built by `server/index.ts` (or by a test). */
export interface AppDeps {
  config: Config;
  db: Database;
  mailer: Mailer;
  relay: Relay;
  jobs: JobQueue;
  log: Logger;
  now: () => Date;
  /** Health probes of parts that live outside the app (socket.io). */
  realtimeStatus: () => { ok: boolean; clients: number };
  /** Where the built frontend is; unset in tests that only exercise the API. */
  frontendDir?: string;
}

export interface AppEnv {
  Variables: {
    actor: Actor | null;
    session: ValidSession | null;
    clientKey: string;
  };
}

/** A router whose validation failures become our `validation_failed` error. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
        const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
        throw new AppError('validation_failed', `Invalid input: ${summary}`, { issues });
      }
    },
  });
}

export const errorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .meta({ id: 'Error' });

const errorContent = { 'application/json': { schema: errorSchema } };

/** The error answers every route may give, for the OpenAPI document. */
export const errorResponses = {
  400: { description: 'Invalid input', content: errorContent },
  401: { description: 'Not signed in', content: errorContent },
  403: { description: 'Not allowed', content: errorContent },
  404: { description: 'Not found', content: errorContent },
  409: { description: 'Conflict with the current state', content: errorContent },
} satisfies RouteConfig['responses'];

export function jsonBody<S extends z.ZodType>(schema: S) {
  return { body: { content: { 'application/json': { schema } }, required: true } };
}

export function jsonResponse<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

export const noContent = { description: 'Done, nothing to return' };

/** The actor of a request, or a 401. */
export function actorOf(c: Context<AppEnv>): Actor {
  const actor = c.get('actor');
  if (!actor) throw new AppError('unauthenticated', 'Sign in to continue.');
  return actor;
}

/** Dates as ISO strings, the wire format of every DTO. */
export function iso(date: Date): string;
export function iso(date: Date | null): string | null;
export function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
