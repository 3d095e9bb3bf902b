import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../server/db/embedded.ts';
import { ensureFrontendBuilt } from '../../server/frontend.ts';
import { createLogger } from '../../server/logger.ts';
import { spawnServer } from '../support/server-process.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** The app's database, for tests that start a second node on it. */
    databaseUrl: string;
  }
}

/**
 * Builds the frontend if stale, starts a fresh embedded PostgreSQL, and runs the app on it as its
 * own process, on a free port, with the demo data.
 */
export default async function setup(project: TestProject) {
  ensureFrontendBuilt(fileURLToPath(new URL('../..', import.meta.url)), createLogger('info'));
  const dataDir = mkdtempSync(join(tmpdir(), 'learning-e2e-'));
  chmodSync(dataDir, 0o755);
  const database = await startEmbeddedPostgres({ dataDir: join(dataDir, 'pg'), settings: { fsync: 'off' } });
  const server = await spawnServer({ DATABASE_URL: database.url, SMTP_URL: '' }, ['--seed']);
  project.provide('baseUrl', server.url);
  project.provide('databaseUrl', database.url);
  return async () => {
    const code = await server.stop('SIGTERM');
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (code !== 0) throw new Error(`server exited with ${code}:\n${server.output()}`);
  };
}
