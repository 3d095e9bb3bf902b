import { sql } from 'drizzle-orm';
import { authorize, type Actor } from '../../auth/permissions.ts';
import type { Executor } from '../../db/client.ts';
import { iso } from '../../http.ts';
import { loadCourseAccess } from '../courses/access.ts';
import { REMINDER_DAYS, organisationToday } from '../training/queries.ts';
import type { CourseDashboardDto } from './dto.ts';

type LearnerRow = {
  enrollment_id: string;
  user_id: string;
  name: string;
  email: string;
  progress: string;
  enrolled_at: string | Date;
  completed_at: string | Date | null;
  last_activity_at: string | Date;
  quiz_best: Record<string, string | number>;
  due_on: string | null;
  idle: boolean;
  due_soon: boolean;
};

/**
 * A course's learners for its owner, co-instructors and staff: progress, best quiz scores, last
 * activity (enrolment, a new cycle, a completed lesson, a quiz started or submitted), the open training
 * assignment's due date, and who is stuck: below 100 % and idle for `stuckDays`, or below 100 %
 * with the due date within 7 days (or past). One statement, whatever the course's size.
 */
export async function courseDashboard(db: Executor, input: { actor: Actor; courseId: string; stuckDays: number; now: Date }): Promise<CourseDashboardDto> {
  const course = await loadCourseAccess(db, input.courseId);
  authorize(input.actor, 'courses.viewProgress', { ownerIds: course.runnerIds });
  const { today } = await organisationToday(db, input.now);
  const now = input.now.toISOString();
  const quizzes = await db.execute<{ id: string; title: string; pass_percentage: number }>(sql`
    select id, title, pass_percentage from quizzes where course_id = ${course.id} order by position, id`);
  const rows = await db.execute<LearnerRow>(sql`
    with e as (
      select id, user_id, progress, enrolled_at, completed_at, cycle_started_at from enrollments where course_id = ${course.id} and status = 'active'
    ),
    lessons_done as (
      select l.enrollment_id, max(l.completed_at) as at from lesson_completions l join e on e.id = l.enrollment_id group by l.enrollment_id
    ),
    attempts as (
      select s.enrollment_id, s.quiz_id,
        -- Best of the current cycle (recertification restarts the course; earlier attempts are history).
        max(s.percentage) filter (where s.submitted_at is not null and s.started_at >= coalesce(e.cycle_started_at, '-infinity'::timestamptz)) as best,
        max(coalesce(s.submitted_at, s.started_at)) as at
      from quiz_submissions s join e on e.id = s.enrollment_id group by s.enrollment_id, s.quiz_id
    ),
    per_learner as (
      select e.id as enrollment_id, e.user_id, e.progress, e.enrolled_at, e.completed_at, u.name, u.email,
        greatest(e.enrolled_at, e.cycle_started_at, ld.at, (select max(a.at) from attempts a where a.enrollment_id = e.id)) as last_activity_at,
        coalesce((select json_object_agg(a.quiz_id, a.best) from attempts a where a.enrollment_id = e.id and a.best is not null), '{}'::json) as quiz_best,
        (select t.due_on from training_assignments t
          where t.user_id = e.user_id and t.course_id = ${course.id} and t.completed_on is null) as due_on
      from e
      join users u on u.id = e.user_id
      left join lessons_done ld on ld.enrollment_id = e.id
    )
    select enrollment_id, user_id, name, email, progress, enrolled_at, completed_at, last_activity_at, quiz_best, due_on::text as due_on,
      (progress < 100 and last_activity_at < ${now}::timestamptz - make_interval(days => ${input.stuckDays})) as idle,
      (progress < 100 and due_on is not null and due_on <= ${today}::date + ${REMINDER_DAYS}::int) as due_soon
    from per_learner
    order by name, user_id`);
  const learners = Array.from(rows, (row) => ({
    enrollmentId: row.enrollment_id,
    userId: row.user_id,
    name: row.name,
    email: row.email,
    progress: Number(row.progress),
    enrolledAt: iso(new Date(row.enrolled_at)),
    completedAt: row.completed_at ? iso(new Date(row.completed_at)) : null,
    lastActivityAt: iso(new Date(row.last_activity_at)),
    quizBest: Object.fromEntries(Object.entries(row.quiz_best).map(([quizId, best]) => [quizId, Number(best)])),
    dueOn: row.due_on,
    stuck: [...(row.idle ? (['no_progress'] as const) : []), ...(row.due_soon ? (['due_soon'] as const) : [])],
  }));
  const total = learners.reduce((sum, l) => sum + l.progress, 0);
  return {
    course: { id: course.id, title: course.title },
    generatedAt: now,
    stuckDays: input.stuckDays,
    quizzes: Array.from(quizzes, (q) => ({ id: q.id, title: q.title, passPercentage: Number(q.pass_percentage) })),
    summary: {
      enrolled: learners.length,
      completed: learners.filter((l) => l.completedAt !== null).length,
      averageProgress: learners.length ? Math.round((total / learners.length) * 100) / 100 : 0,
      stuck: learners.filter((l) => l.stuck.length > 0).length,
    },
    learners,
  };
}
