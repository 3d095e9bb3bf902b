import { createCourse } from '../tests/support/courses.ts';
import { startBenchApp } from './support/app-fixture.ts';
import { round } from './support/measure.ts';

const EMPLOYEES = Number(process.env.BENCH_EMPLOYEES ?? 10_000);

/**
 * bulk_assign: a moderator assigns a published course to a department of EMPLOYEES employees over
 * HTTP (selection resolved on the server, enrollments created, assignments created, events
 * relayed). The floor (`baseline_seconds`) is the same rows written by bare SQL: one
 * `INSERT … SELECT` of the enrollments and one of the assignments, for a second course.
 */
export async function run(): Promise<Record<string, number>> {
  const bench = await startBenchApp({ SERVER_ROLE: 'web' });
  try {
    const { db, sql } = bench.database;
    const [moderator] = await bench.createPeople(1, 'moderator', 'moderator');
    const course = await createCourse(db, { ownerId: moderator.id, lessons: 3 });
    const other = await createCourse(db, { ownerId: moderator.id, lessons: 3 });
    await sql`
      insert into users (email, name, password_hash, department)
      select 'employee' || i || '@bench.test', 'Employee ' || i, 'x', 'Bench' from generate_series(1, ${EMPLOYEES}) i`;
    await sql`insert into user_roles (user_id, role) select id, 'student' from users where department = 'Bench'`;
    await sql`vacuum analyze`;

    const url = bench.app.url;
    const started = performance.now();
    const response = await fetch(`${url}/api/training/bulk-assign`, {
      method: 'POST',
      headers: { cookie: moderator.cookie, origin: url, 'content-type': 'application/json' },
      body: JSON.stringify({ courseId: course.id, dueOn: '2030-01-31', department: 'Bench' }),
    });
    const result = (await response.json()) as { assigned: number };
    const seconds = (performance.now() - started) / 1000;
    if (!response.ok || result.assigned !== EMPLOYEES) throw new Error(`bulk assign answered ${response.status}: ${JSON.stringify(result)}`);

    const baselineStarted = performance.now();
    await sql.begin(async (tx) => {
      await tx`insert into enrollments (user_id, course_id, source) select id, ${other.id}, 'assignment' from users where department = 'Bench'`;
      await tx`
        insert into training_assignments (user_id, course_id, enrollment_id, due_on, source)
        select user_id, course_id, id, '2030-01-31', 'bulk' from enrollments where course_id = ${other.id}`;
    });
    const baselineSeconds = (performance.now() - baselineStarted) / 1000;
    return { employees: EMPLOYEES, seconds: round(seconds, 3), baseline_seconds: round(baselineSeconds, 3) };
  } finally {
    await bench.close();
  }
}
