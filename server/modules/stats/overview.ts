import { sql, type SQL } from 'drizzle-orm';
import { authorize, type Actor } from '../../auth/permissions.ts';
import type { Executor } from '../../db/client.ts';
import { certificateTotals } from '../certificates/figures.ts';
import { evaluationReport } from '../scheduling/figures.ts';
import { readSetting } from '../system/settings.ts';
import { complianceReport } from '../training/reports.ts';
import { activitySeries, progressBands, type ActivitySeries, type StatsOverviewDto } from './dto.ts';

// The statistics module is a read model: besides the training and scheduling reports it calls,
// it reads the learning tables (enrollments, quiz submissions) and certificates' issue times directly and read-only, as the
// cohort dashboard does, so every figure stays one set-based statement over the whole table.

/**
 * How each weekly series counts its events between two instants. Each is answered from an index
 * on its instant (migration `stats_indexes`), one week at a time, so a year of weeks reads index
 * entries only, never every row of the table. A new series (certificates issued, say) is one
 * more entry here and one more key in the DTO.
 */
const activityCounts: Record<ActivitySeries, (from: SQL, to: SQL) => SQL> = {
  enrollments: (from, to) => sql`select count(*)::int from enrollments where enrolled_at >= ${from} and enrolled_at < ${to}`,
  completions: (from, to) => sql`select count(*)::int from enrollments where completed_at >= ${from} and completed_at < ${to}`,
  certifications: (from, to) => sql`select count(*)::int from certificates where issued_at >= ${from} and issued_at < ${to}`,
};

type TotalsRow = { active: number; completions: number; average_progress: number; upto_0: number; upto_25: number; upto_50: number; upto_75: number; below_100: number };

/**
 * Active enrollments in one pass: totals and the progress distribution together. Bands are
 * counted as running totals (at most 25 %, at most 50 %, …) and told apart afterwards: one
 * numeric comparison per band and row instead of two.
 */
async function enrollmentTotals(db: Executor) {
  const [row] = await db.execute<TotalsRow>(sql`
    select count(*)::int as active,
      count(completed_at)::int as completions,
      coalesce(round(avg(progress), 2), 0)::float8 as average_progress,
      count(*) filter (where progress = 0)::int as upto_0,
      count(*) filter (where progress <= 25)::int as upto_25,
      count(*) filter (where progress <= 50)::int as upto_50,
      count(*) filter (where progress <= 75)::int as upto_75,
      count(*) filter (where progress < 100)::int as below_100
    from enrollments where status = 'active'`);
  const bands = [row.upto_0, row.upto_25 - row.upto_0, row.upto_50 - row.upto_25, row.upto_75 - row.upto_50, row.below_100 - row.upto_75, row.active - row.below_100];
  return {
    totals: { activeEnrollments: row.active, completions: row.completions, averageProgress: row.average_progress },
    progress: progressBands.map((band, index) => ({ band, learners: bands[index] })),
  };
}

/**
 * Weekly counts of every activity series over the last 12 months: weeks start on Monday at
 * midnight in the organisation's timezone (so a DST week is 167 or 169 hours long), empty weeks
 * included so charts have no gaps.
 */
async function weeklyActivity(db: Executor, input: { now: Date; timezone: string }): Promise<StatsOverviewDto['activity']> {
  const now = input.now.toISOString();
  const tz = input.timezone;
  const counts = sql.join(
    activitySeries.map((series) => sql`${series}::text, (${activityCounts[series](sql`w.starts_at`, sql`w.ends_at`)})`),
    sql`, `,
  );
  const rows = await db.execute<{ week: string; counts: Record<ActivitySeries, number> }>(sql`
    with w as (
      select local::date as week, local at time zone ${tz} as starts_at, (local + interval '1 week') at time zone ${tz} as ends_at
      from generate_series(
        date_trunc('week', (${now}::timestamptz at time zone ${tz}) - interval '12 months'),
        date_trunc('week', ${now}::timestamptz at time zone ${tz}),
        interval '1 week') as local
    )
    select w.week::text as week, json_build_object(${counts}) as counts from w order by w.week`);
  return Array.from(rows, (row) => ({ weekStart: row.week, enrollments: row.counts.enrollments, completions: row.counts.completions, certifications: row.counts.certifications }));
}

/** Submitted attempts per course: how many, by how many learners, their average and pass rate. */
async function quizScores(db: Executor): Promise<StatsOverviewDto['quizScores']> {
  // Aggregated per quiz first (a handful of groups), then per course: no join runs per submission.
  const rows = await db.execute<{ course_id: string; course_title: string; submissions: number; average: number; pass_rate: number }>(sql`
    select q.course_id, c.title as course_title, sum(s.n)::int as submissions,
      round(sum(s.total) / sum(s.n), 2)::float8 as average,
      round(100.0 * sum(s.passed) / sum(s.n), 2)::float8 as pass_rate
    from (
      select quiz_id, count(*) as n, sum(percentage) as total, count(*) filter (where passed) as passed
      from quiz_submissions where submitted_at is not null group by quiz_id
    ) s
    join quizzes q on q.id = s.quiz_id
    join courses c on c.id = q.course_id
    group by q.course_id, c.title
    order by c.title`);
  return Array.from(rows, (r) => ({ courseId: r.course_id, courseTitle: r.course_title, submissions: r.submissions, averagePercentage: r.average, passRate: r.pass_rate }));
}

/** Snapshots being computed, per database: requests arriving meanwhile share the one in flight. */
const inFlight = new WeakMap<object, Promise<StatsOverviewDto>>();

/**
 * Everything the statistics page shows, at one instant. The parts are independent set-based
 * statements run side by side on the pool. When an event makes every open statistics page
 * refetch at once, they share one computation: a request arriving while a snapshot is being
 * computed gets that snapshot (it is at most one computation old).
 * @example const overview = await statsOverview(db, { actor, now: new Date() });
 */
export function statsOverview(db: Executor, input: { actor: Actor; now: Date }): Promise<StatsOverviewDto> {
  authorize(input.actor, 'stats.view');
  const running = inFlight.get(db);
  if (running) return running;
  const computing = computeOverview(db, input).finally(() => inFlight.delete(db));
  inFlight.set(db, computing);
  return computing;
}

async function computeOverview(db: Executor, input: { actor: Actor; now: Date }): Promise<StatsOverviewDto> {
  const [enrollment, [timezone, activity], scores, compliance, evaluations, certificates] = await Promise.all([
    enrollmentTotals(db),
    readSetting(db, 'organisationTimezone').then(async (timezone) => [timezone, await weeklyActivity(db, { now: input.now, timezone })] as const),
    quizScores(db),
    complianceReport(db, { actor: input.actor, now: input.now }),
    evaluationReport(db, { actor: input.actor }),
    certificateTotals(db, input.now),
  ]);
  return {
    generatedAt: input.now.toISOString(),
    timezone,
    totals: { ...enrollment.totals, ...certificates },
    compliance,
    activity,
    quizScores: scores,
    evaluations,
    progress: enrollment.progress,
  };
}
