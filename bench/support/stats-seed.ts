import type { DatabaseHandle } from '../../server/db/client.ts';
import { createCourse } from '../../tests/support/courses.ts';

/**
 * A learning history of `enrollments` rows, written set-based: learners × 10 courses (one lesson
 * and one quiz each), progress spread over every band, enrolment instants over the last year,
 * completions for the 100 % ones, a submitted attempt for 3 in 10, training assignments for two
 * courses, and 1,000 booked evaluations. Deterministic (hashes, not random()).
 */
export async function seedLearningHistory(database: DatabaseHandle, input: { ownerId: string; enrollments: number }): Promise<{ courseIds: string[] }> {
  const { db, sql } = database;
  const courses = [];
  for (let i = 0; i < 10; i++) courses.push(await createCourse(db, { ownerId: input.ownerId, title: `Bench course ${i + 1}`, lessons: 1, quizzes: [{}] }));
  const courseIds = courses.map((c) => c.id);
  const quizIds = courses.map((c) => c.quizzes[0].id);
  const learners = Math.ceil(input.enrollments / courseIds.length);
  await sql`
    insert into users (email, name, password_hash, department)
    select 'learner' || i || '@bench.test', 'Learner ' || i, 'x', 'Dept ' || (i % 12) from generate_series(1, ${learners}) i`;
  await sql`insert into user_roles (user_id, role) select id, 'student' from users where email like 'learner%@bench.test'`;
  await sql`
    with pairs as (
      select u.id as user_id, c.course_id, abs(hashtext(u.id::text || c.course_id::text)) as h
      from users u cross join unnest(${courseIds}::uuid[]) as c(course_id)
      where u.email like 'learner%@bench.test'
      limit ${input.enrollments}
    ), shaped as (
      select user_id, course_id, h,
        case when h % 7 = 0 then 100 when h % 7 = 1 then 0 else h % 100 end as progress,
        now() - ((h % 360) * interval '1 day') - ((h % 1440) * interval '1 minute') as enrolled_at
      from pairs
    )
    insert into enrollments (user_id, course_id, source, progress, enrolled_at, completed_at, updated_at)
    select user_id, course_id, 'self', progress, enrolled_at,
      case when progress = 100 then least(now(), enrolled_at + interval '9 days') end, enrolled_at
    from shaped`;
  await sql`
    insert into quiz_submissions (quiz_id, enrollment_id, user_id, attempt, started_at, submitted_at, score, max_score, percentage, passed, time_taken_seconds, closed_by)
    select q.quiz_id, e.id, e.user_id, 1, e.enrolled_at, e.enrolled_at + interval '1 hour',
      (abs(hashtext(e.id::text)) % 3), 2, (abs(hashtext(e.id::text)) % 3) * 50, (abs(hashtext(e.id::text)) % 3) >= 1, 600, 'learner'
    from enrollments e
    join unnest(${courseIds}::uuid[], ${quizIds}::uuid[]) as q(course_id, quiz_id) on q.course_id = e.course_id
    where abs(hashtext(e.id::text || 'q')) % 10 < 3`;
  await sql`
    insert into training_assignments (user_id, course_id, enrollment_id, due_on, source, status, completed_on)
    select e.user_id, e.course_id, e.id, current_date + (abs(hashtext(e.id::text)) % 60 - 20), 'bulk',
      case when e.progress = 100 then 'completed' when e.progress > 0 then 'in_progress' else 'pending' end::training_assignment_status,
      case when e.progress = 100 then current_date end
    from enrollments e where e.course_id = any(${courseIds.slice(0, 2)}::uuid[])`;
  await sql`
    insert into users (email, name, password_hash) select 'evaluator' || i || '@bench.test', 'Evaluator ' || i, 'x' from generate_series(1, 5) i`;
  await sql`
    with picked as (
      select e.user_id, e.course_id, row_number() over (order by e.id) as n from enrollments e where e.progress = 100 limit 1000
    ), evaluators as (
      select id, row_number() over (order by email) - 1 as k from users where email like 'evaluator%@bench.test'
    )
    insert into certificate_requests (member_id, course_id, evaluator_id, starts_at, ends_at, status, learner_timezone, outcome, completed_at, cancelled_at)
    select p.user_id, p.course_id, ev.id, timestamptz '2030-01-01' + p.n * interval '1 hour', timestamptz '2030-01-01' + p.n * interval '1 hour' + interval '30 minutes',
      s.status::certificate_request_status, 'UTC',
      case when s.status = 'completed' then (case when p.n % 3 = 0 then 'fail' else 'pass' end)::evaluation_outcome end,
      case when s.status = 'completed' then now() end,
      case when s.status = 'cancelled' then now() end
    from picked p
    join evaluators ev on ev.k = p.n % 5
    cross join lateral (select case p.n % 4 when 0 then 'cancelled' when 1 then 'completed' else 'pending' end as status) s`;
  await sql`vacuum analyze`;
  return { courseIds };
}
