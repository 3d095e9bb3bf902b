import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { ensureFrontendBuilt } from '../../server/frontend.ts';
import { createLogger } from '../../server/logger.ts';
import { spawnServer } from '../support/server-process.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

/** Builds the frontend if stale, then starts the app on a free port with a fresh database and the demo data. */
export default async function setup(project: TestProject) {
  ensureFrontendBuilt(fileURLToPath(new URL('../..', import.meta.url)), createLogger('info'));
  const dataDir = mkdtempSync(join(tmpdir(), 'learning-e2e-'));
  chmodSync(dataDir, 0o755);
  const server = await spawnServer({ DATA_DIR: dataDir, DATABASE_URL: '', SMTP_URL: '' }, ['--seed']);
  project.provide('baseUrl', server.url);
  return async () => {
    const code = await server.stop('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
    if (code !== 0) throw new Error(`server exited with ${code}:\n${server.output()}`);
  };
}
