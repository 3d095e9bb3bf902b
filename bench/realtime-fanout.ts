import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { hashPassword } from '../server/auth/password.ts';
import { createSession } from '../server/auth/session.ts';
import { connectDatabase } from '../server/db/client.ts';
import { startEmbeddedPostgres } from '../server/db/embedded.ts';
import { runMigrations } from '../server/db/migrate.ts';
import { userRoles, users } from '../server/modules/users/schema.ts';
import { spawnServer } from '../tests/support/server-process.ts';
import { percentile, round } from './support/measure.ts';

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const root = fileURLToPath(new URL('..', import.meta.url));

async function openSockets(url: string, cookies: (string | undefined)[]): Promise<Socket[]> {
  const sockets: Socket[] = [];
  // In batches, as a cohort arriving, so the handshakes do not time out on two cores.
  for (let start = 0; start < cookies.length; start += 100) {
    const batch = cookies.slice(start, start + 100).map(
      (cookie) =>
        new Promise<Socket>((resolve, reject) => {
          const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: cookie ? { cookie } : {} });
          const ready = cookie ? 'ready' : 'connect';
          socket.once(ready, () => resolve(socket));
          socket.once('connect_error', reject);
        }),
    );
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

/** Sends `trigger` ROUNDS times; each time, the delay from sending to each socket's receipt. */
async function measureRounds(sockets: Socket[], event: string, trigger: (round: number) => Promise<void>): Promise<number[]> {
  const delays: number[] = [];
  for (let roundIndex = 0; roundIndex < ROUNDS; roundIndex++) {
    const sentAt = performance.now();
    const arrivals = sockets.map((socket) => new Promise<void>((resolve) => socket.once(event, () => {
      delays.push(performance.now() - sentAt);
      resolve();
    })));
    await trigger(roundIndex);
    await Promise.all(arrivals);
    await new Promise((r) => setTimeout(r, 50));
  }
  return delays;
}

/**
 * realtime_fanout: SOCKETS signed-in staff sockets; one person changes their profile over HTTP;
 * the time until each socket hears `user.updated` (through auth, rooms, relay and the Postgres
 * adapter). Beside it, the same fan-out from a bare socket.io server: `baseline_p99_ms`.
 */
export async function run(): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'learning-bench-'));
  chmodSync(dataDir, 0o755);
  const database = await startEmbeddedPostgres({ dataDir: join(dataDir, 'pg'), settings: { fsync: 'off', synchronous_commit: 'off' } });
  await runMigrations(database.url);
  const { db, close } = connectDatabase(database.url, { max: 4 });
  const passwordHash = await hashPassword('bench-password');
  const staff = await db
    .insert(users)
    .values(Array.from({ length: SOCKETS + 1 }, (_, i) => ({ email: `staff${i}@bench.test`, name: `Staff ${i}`, passwordHash, timezone: 'UTC' })))
    .returning({ id: users.id });
  await db.insert(userRoles).values(staff.map((u) => ({ userId: u.id, role: 'moderator' as const })));
  const cookies = await Promise.all(staff.map(async (u) => `session=${(await createSession(db, { userId: u.id, lifetimeDays: 1 })).token}`));

  const app = await spawnServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn', DB_POOL_SIZE: '10' });
  const bare = spawn(process.execPath, ['--import', 'tsx', 'bench/support/bare-socket-server.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const bareUrl = await new Promise<string>((resolve) => bare.stdout!.on('data', (chunk) => {
    const match = /running at (\S+)/.exec(String(chunk));
    if (match) resolve(match[1]);
  }));

  try {
    const actorCookie = cookies[SOCKETS];
    const appSockets = await openSockets(app.url, cookies.slice(0, SOCKETS));
    const appDelays = await measureRounds(appSockets, 'user.updated', async (roundIndex) => {
      const response = await fetch(`${app.url}/api/me`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', cookie: actorCookie, origin: app.url },
        body: JSON.stringify({ name: `Renamed ${roundIndex}` }),
      });
      if (!response.ok) throw new Error(`PATCH /api/me answered ${response.status}`);
    });
    for (const socket of appSockets) socket.close();

    const bareSockets = await openSockets(bareUrl, Array.from({ length: SOCKETS }, () => undefined));
    const bareDelays = await measureRounds(bareSockets, 'user.updated', async () => {
      await fetch(`${bareUrl}/emit`, { method: 'POST' });
    });
    for (const socket of bareSockets) socket.close();

    return {
      sockets: SOCKETS,
      rounds: ROUNDS,
      p50_ms: round(percentile(appDelays, 50)),
      p99_ms: round(percentile(appDelays, 99)),
      baseline_p50_ms: round(percentile(bareDelays, 50)),
      baseline_p99_ms: round(percentile(bareDelays, 99)),
    };
  } finally {
    bare.kill('SIGTERM');
    await app.stop();
    await close();
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
