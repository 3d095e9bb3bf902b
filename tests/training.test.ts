import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/app.ts';
import { createCourse } from './support/courses.ts';
import { createUser, signIn } from './support/factories.ts';

/** A YYYY-MM-DD `days` from today (UTC, the default organisation timezone). */
function day(days: number): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

describe('training assignments', () => {
  const t = useTestApp();

  const staff = async (role: 'moderator' | 'system_manager' = 'moderator') => signIn(t().client(), await createUser(t().db, { roles: [role] }));

  it('numbers assignments TA-0001 onward, enrols the employee, and refuses a second open one with 409', async () => {
    const moderator = await staff();
    const course = await createCourse(t().db, { lessons: 2 });
    const learner = await createUser(t().db);
    const created = await moderator.post('/api/training/assignments', { userId: learner.id, courseId: course.id, dueOn: day(20) });
    expect(created.status).toBe(201);
    expect(created.body.reference).toMatch(/^TA-\d{4,}$/);
    expect(created.body).toMatchObject({ status: 'pending', dueOn: day(20), cycle: 1, progress: 0, completedOn: null });
    const [enrollment] = await t().database.sql`select source from enrollments where user_id = ${learner.id} and course_id = ${course.id}`;
    expect(enrollment.source).toBe('assignment');
    expect(t().relay.events.some((e) => e.name === 'trainingAssignment.updated' && e.payload.id === created.body.id)).toBe(true);

    const again = await moderator.post('/api/training/assignments', { userId: learner.id, courseId: course.id, dueOn: day(30) });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('assignment_exists');

    const next = await moderator.post('/api/training/assignments', { userId: (await createUser(t().db)).id, courseId: course.id, dueOn: day(30) });
    expect(next.body.number).toBeGreaterThan(created.body.number);
  });

  it('follows progress: in progress above 0 %, completed at 100 % with the day it happened; completed rows are never deleted', async () => {
    const moderator = await staff();
    const course = await createCourse(t().db, { lessons: 2 });
    const learnerUser = await createUser(t().db);
    const learner = await signIn(t().client(), learnerUser);
    const { body: assignment } = await moderator.post('/api/training/assignments', { userId: learnerUser.id, courseId: course.id, dueOn: day(10) });

    t().relay.events.length = 0;
    expect((await learner.post(`/api/learn/lessons/${course.lessonIds[0]}/complete`)).status).toBe(200);
    let mine = (await learner.get('/api/me/training')).body.assignments;
    expect(mine[0]).toMatchObject({ id: assignment.id, status: 'in_progress', progress: 50 });
    expect(t().relay.events.some((e) => e.name === 'trainingAssignment.updated' && e.payload.status === 'in_progress')).toBe(true);

    await learner.post(`/api/learn/lessons/${course.lessonIds[1]}/complete`);
    mine = (await learner.get('/api/me/training')).body.assignments;
    expect(mine[0]).toMatchObject({ status: 'completed', progress: 100, completedOn: day(0) });

    await expect(t().database.sql`delete from training_assignments where id = ${assignment.id}`).rejects.toThrow(/cannot be deleted/);
    // A new assignment for the same course is allowed once the old one is completed: it is the next cycle.
    const renewed = await moderator.post('/api/training/assignments', { userId: learnerUser.id, courseId: course.id, dueOn: day(40) });
    expect(renewed.status).toBe(201);
    expect(renewed.body.cycle).toBe(2);
  });

  it('lets staff change due dates (status follows), never students; students read only their own', async () => {
    const moderator = await staff();
    const course = await createCourse(t().db);
    const learnerUser = await createUser(t().db);
    const learner = await signIn(t().client(), learnerUser);
    const { body: assignment } = await moderator.post('/api/training/assignments', { userId: learnerUser.id, courseId: course.id, dueOn: day(5) });

    const past = await moderator.patch(`/api/training/assignments/${assignment.id}`, { dueOn: day(-1) });
    expect(past.status).toBe(200);
    expect(past.body.status).toBe('overdue');
    const future = await (await staff('system_manager')).patch(`/api/training/assignments/${assignment.id}`, { dueOn: day(9) });
    expect(future.body).toMatchObject({ status: 'pending', dueOn: day(9) });

    expect((await learner.patch(`/api/training/assignments/${assignment.id}`, { dueOn: day(90) })).status).toBe(403);
    expect((await learner.post('/api/training/assignments', { userId: learnerUser.id, courseId: course.id, dueOn: day(90) })).status).toBe(403);
    expect((await learner.get('/api/training/assignments')).status).toBe(403);
    expect((await learner.post('/api/training/bulk-assign', { courseId: course.id, dueOn: day(9), userIds: [learnerUser.id] })).status).toBe(403);
    const other = await signIn(t().client(), await createUser(t().db));
    expect((await other.get('/api/me/training')).body.assignments).toEqual([]);
    expect((await t().client().get('/api/me/training')).status).toBe(401);

    const listed = await moderator.get(`/api/training/assignments?userId=${learnerUser.id}`);
    expect(listed.body.total).toBe(1);
  });

  it('bulk-assigns by department, designation, cohort and emails: counts assigned, skipped, enrolled', async () => {
    const moderator = await staff();
    const course = await createCourse(t().db);
    const dept = `Dept-${Math.random().toString(36).slice(2, 8)}`;
    const people = await Promise.all(Array.from({ length: 6 }, () => createUser(t().db)));
    await t().database.sql`update users set department = ${dept} where id = any(${people.slice(0, 3).map((p) => p.id)}::uuid[])`;
    await t().database.sql`update users set designation = ${dept + '-engineer'} where id = ${people[3].id}`;
    const [cohort] = await t().database.sql`insert into cohorts (title, starts_on, ends_on, timezone, created_by) values ('Bulk cohort', '2026-01-01', '2026-12-31', 'UTC', ${people[0].id}) returning id`;
    await t().database.sql`insert into cohort_members (cohort_id, user_id) values (${cohort.id}, ${people[5].id})`;
    // One already enrolled, one already assigned.
    await moderator.post(`/api/courses/${course.id}/enrollments`, { userIds: [people[0].id] });
    await moderator.post('/api/training/assignments', { userId: people[1].id, courseId: course.id, dueOn: day(3) });

    const result = await moderator.post('/api/training/bulk-assign', {
      courseId: course.id,
      dueOn: day(30),
      department: dept,
      designation: `${dept}-engineer`,
      emails: [people[4].email, 'nobody@example.test'],
      cohortId: cohort.id,
    });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ selected: 6, assigned: 5, skipped: 1, enrolled: 4, unknownEmails: ['nobody@example.test'] });

    const again = await moderator.post('/api/training/bulk-assign', { courseId: course.id, dueOn: day(30), department: dept });
    expect(again.body).toMatchObject({ selected: 3, assigned: 0, skipped: 3, enrolled: 0 });
    const [{ open }] = await t().database.sql`select count(*)::int as open from training_assignments where course_id = ${course.id} and status <> 'completed'`;
    expect(open).toBe(6);
  });

  it('authorises API keys by scope: training:assign may bulk-assign (200), other scopes 403, none 401', async () => {
    const admin = await staff('system_manager');
    const course = await createCourse(t().db);
    const employee = await createUser(t().db);
    const assignKey = (await admin.post('/api/api-keys', { name: 'HR assign', scopes: ['training:assign'] })).body.secret;
    const readKey = (await admin.post('/api/api-keys', { name: 'HR read', scopes: ['users:read'] })).body.secret;
    const body = { courseId: course.id, dueOn: day(14), emails: [employee.email] };

    const ok = await t().client().withBearer(assignKey).post('/api/training/bulk-assign', body);
    expect(ok.status).toBe(200);
    expect(ok.body.assigned).toBe(1);
    expect((await t().client().withBearer(readKey).post('/api/training/bulk-assign', body)).status).toBe(403);
    expect((await t().client().post('/api/training/bulk-assign', body)).status).toBe(401);
    // training:assign does not reach the onboarding hook nor single assignments.
    expect((await t().client().withBearer(assignKey).post('/api/integrations/onboarding', { email: 'x@example.test', name: 'X' })).status).toBe(403);
    expect((await t().client().withBearer(assignKey).get('/api/training/assignments')).status).toBe(403);
  });

  it('refuses to assign a draft course', async () => {
    const moderator = await staff();
    const course = await createCourse(t().db, { status: 'draft' });
    const response = await moderator.post('/api/training/assignments', { userId: (await createUser(t().db)).id, courseId: course.id, dueOn: day(3) });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('course_not_published');
  });

  it('onboards an employee once: account, mandatory courses, assignments due in 30 days; a second call changes nothing', async () => {
    const admin = await staff('system_manager');
    const mandatory = await createCourse(t().db, { settings: { isMandatory: true, validityDays: 365 } });
    const draftMandatory = await createCourse(t().db, { status: 'draft', settings: { isMandatory: true } });
    const optional = await createCourse(t().db);
    const key = (await admin.post('/api/api-keys', { name: 'HRMS', scopes: ['onboarding'] })).body.secret;
    const hr = t().client().withBearer(key);
    const email = `new-hire-${Math.random().toString(36).slice(2, 8)}@example.test`;
    const input = { email, name: 'New Hire', employeeCode: `E-${Math.random().toString(36).slice(2, 8)}`, department: 'Sales', designation: 'Account executive' };

    const first = await hr.post('/api/integrations/onboarding', input);
    expect(first.status).toBe(200);
    expect(first.body.created).toBe(true);
    expect(first.body.user).toMatchObject({ email, roles: ['student'], department: 'Sales', designation: 'Account executive', employeeCode: input.employeeCode });
    const mine = first.body.assignments.filter((a: { courseId: string }) => a.courseId === mandatory.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ dueOn: day(30), status: 'pending', source: 'onboarding' });
    expect(first.body.assignments.some((a: { courseId: string }) => a.courseId === draftMandatory.id || a.courseId === optional.id)).toBe(false);

    const counts = async () =>
      (await t().database.sql`
        select (select count(*)::int from training_assignments where user_id = ${first.body.user.id}) as assignments,
               (select count(*)::int from enrollments where user_id = ${first.body.user.id}) as enrollments,
               (select updated_at from users where id = ${first.body.user.id}) as updated`)[0];
    const before = await counts();
    const second = await hr.post('/api/integrations/onboarding', input);
    expect(second.status).toBe(200);
    expect(second.body.created).toBe(false);
    expect(second.body.assignments).toEqual(first.body.assignments);
    expect(await counts()).toEqual(before);

    // Concurrent calls for another person still make one account and one assignment per course.
    const other = { email: `twin-${Math.random().toString(36).slice(2, 8)}@example.test`, name: 'Twin' };
    const results = await Promise.all([hr.post('/api/integrations/onboarding', other), hr.post('/api/integrations/onboarding', other)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 200]);
    const [{ n }] = await t().database.sql`select count(*)::int as n from training_assignments a join users u on u.id = a.user_id where u.email = ${other.email} and a.course_id = ${mandatory.id}`;
    expect(n).toBe(1);

    expect((await t().client().post('/api/integrations/onboarding', input)).status).toBe(401);
    expect((await admin.post('/api/integrations/onboarding', input)).status).toBe(403);
  });

  it('imports employees from CSV with a result per row', async () => {
    const moderator = await staff();
    const existing = await createUser(t().db);
    const fresh = `fresh-${Math.random().toString(36).slice(2, 8)}@example.test`;
    const csv = `email,name,department,designation,employee code\n${existing.email},,Ops,Lead,\n${fresh},Fresh Person,Ops,Analyst,\nnot-an-email,Bad,,,\n`;
    const response = await moderator.post('/api/users/import', { csv });
    expect(response.status).toBe(200);
    expect(response.body.counts).toEqual({ created: 1, updated: 1, unchanged: 0, invalid: 1 });
    expect(response.body.rows.map((r: { row: number; outcome: string }) => [r.row, r.outcome])).toEqual([[2, 'updated'], [3, 'created'], [4, 'invalid']]);
    const [created] = await t().database.sql`select u.name, u.department, array_agg(r.role) as roles from users u join user_roles r on r.user_id = u.id where u.email = ${fresh} group by u.id`;
    expect(created).toMatchObject({ name: 'Fresh Person', department: 'Ops', roles: ['student'] });
    const again = await moderator.post('/api/users/import', { csv });
    expect(again.body.counts).toEqual({ created: 0, updated: 0, unchanged: 2, invalid: 1 });
    const student = await signIn(t().client(), await createUser(t().db));
    expect((await student.post('/api/users/import', { csv })).status).toBe(403);
  });
});
