import { startBenchApp } from './support/app-fixture.ts';
import { percentile, round } from './support/measure.ts';
import { seedLearningHistory } from './support/stats-seed.ts';

const ENROLLMENTS = Number(process.env.BENCH_ENROLLMENTS ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 50);

/**
 * stats_snapshot: a moderator's statistics page asks for `GET /api/stats/overview` over ENROLLMENTS
 * enrollments (10 courses, ~30,000 quiz submissions, ~20,000 training assignments, 1,000
 * evaluations), REQUESTS times one after another after a warm-up; p50 and p95 of the whole HTTP
 * answer. The floor (`baseline_p95_ms`) is one bare full scan of the enrollments
 * (`count(*)`, `avg(progress)`) sent straight to PostgreSQL the same number of times.
 */
export async function run(): Promise<Record<string, number>> {
  const bench = await startBenchApp({ SERVER_ROLE: 'web' });
  try {
    const { sql } = bench.database;
    const [moderator] = await bench.createPeople(1, 'moderator', 'moderator');
    await seedLearningHistory(bench.database, { ownerId: moderator.id, enrollments: ENROLLMENTS });
    const [{ count }] = await sql<{ count: number }[]>`select count(*)::int as count from enrollments`;

    const url = `${bench.app.url}/api/stats/overview`;
    const fetchOnce = async () => {
      const started = performance.now();
      const response = await fetch(url, { headers: { cookie: moderator.cookie } });
      const body = (await response.json()) as { totals?: { activeEnrollments: number } };
      if (!response.ok || body.totals?.activeEnrollments !== count) throw new Error(`overview answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
      return performance.now() - started;
    };
    for (let i = 0; i < 5; i++) await fetchOnce();
    const times: number[] = [];
    for (let i = 0; i < REQUESTS; i++) times.push(await fetchOnce());

    const baseline: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const started = performance.now();
      await sql`select count(*), avg(progress) from enrollments`;
      baseline.push(performance.now() - started);
    }
    return {
      enrollments: count,
      p50_ms: round(percentile(times, 50)),
      p95_ms: round(percentile(times, 95)),
      baseline_p95_ms: round(percentile(baseline, 95)),
    };
  } finally {
    await bench.close();
  }
}
