import { readFileSync } from 'node:fs';
import { startBenchApp } from './support/app-fixture.ts';
import { round } from './support/measure.ts';
import { seedLearningHistory } from './support/stats-seed.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);

/** Resident memory of process `pid` in MB, from /proc (Linux). */
function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/**
 * csv_export: a moderator downloads `GET /api/stats/exports/enrollments.csv` of ROWS enrollments,
 * reading the stream as it comes. `peak_rss_mb` is the highest resident memory of the app process
 * serving it, sampled every 10 ms during the download (`idle_rss_mb` just before); a streamed
 * export keeps it near idle whatever the row count. The floor (`baseline_seconds`) is the same
 * rows as CSV straight from PostgreSQL (`COPY … TO STDOUT`) through one connection.
 */
export async function run(): Promise<Record<string, number>> {
  const bench = await startBenchApp({ SERVER_ROLE: 'web' });
  try {
    const { sql } = bench.database;
    const [moderator] = await bench.createPeople(1, 'moderator', 'moderator');
    await seedLearningHistory(bench.database, { ownerId: moderator.id, enrollments: ROWS });
    const pid = bench.app.child.pid!;
    const url = `${bench.app.url}/api/stats/exports/enrollments.csv`;
    // A short export first, so the route and its code are loaded before the idle reading.
    await (await fetch(`${url}?from=2000-01-01&to=2000-01-01`, { headers: { cookie: moderator.cookie } })).text();
    const idle = rssMb(pid);

    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 10);
    const started = performance.now();
    const response = await fetch(url, { headers: { cookie: moderator.cookie } });
    if (!response.ok || !response.body) throw new Error(`export answered ${response.status}`);
    let lines = 0;
    const decoder = new TextDecoder();
    for await (const chunk of response.body) {
      const text = decoder.decode(chunk, { stream: true });
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, rssMb(pid));
    const rows = lines - 1; // the header
    if (rows !== ROWS) throw new Error(`exported ${rows} rows, expected ${ROWS}`);

    const baselineStarted = performance.now();
    const copy = await sql`
      copy (select e.id, u.name, u.email, u.department, c.title, e.source, e.status, e.progress, e.enrolled_at, e.completed_at, e.removed_at
        from enrollments e join users u on u.id = e.user_id join courses c on c.id = e.course_id order by e.enrolled_at, e.id) to stdout with (format csv)`.readable();
    for await (const chunk of copy) void chunk;
    const baselineSeconds = (performance.now() - baselineStarted) / 1000;
    return { rows, seconds: round(seconds, 3), peak_rss_mb: round(peak), idle_rss_mb: round(idle), baseline_seconds: round(baselineSeconds, 3) };
  } finally {
    await bench.close();
  }
}
