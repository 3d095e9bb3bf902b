import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../../server/auth/password.ts';
import type { Role } from '../../server/auth/roles.ts';
import { createSession } from '../../server/auth/session.ts';
import { connectDatabase, type DatabaseHandle } from '../../server/db/client.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../server/db/embedded.ts';
import { runMigrations } from '../../server/db/migrate.ts';
import { userRoles, users } from '../../server/modules/users/schema.ts';
import { spawnServer, type ServerProcess } from '../../tests/support/server-process.ts';

export interface BenchApp {
  database: DatabaseHandle;
  app: ServerProcess;
  /** Users with the given role, each with a session cookie ready for HTTP and sockets. */
  createPeople(count: number, role: Role, prefix: string): Promise<{ id: string; cookie: string }[]>;
  close(): Promise<void>;
}

/**
 * A fresh embedded PostgreSQL, migrated, and the app running on it as its own process. The
 * server records commit times (`track_commit_timestamp`), so a benchmark can measure from the
 * instant a change committed: `pg_xact_commit_timestamp(xmin)` of the row it wrote.
 */
export async function startBenchApp(env: Record<string, string> = {}): Promise<BenchApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'learning-bench-'));
  chmodSync(dataDir, 0o755);
  let embedded: EmbeddedDatabase | undefined;
  // BENCH_PG_STATEMENTS=1 prints, when the benchmark ends, the statements PostgreSQL spent most time on.
  const statements = Boolean(process.env.BENCH_PG_STATEMENTS);
  embedded = await startEmbeddedPostgres({
    dataDir: join(dataDir, 'pg'),
    settings: { fsync: 'off', synchronous_commit: 'off', track_commit_timestamp: 'on', ...(statements ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track_planning': 'on' } : {}) },
  });
  await runMigrations(embedded.url);
  const database = connectDatabase(embedded.url, { max: 4 });
  if (statements) await database.sql`create extension if not exists pg_stat_statements`;
  // BENCH_PROFILE_DIR=dir writes a CPU profile of the app process there, to see where its time goes.
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const app = await spawnServer({ DATABASE_URL: embedded.url, LOG_LEVEL: 'warn', ...env }, [], 60_000, profile);
  const passwordHash = await hashPassword('bench-password');
  return {
    database,
    app,
    async createPeople(count, role, prefix) {
      const rows = await database.db
        .insert(users)
        .values(Array.from({ length: count }, (_, i) => ({ email: `${prefix}${i}@bench.test`, name: `${prefix} ${i}`, passwordHash, timezone: 'UTC' })))
        .returning({ id: users.id });
      await database.db.insert(userRoles).values(rows.map((u) => ({ userId: u.id, role })));
      return Promise.all(rows.map(async (u) => ({ id: u.id, cookie: `session=${(await createSession(database.db, { userId: u.id, lifetimeDays: 1 })).token}` })));
    },
    async close() {
      if (statements) await printTopStatements(database);
      await app.stop();
      await database.close();
      await embedded?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The statements PostgreSQL spent most time planning and executing, with their call counts. */
async function printTopStatements(database: DatabaseHandle): Promise<void> {
  const rows = await database.sql<{ calls: number; plan_ms: number; exec_ms: number; query: string }[]>`
    select calls::int, round(total_plan_time)::int as plan_ms, round(total_exec_time)::int as exec_ms, left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 110) as query
    from pg_stat_statements order by total_plan_time + total_exec_time desc limit 15`;
  console.log('\n  PostgreSQL time by statement (calls, planning ms, execution ms):');
  for (const row of rows) console.log(`  ${String(row.calls).padStart(7)} ${String(row.plan_ms).padStart(7)} ${String(row.exec_ms).padStart(7)}  ${row.query}`);
}
