import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'socket.io-client';
import { openSockets } from './support/sockets.ts';
import { startBenchApp } from './support/app-fixture.ts';
import { percentile, round } from './support/measure.ts';

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const root = fileURLToPath(new URL('..', import.meta.url));

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
  const bench = await startBenchApp({ DB_POOL_SIZE: '10' });
  const bare = spawn(process.execPath, ['--import', 'tsx', 'bench/support/bare-socket-server.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const bareUrl = await new Promise<string>((resolve) => bare.stdout!.on('data', (chunk) => {
    const match = /running at (\S+)/.exec(String(chunk));
    if (match) resolve(match[1]);
  }));

  try {
    const staff = await bench.createPeople(SOCKETS + 1, 'moderator', 'staff');
    const actorCookie = staff[SOCKETS].cookie;
    const appUrl = bench.app.url;
    const appSockets = await openSockets(appUrl, staff.slice(0, SOCKETS).map((p) => p.cookie));
    const appDelays = await measureRounds(appSockets, 'user.updated', async (roundIndex) => {
      const response = await fetch(`${appUrl}/api/me`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', cookie: actorCookie, origin: appUrl },
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
    await bench.close();
  }
}
