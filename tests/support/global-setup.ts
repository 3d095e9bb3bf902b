import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../server/db/embedded.ts';
import { runMigrations } from '../../server/db/migrate.ts';
import { startJobQueue } from '../../server/jobs/queue.ts';
import { createLogger } from '../../server/logger.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A database on the test server to connect to for CREATE DATABASE (never used for test data). */
    adminUrl: string;
    /** Migrated template every test file clones its own database from. */
    templateDatabase: string;
    /** Prefix of this run's per-file databases, so teardown can drop any left behind. */
    runId: string;
  }
}

/**
 * Once per run: a PostgreSQL (the embedded one, or the server at DATABASE_URL), and a template
 * database with every migration and pg-boss's schema in place.
 */
export default async function setup(project: TestProject) {
  let embedded: EmbeddedDatabase | undefined;
  let dataDir: string | undefined;
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'learning-test-pg-'));
    embedded = await startEmbeddedPostgres({ dataDir: join(dataDir, 'pg'), database: 'postgres', settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } });
    adminUrl = embedded.url;
  }

  const template = `lp_template_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${template}"`);
  await admin.unsafe(`create database "${template}"`);
  const templateUrl = withDatabase(adminUrl, template);
  await runMigrations(templateUrl);
  // pg-boss makes its schema and our queues on first start; doing it here puts them in every clone.
  const log = createLogger('silent');
  const jobs = await startJobQueue({ url: templateUrl, role: 'web', log, context: undefined as never });
  await jobs.stop({ timeoutMs: 1000 });

  project.provide('adminUrl', adminUrl);
  project.provide('templateDatabase', template);
  project.provide('runId', `lp_test_${process.pid}`);

  return async () => {
    // Drop what this run made, including per-file databases left by a crashed worker.
    const leftovers = await admin<{ datname: string }[]>`select datname from pg_database where datname like ${`lp_test_${process.pid}_%`} or datname = ${template}`;
    for (const { datname } of leftovers) await admin.unsafe(`drop database if exists "${datname}" with (force)`);
    await admin.end();
    if (embedded) await embedded.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
