import { afterAll, beforeAll } from 'vitest';
import { createApp } from '../../server/app.ts';
import { loadConfig, publicUrl, type Config } from '../../server/config.ts';
import type { DatabaseHandle } from '../../server/db/client.ts';
import { startJobQueue, type JobQueue } from '../../server/jobs/queue.ts';
import { createLogger } from '../../server/logger.ts';
import { createMailer, type Mailer } from '../../server/mail/mailer.ts';
import { createRecordingRelay } from '../../server/realtime/relay.ts';
import { useTestDatabase } from './database.ts';
import { HttpClient } from './http.ts';

/** A clock tests can move: services read `now()` from it. */
export class TestClock {
  private offsetMs = 0;
  now = () => new Date(Date.now() + this.offsetMs);
  advance(ms: number) {
    this.offsetMs += ms;
  }
  reset() {
    this.offsetMs = 0;
  }
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  database: DatabaseHandle;
  db: DatabaseHandle['db'];
  relay: ReturnType<typeof createRecordingRelay>;
  mailer: Mailer;
  jobs: JobQueue;
  clock: TestClock;
  config: Config;
  /** A fresh cookie jar against this app, as one browser. */
  client(): HttpClient;
}

/**
 * The HTTP app on this file's own database, with the real mailer (outbox unless `smtpUrl`),
 * a real pg-boss (sending only, unless `workJobs`) and a relay that records events.
 */
export function useTestApp(options: { smtpUrl?: string | (() => string); workJobs?: boolean; config?: Partial<Record<keyof Config, string>> } = {}): () => TestApp {
  const database = useTestDatabase();
  let context: TestApp | undefined;
  beforeAll(async () => {
    const handle = database();
    const smtpUrl = typeof options.smtpUrl === 'function' ? options.smtpUrl() : options.smtpUrl;
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...(smtpUrl ? { SMTP_URL: smtpUrl } : {}), ...options.config });
    const log = createLogger(process.env.TEST_LOG_LEVEL === 'debug' ? 'debug' : 'silent');
    const relay = createRecordingRelay();
    const clock = new TestClock();
    const mailer = createMailer({ db: handle.db, smtpUrl: config.SMTP_URL, from: config.MAIL_FROM });
    const jobs = await startJobQueue({ url: handle.url, role: options.workJobs ? 'all' : 'web', log, context: { db: handle.db, mailer, relay, log, now: clock.now, baseUrl: () => publicUrl(config) } });
    const app = createApp({ config, db: handle.db, mailer, relay, jobs, log, now: clock.now, realtimeStatus: () => ({ ok: true, clients: 0 }) });
    context = { app, database: handle, db: handle.db, relay, mailer, jobs, clock, config, client: () => new HttpClient(app) };
  });
  afterAll(async () => {
    await context?.jobs.stop({ timeoutMs: 2000 });
    context?.mailer.close();
  });
  return () => {
    if (!context) throw new Error('The test app exists only inside tests and hooks.');
    return context;
  };
}
