import { sql } from 'drizzle-orm';
import { authorize, type Actor } from '../../auth/permissions.ts';
import type { Executor } from '../../db/client.ts';

export interface EvaluationFigures {
  /** Booked and not cancelled (pending or completed). */
  booked: number;
  pending: number;
  completed: number;
  passed: number;
  failed: number;
  cancelled: number;
  /** passed / (passed + failed), 0–100; 0 while no outcome is recorded. */
  passRate: number;
}

export interface EvaluationReport {
  byCourse: (EvaluationFigures & { courseId: string; courseTitle: string })[];
  byEvaluator: (EvaluationFigures & { evaluatorId: string; evaluatorName: string })[];
}

type Row = { key: string; label: string; booked: number; pending: number; completed: number; passed: number; failed: number; cancelled: number };

function figures(row: Row): EvaluationFigures {
  const decided = row.passed + row.failed;
  return {
    booked: row.booked,
    pending: row.pending,
    completed: row.completed,
    passed: row.passed,
    failed: row.failed,
    cancelled: row.cancelled,
    passRate: decided ? Math.round((10_000 * row.passed) / decided) / 100 : 0,
  };
}

/**
 * Evaluations per course and per evaluator, in one pass over certificate requests grouped both
 * ways (`grouping sets`), for the statistics page.
 * @example const { byCourse, byEvaluator } = await evaluationReport(db, { actor });
 */
export async function evaluationReport(db: Executor, input: { actor: Actor }): Promise<EvaluationReport> {
  authorize(input.actor, 'stats.view');
  const rows = await db.execute<Row & { by_course: boolean }>(sql`
    select grouping(r.course_id) = 0 as by_course,
      coalesce(r.course_id::text, r.evaluator_id::text) as key,
      case when grouping(r.course_id) = 0 then min(c.title) else min(u.name) end as label,
      count(*) filter (where r.status <> 'cancelled')::int as booked,
      count(*) filter (where r.status = 'pending')::int as pending,
      count(*) filter (where r.status = 'completed')::int as completed,
      count(*) filter (where r.outcome = 'pass')::int as passed,
      count(*) filter (where r.outcome = 'fail')::int as failed,
      count(*) filter (where r.status = 'cancelled')::int as cancelled
    from certificate_requests r
    join courses c on c.id = r.course_id
    join users u on u.id = r.evaluator_id
    group by grouping sets ((r.course_id), (r.evaluator_id))
    order by label`);
  const list = Array.from(rows);
  return {
    byCourse: list.filter((r) => r.by_course).map((r) => ({ courseId: r.key, courseTitle: r.label, ...figures(r) })),
    byEvaluator: list.filter((r) => !r.by_course).map((r) => ({ evaluatorId: r.key, evaluatorName: r.label, ...figures(r) })),
  };
}
