import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import type { Socket } from 'socket.io-client';
import { enrollments, lessonCompletions } from '../server/modules/enrollment/schema.ts';
import { settings } from '../server/modules/system/schema.ts';
import type { CertificateRequestDto } from '../server/modules/scheduling/dto.ts';
import type { EventPayloads, WatchReply } from '../server/realtime/events.ts';
import { HttpClient } from '../tests/support/http.ts';
import { setUpEvaluation } from '../tests/support/scheduling.ts';
import { startBenchApp } from './support/app-fixture.ts';
import { percentile, round } from './support/measure.ts';
import { openSockets } from './support/sockets.ts';

const LEARNERS = Number(process.env.BENCH_LEARNERS ?? 1000);
const EVALUATORS = 10;
const SLOTS_PER_EVALUATOR = 10;
const root = fileURLToPath(new URL('..', import.meta.url));

/** The weekday (1 = Monday … 7 = Sunday, as Temporal numbers them) `days` from today, in UTC. */
function weekdayIn(days: number): { weekday: number; date: string } {
  const day = new Date(Date.now() + days * 86_400_000);
  return { weekday: ((day.getUTCDay() + 6) % 7) + 1, date: day.toISOString().slice(0, 10) };
}

/**
 * booking_storm: LEARNERS eligible learners, each with a socket watching the course's slot board;
 * EVALUATORS evaluators offering SLOTS_PER_EVALUATOR half-hour slots each on one day (the same ten
 * starts, so every start can be booked once per evaluator); everyone books at once over HTTP.
 * Checked from the database: successes equal slots, no overlap. Measured: booking latency, and
 * from a booking's commit (PostgreSQL's commit timestamp of its row) to every board receiving
 * `board.changed`. Beside them the machine's floors: the same contention as bare INSERTs through
 * one pool (`baseline_per_s`), and a bare socket.io broadcast to the same number of sockets
 * (`baseline_board_p99_ms`).
 */
export async function run(): Promise<Record<string, number>> {
  const bench = await startBenchApp({ DB_POOL_SIZE: '20' });
  const sockets: Socket[] = [];
  try {
    const { db } = bench.database;
    const url = bench.app.url;
    const harness = { db, client: () => new HttpClient(url) };
    // One bookable day, three days ahead; the horizon ends before that weekday comes round again.
    const day = weekdayIn(3);
    await db.insert(settings).values({ key: 'bookingHorizonDays', value: 6 }).onConflictDoUpdate({ target: settings.key, set: { value: 6 } });
    const { course } = await setUpEvaluation(harness, {
      evaluators: EVALUATORS,
      timezone: 'UTC',
      weekly: [{ weekday: day.weekday, start: '09:00', end: `${9 + SLOTS_PER_EVALUATOR / 2}:00`.padStart(5, '0') }],
      slotMinutes: 30,
      lessons: 1,
    });

    const learners = await bench.createPeople(LEARNERS, 'student', 'learner');
    const enrolled = await db
      .insert(enrollments)
      .values(learners.map((l) => ({ userId: l.id, courseId: course.id, source: 'staff' as const, progress: 100, completedAt: new Date() })))
      .returning({ id: enrollments.id });
    await db.insert(lessonCompletions).values(enrolled.map((e) => ({ enrollmentId: e.id, lessonId: course.lessonIds[0] })));

    const slotsAnswer = await fetch(`${url}/api/courses/${course.id}/slots`, { headers: { cookie: learners[0].cookie } });
    const { slots } = (await slotsAnswer.json()) as { slots: { startsAt: string }[] };
    const starts = slots.map((s) => s.startsAt);
    if (starts.length !== SLOTS_PER_EVALUATOR) throw new Error(`expected ${SLOTS_PER_EVALUATOR} starts, the board offers ${starts.length}`);

    sockets.push(...(await openSockets(url, learners.map((l) => l.cookie))));
    await Promise.all(
      sockets.map(async (socket) => {
        const reply = (await socket.emitWithAck('watch', { kind: 'board', id: course.id })) as WatchReply;
        if (!reply.ok) throw new Error(`watch refused: ${reply.error}`);
      }),
    );
    const receipts: { requestId: string; at: number }[] = [];
    for (const socket of sockets) {
      socket.on('board.changed', (change: EventPayloads['board.changed']) => {
        if (change.state === 'booked' && change.requestId) receipts.push({ requestId: change.requestId, at: Date.now() });
      });
    }

    const statuses: number[] = [];
    const latencies: number[] = [];
    const created = new Set<string>();
    const burstStarted = performance.now();
    await Promise.all(
      learners.map(async (learner, index) => {
        const started = performance.now();
        const response = await fetch(`${url}/api/courses/${course.id}/certificate-requests`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: learner.cookie, origin: url },
          body: JSON.stringify({ startsAt: starts[index % starts.length], timezone: 'UTC' }),
        });
        const body = (await response.json()) as CertificateRequestDto;
        latencies.push(performance.now() - started);
        statuses.push(response.status);
        if (response.status === 201) created.add(body.id);
      }),
    );
    const burstSeconds = (performance.now() - burstStarted) / 1000;
    const expectedReceipts = created.size * sockets.length;
    for (let waited = 0; receipts.length < expectedReceipts && waited < 30_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    // From each booking's commit, as PostgreSQL recorded it, to each board hearing of it.
    const committed = new Map<string, number>(
      (await bench.database.sql<{ id: string; at: number }[]>`
        select id, extract(epoch from pg_xact_commit_timestamp(xmin)) * 1000 as at
        from certificate_requests where id = any(${[...created]}::uuid[])`).map((row) => [row.id, Number(row.at)]),
    );
    const boardDelays = receipts.filter((r) => committed.has(r.requestId)).map((r) => r.at - committed.get(r.requestId)!);

    const [{ overlaps }] = await bench.database.sql`
      select count(*)::int as overlaps from certificate_requests a join certificate_requests b
        on a.evaluator_id = b.evaluator_id and a.id < b.id and a.status <> 'cancelled' and b.status <> 'cancelled'
        and tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at)`;
    const [{ booked }] = await bench.database.sql`select count(*)::int as booked from certificate_requests where status = 'pending'`;
    for (const socket of sockets) socket.close();
    sockets.length = 0;

    const baselinePerSecond = await bareInsertRate(bench.database.url, LEARNERS, EVALUATORS, starts);
    const baselineBoardP99 = await bareBroadcastP99(LEARNERS);

    return {
      learners: LEARNERS,
      slots: EVALUATORS * SLOTS_PER_EVALUATOR,
      successful: booked,
      double_bookings: overlaps,
      errors_5xx: statuses.filter((s) => s >= 500).length,
      board_receipts_missing: expectedReceipts - boardDelays.length,
      requests_per_s: round(LEARNERS / burstSeconds),
      booking_p50_ms: round(percentile(latencies, 50)),
      booking_p99_ms: round(percentile(latencies, 99)),
      board_p50_ms: round(percentile(boardDelays, 50)),
      board_p99_ms: round(percentile(boardDelays, 99)),
      baseline_per_s: round(baselinePerSecond),
      baseline_board_p99_ms: round(baselineBoardP99),
    };
  } finally {
    for (const socket of sockets) socket.close();
    await bench.close();
  }
}

/**
 * The floor for booking: the same contention sent straight to Postgres through one pool. Each of
 * `attempts` inserts claims one of the starts for one evaluator in a scratch copy of the table's
 * rule (an exclusion constraint on evaluator and time range), serialised per evaluator by an
 * advisory lock as the app does; measured as attempts per second.
 */
async function bareInsertRate(url: string, attempts: number, evaluators: number, starts: string[]): Promise<number> {
  const sql = postgres(url, { max: 20, onnotice: () => {} });
  try {
    await sql`drop table if exists bench_bookings`;
    await sql`create table bench_bookings (evaluator int not null, starts_at timestamptz not null, ends_at timestamptz not null,
      exclude using gist (evaluator with =, tstzrange(starts_at, ends_at) with &&))`;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: attempts }, async (_, index) => {
        const startsAt = new Date(starts[index % starts.length]);
        const endsAt = new Date(startsAt.getTime() + 30 * 60_000);
        const evaluator = Math.floor(index / starts.length) % evaluators;
        await sql
          .begin(async (tx) => {
            await tx`select pg_advisory_xact_lock(727999, ${evaluator})`;
            await tx`insert into bench_bookings values (${evaluator}, ${startsAt}, ${endsAt})`;
          })
          .catch((error: { code?: string }) => {
            if (error.code !== '23P01') throw error;
          });
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    await sql`drop table bench_bookings`;
    return attempts / seconds;
  } finally {
    await sql.end();
  }
}

/** The floor for the board: a bare socket.io server broadcasting to `count` sockets, p99 over 20 broadcasts. */
async function bareBroadcastP99(count: number): Promise<number> {
  const bare = spawn(process.execPath, ['--import', 'tsx', 'bench/support/bare-socket-server.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const bareUrl = await new Promise<string>((resolve) => bare.stdout!.on('data', (chunk) => {
      const match = /running at (\S+)/.exec(String(chunk));
      if (match) resolve(match[1]);
    }));
    const sockets = await openSockets(bareUrl, Array.from({ length: count }, () => undefined));
    const delays: number[] = [];
    for (let round = 0; round < 20; round++) {
      const sentAt = performance.now();
      const arrivals = sockets.map((socket) => new Promise<void>((resolve) => socket.once('user.updated', () => { delays.push(performance.now() - sentAt); resolve(); })));
      await fetch(`${bareUrl}/emit`, { method: 'POST' });
      await Promise.all(arrivals);
    }
    for (const socket of sockets) socket.close();
    return percentile(delays, 99);
  } finally {
    bare.kill('SIGTERM');
  }
}
