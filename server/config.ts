import { z } from 'zod';

/**
 * Every environment variable the server reads, parsed once at start.
 * The README's configuration table lists the same names; keep them in step.
 */
/** An empty variable (`DATABASE_URL=`) means unset, as in most env files. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: optional(z.url()),
  DATA_DIR: z.string().default('.data'),
  SERVER_ROLE: z.enum(['all', 'web', 'worker']).default('all'),
  PUBLIC_URL: optional(z.url()),
  SMTP_URL: optional(z.string()),
  MAIL_FROM: z.string().default('Learning Platform <no-reply@learning.local>'),
  NODE_ENV: z.string().default('development'),
  SESSION_DAYS: z.coerce.number().int().positive().default(30),
  LOGIN_RATE_LIMIT: z.coerce.number().int().positive().default(10),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  DB_POOL_SIZE: z.coerce.number().int().positive().default(20),
  /** Behind a load balancer: take the client address from X-Forwarded-For. */
  TRUST_PROXY: z.stringbool().default(false),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}

export function publicUrl(config: Config): string {
  return config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
}
