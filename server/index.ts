import { createServer, type RequestListener, type Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { createApp } from './app.ts';
import { loadConfig, publicUrl, type Config } from './config.ts';
import { connectDatabase } from './db/client.ts';
import { resolveDataDir, startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.ts';
import { runMigrations } from './db/migrate.ts';
import { ensureFrontendBuilt } from './frontend.ts';
import { startJobQueue, type JobQueue } from './jobs/queue.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMailer } from './mail/mailer.ts';
import { domainEvent } from './realtime/events.ts';
import { createSocketRelay, type Relay } from './realtime/relay.ts';
import { startRealtime } from './realtime/socket.ts';
import { demoAccounts, seedDemoData } from './seed/demo.ts';
import { canCohortWatch } from './modules/cohorts/access.ts';
import { canWatchCourse } from './modules/courses/access.ts';
import { canWatchBoard } from './modules/scheduling/board.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface RunningServer {
  url: string;
  port: number;
  config: Config;
  databaseUrl: string;
  jobs: JobQueue;
  relay: Relay;
  stop(): Promise<void>;
}

/**
 * Starts one node: database (embedded unless DATABASE_URL), migrations, mail, socket.io with the
 * Postgres adapter, pg-boss, and HTTP. `SERVER_ROLE=worker` runs jobs without HTTP; `web` serves
 * without working jobs. `stop()` shuts down in order: stop taking requests and jobs, finish
 * in-flight work, close sockets, then the database and the embedded Postgres.
 */
export async function startServer(options: { config?: Config; seed?: boolean; buildFrontend?: boolean; log?: Logger } = {}): Promise<RunningServer> {
  const config = options.config ?? loadConfig();
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  const serves = config.SERVER_ROLE !== 'worker';
  if (serves && options.buildFrontend) ensureFrontendBuilt(root, log);

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    const { dir, movedFrom } = resolveDataDir(`${config.DATA_DIR}/pg`);
    if (movedFrom) log.warn(`${movedFrom} is not reachable by the postgres system user; keeping the database in ${dir} instead`);
    embedded = await startEmbeddedPostgres({ dataDir: dir, log: (line) => log.debug(line) });
    databaseUrl = embedded.url;
    log.info(`${embedded.created ? 'Initialised a new' : 'Reusing the'} embedded PostgreSQL in ${dir}`);
  }

  await runMigrations(databaseUrl);
  const database = connectDatabase(databaseUrl, { max: config.DB_POOL_SIZE });
  const { db } = database;

  // The Hono listener must be on the server before socket.io attaches, which wraps it to keep
  // /socket.io requests for itself; the app is built further down, once its dependencies exist.
  let handleRequest: RequestListener | undefined;
  const httpServer: HttpServer | undefined = serves
    ? createServer((request, response) => (handleRequest ? handleRequest(request, response) : response.writeHead(503).end()))
    : undefined;
  const realtime = await startRealtime({
    httpServer,
    db,
    databaseUrl,
    sessionDays: config.SESSION_DAYS,
    log,
    canWatch: (userId, target) =>
      target.kind === 'course' ? canWatchCourse(db, userId, target.id) : target.kind === 'board' ? canWatchBoard(db, userId, target.id) : canCohortWatch(db, userId, target.id),
  });
  const relay = createSocketRelay(realtime.io, (error) => log.error('relay failed to emit', { error }));
  const mailer = createMailer({ db, smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, onRecorded: (message) => relay.publish([domainEvent('mail.recorded', message)]) });
  const now = () => new Date();
  const jobs = await startJobQueue({ url: databaseUrl, role: config.SERVER_ROLE, log, context: { db, mailer, relay, log, now, baseUrl: () => publicUrl(config) } });

  if (options.seed) {
    const seeded = await seedDemoData(db);
    if (seeded) log.info('demo data created');
  }

  let port = config.PORT;
  if (httpServer) {
    const app = createApp({ config, db, mailer, relay, jobs, log, now, realtimeStatus: realtime.status, frontendDir: `${root}build` });
    handleRequest = getRequestListener(app.fetch);
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.PORT, config.HOST, () => resolve());
    });
    const address = httpServer.address();
    port = typeof address === 'object' && address ? address.port : config.PORT;
  }
  const url = config.PUBLIC_URL ?? `http://localhost:${port}`;
  // Links in mails, certificates, QR codes and credentials name the address this process really
  // answers at: with PORT=0 (a free port) that is only known now. Routes and jobs read the
  // config each time (`publicUrl(config)`).
  config.PUBLIC_URL ??= url;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      log.info('shutting down…');
      // 1. No new HTTP requests; sockets told to go (their clients reconnect to another node).
      const httpClosed = httpServer ? new Promise<void>((resolve) => httpServer.close(() => resolve())) : Promise.resolve();
      httpServer?.closeIdleConnections();
      // 2. No new jobs; in-flight ones finish, or stay active for another node after the timeout.
      await jobs.stop({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
      await realtime.close();
      httpServer?.closeAllConnections();
      await httpClosed;
      mailer.close();
      // 3. The database last, and the embedded Postgres after every pool is closed.
      await database.close();
      if (embedded) await embedded.stop();
      log.info('stopped');
    })();
    return stopping;
  };

  return { url, port, config, databaseUrl, jobs, relay, stop };
}

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  const server = await startServer({ config, log, seed: args.has('--seed'), buildFrontend: args.has('--build-if-stale') });
  const shutdown = (signal: string) => {
    log.info(`${signal} received`);
    const timer = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS + 10_000);
    timer.unref();
    server.stop().then(
      () => process.exit(0),
      (error) => {
        log.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  if (config.SERVER_ROLE === 'worker') {
    log.info('worker node running (jobs only, no HTTP)');
    return;
  }
  const lines = [
    '',
    `  Learning Platform is running at ${publicUrl({ ...config, PORT: server.port })}`,
    `  API docs: ${publicUrl({ ...config, PORT: server.port })}/api/docs`,
  ];
  if (args.has('--seed')) {
    lines.push('', '  Demo accounts (password for all: ' + demoAccounts.password + ')');
    for (const account of demoAccounts.staff) lines.push(`    ${account.label.padEnd(16)} ${account.email}`);
  }
  process.stdout.write(lines.join('\n') + '\n\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    process.stderr.write(`Could not start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  });
}
