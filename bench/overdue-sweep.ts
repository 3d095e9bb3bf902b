import { sweepAssignments } from '../server/modules/training/sweep.ts';
import { createCourse } from '../tests/support/courses.ts';
import { startBenchApp } from './support/app-fixture.ts';
import { round } from './support/measure.ts';

const ASSIGNMENTS = Number(process.env.BENCH_ASSIGNMENTS ?? 100_000);
const COURSES = 10;

/**
 * overdue_sweep: ASSIGNMENTS open assignments (EMPLOYEES × 10 courses); 90 % are past due, 10 %
 * due within the week. Measured: the sweep's database half in one transaction — mark overdue
 * (one UPDATE), pick the newly overdue for their notice and the due-soon for their reminder
 * (flags set in the UPDATE … RETURNING that picks them, so each is told once), recertification.
 * The floor (`baseline_seconds`) is one bare `UPDATE … SET status = 'overdue'` of the same rows,
 * rolled back before the sweep runs.
 */
export async function run(): Promise<Record<string, number>> {
  const bench = await startBenchApp({ SERVER_ROLE: 'web' });
  try {
    const { db, sql } = bench.database;
    const [owner] = await bench.createPeople(1, 'course_creator', 'creator');
    const courseIds: string[] = [];
    for (let i = 0; i < COURSES; i++) courseIds.push((await createCourse(db, { ownerId: owner.id, lessons: 1 })).id);
    const employees = Math.ceil(ASSIGNMENTS / COURSES);
    await sql`
      insert into users (email, name, password_hash, department)
      select 'employee' || i || '@bench.test', 'Employee ' || i, 'x', 'Bench' from generate_series(1, ${employees}) i`;
    await sql`
      insert into enrollments (user_id, course_id, source)
      select u.id, c, 'assignment' from users u cross join unnest(${courseIds}::uuid[]) c where u.department = 'Bench'`;
    // Due dates relative to the database's today: row n is 1–30 days late, or (every 10th) due in 3 days.
    await sql`
      insert into training_assignments (user_id, course_id, enrollment_id, due_on, source)
      select e.user_id, e.course_id, e.id,
        case when row_number() over () % 10 = 0 then current_date + 3 else current_date - 1 - (row_number() over () % 30)::int end, 'bulk'
      from enrollments e join users u on u.id = e.user_id where u.department = 'Bench'`;
    await sql`vacuum analyze`;

    const baselineStarted = performance.now();
    await sql
      .begin(async (tx) => {
        await tx`update training_assignments set status = 'overdue', updated_at = now() where status in ('pending', 'in_progress') and due_on < current_date`;
        throw new Error('rollback');
      })
      .catch((error: Error) => {
        if (error.message !== 'rollback') throw error;
      });
    const baselineSeconds = (performance.now() - baselineStarted) / 1000;
    await sql`vacuum analyze training_assignments`; // the rolled-back versions must not weigh on the sweep

    const started = performance.now();
    const result = await sweepAssignments(db, new Date());
    const seconds = (performance.now() - started) / 1000;
    const again = await sweepAssignments(db, new Date());
    if (again.reminders.length || again.overdueNotices.length || again.markedOverdue.length) throw new Error('a second sweep picked rows again');
    return {
      assignments: ASSIGNMENTS,
      marked_overdue: result.markedOverdue.length,
      reminders: result.reminders.length,
      seconds: round(seconds, 3),
      baseline_seconds: round(baselineSeconds, 3),
    };
  } finally {
    await bench.close();
  }
}
