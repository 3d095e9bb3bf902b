import { describe, expect, it } from 'vitest';
import { canCohortWatch } from '../server/modules/cohorts/access.ts';
import { useTestApp } from './support/app.ts';
import { createCourse } from './support/courses.ts';
import { createUser, signIn } from './support/factories.ts';
import type { HttpClient } from './support/http.ts';

describe('cohorts: members, enrolment, seats and the dashboard', () => {
  const t = useTestApp();

  async function moderator(): Promise<HttpClient> {
    return signIn(t().client(), await createUser(t().db, { roles: ['moderator'] }));
  }

  async function newCohort(mod: HttpClient, seats: number | null = null): Promise<{ id: string }> {
    const created = await mod.post('/api/cohorts', { title: 'Cohort', startsOn: '2030-01-01', endsOn: '2030-03-31', timezone: 'UTC', seats });
    expect(created.status).toBe(201);
    return created.body;
  }

  async function enrollmentsOf(userIds: string[]) {
    return t().database.sql`
      select user_id, course_id, source, status from enrollments
      where user_id = any(${userIds}::uuid[]) order by user_id, course_id`;
  }

  it('enrols added members in every course of the cohort, and tells who was added', async () => {
    const mod = await moderator();
    const cohort = await newCohort(mod);
    const [first, second] = [await createCourse(t().db), await createCourse(t().db)];
    await mod.put(`/api/cohorts/${cohort.id}/courses`, { courses: [{ courseId: first.id }, { courseId: second.id }] });
    const people = await Promise.all([createUser(t().db), createUser(t().db)]);
    const ids = people.map((p) => p.id);

    const added = await mod.post(`/api/cohorts/${cohort.id}/members`, { userIds: ids });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ added: [...ids].sort(), alreadyMembers: [], enrolled: 4, cohort: { memberCount: 2 } });
    const rows = await enrollmentsOf(ids);
    expect(rows).toHaveLength(4);
    expect(rows.every((row) => row.source === 'cohort' && row.status === 'active')).toBe(true);
    const enrolledEvents = t().relay.events.filter((e) => e.name === 'enrollment.updated' && ids.includes(e.payload.userId));
    expect(enrolledEvents).toHaveLength(4);
    for (const event of enrolledEvents) expect(event.payload).toMatchObject({ source: 'cohort', cohortIds: [cohort.id] });
    expect(t().relay.events).toContainEqual({ name: 'cohort.updated', payload: expect.objectContaining({ id: cohort.id, memberCount: 2 }) });

    const again = await mod.post(`/api/cohorts/${cohort.id}/members`, { userIds: [ids[0]] });
    expect(again.body).toMatchObject({ added: [], alreadyMembers: [ids[0]], enrolled: 0 });
    const audit = await t().database.sql`select action from audit_events where subject_id = ${cohort.id} order by created_at`;
    expect(audit.map((r) => r.action)).toEqual(['cohort_created', 'cohort_courses_changed', 'cohort_members_added']);
  });

  it('enrols every current member in a course added later, and keeps enrollments when a course or member leaves', async () => {
    const mod = await moderator();
    const cohort = await newCohort(mod);
    const people = await Promise.all([createUser(t().db), createUser(t().db), createUser(t().db)]);
    const ids = people.map((p) => p.id);
    await mod.post(`/api/cohorts/${cohort.id}/members`, { userIds: ids });
    expect(await enrollmentsOf(ids)).toHaveLength(0);

    const course = await createCourse(t().db);
    const linked = await mod.put(`/api/cohorts/${cohort.id}/courses`, { courses: [{ courseId: course.id }] });
    expect(linked.status).toBe(200);
    expect((await enrollmentsOf(ids)).map((r) => [r.course_id, r.source])).toEqual(ids.map(() => [course.id, 'cohort']));
    expect(t().relay.events.filter((e) => e.name === 'enrollment.updated' && e.payload.courseId === course.id)).toHaveLength(3);

    const unlinked = await mod.put(`/api/cohorts/${cohort.id}/courses`, { courses: [] });
    expect(unlinked.body.courses).toEqual([]);
    const removed = await mod.post(`/api/cohorts/${cohort.id}/members/remove`, { userIds: [ids[0], ids[1]] });
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ removed: [ids[0], ids[1]].sort(), cohort: { memberCount: 1 } });
    expect((await enrollmentsOf(ids)).every((r) => r.status === 'active')).toBe(true);
    expect(t().relay.events).toContainEqual({ name: 'cohort.updated', payload: expect.objectContaining({ id: cohort.id, memberCount: 1 }) });
  });

  it('never seats more members than the cohort has, even under ten concurrent additions', async () => {
    const mod = await moderator();
    const cohort = await newCohort(mod, 5);
    const course = await createCourse(t().db);
    await mod.put(`/api/cohorts/${cohort.id}/courses`, { courses: [{ courseId: course.id }] });
    const people = await Promise.all(Array.from({ length: 10 }, () => createUser(t().db)));
    const responses = await Promise.all(people.map((p) => mod.post(`/api/cohorts/${cohort.id}/members`, { userIds: [p.id] })));

    expect(responses.filter((r) => r.status === 200)).toHaveLength(5);
    const refused = responses.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(5);
    for (const r of refused) {
      expect(r.status).toBe(409);
      expect(r.body.error).toMatchObject({ code: 'cohort_full', message: 'This cohort is full: all 5 seats are taken.', details: { seats: 5, seatsLeft: 0 } });
    }
    const [{ count }] = await t().database.sql`select count(*)::int as count from cohort_members where cohort_id = ${cohort.id}`;
    expect(count).toBe(5);
    // Refused additions left no enrollment behind.
    const [{ enrolled }] = await t().database.sql`select count(*)::int as enrolled from enrollments where course_id = ${course.id}`;
    expect(enrolled).toBe(5);
  });

  it('refuses a group larger than the seats left, saying how many are left, and adds nobody', async () => {
    const mod = await moderator();
    const cohort = await newCohort(mod, 3);
    await mod.post(`/api/cohorts/${cohort.id}/members`, { userIds: [(await createUser(t().db)).id] });
    const group = await Promise.all([createUser(t().db), createUser(t().db), createUser(t().db)]);
    const refused = await mod.post(`/api/cohorts/${cohort.id}/members`, { userIds: group.map((p) => p.id) });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('cohort_full');
    expect(refused.body.error.message).toBe('Only 2 of 3 seats are left in this cohort, and 3 new members were asked for.');
    expect((await mod.get(`/api/cohorts/${cohort.id}`)).body).toMatchObject({ memberCount: 1, seatsLeft: 2 });
    const unknown = await mod.post(`/api/cohorts/${cohort.id}/members`, { userIds: ['00000000-0000-4000-8000-000000000000'] });
    expect(unknown.status).toBe(404);
  });

  it('shows each member’s progress per course on the dashboard, with averages and completions', async () => {
    const mod = await moderator();
    const cohort = await newCohort(mod);
    const evaluator = await createUser(t().db, { roles: ['batch_evaluator'] });
    const [first, second] = [await createCourse(t().db, { title: 'Alpha course' }), await createCourse(t().db, { title: 'Beta course' })];
    await mod.put(`/api/cohorts/${cohort.id}/courses`, { courses: [{ courseId: first.id, evaluatorId: evaluator.id }, { courseId: second.id }] });
    const ada = await createUser(t().db, { name: 'Ada Member' });
    const bob = await createUser(t().db, { name: 'Bob Member' });
    await mod.post(`/api/cohorts/${cohort.id}/members`, { userIds: [ada.id, bob.id] });
    const completedAt = new Date('2030-02-01T10:00:00Z');
    await t().database.sql`update enrollments set progress = 100, completed_at = ${completedAt.toISOString()}::timestamptz, current_lesson_id = ${first.lessonIds[2]} where user_id = ${ada.id} and course_id = ${first.id}`;
    await t().database.sql`update enrollments set progress = 50, current_lesson_id = ${first.lessonIds[1]} where user_id = ${bob.id} and course_id = ${first.id}`;
    await t().database.sql`update enrollments set progress = 25.5 where user_id = ${ada.id} and course_id = ${second.id}`;

    const dashboard = await mod.get(`/api/cohorts/${cohort.id}/dashboard`);
    expect(dashboard.status).toBe(200);
    expect(dashboard.body.courses).toEqual([
      { courseId: first.id, title: 'Alpha course', averageProgress: 75, completed: 1, enrolled: 2 },
      { courseId: second.id, title: 'Beta course', averageProgress: 12.75, completed: 0, enrolled: 2 },
    ]);
    expect(dashboard.body.members.map((m: { name: string }) => m.name)).toEqual(['Ada Member', 'Bob Member']);
    const [adaRow, bobRow] = dashboard.body.members;
    expect(adaRow.progress[first.id]).toMatchObject({ progress: 100, status: 'active', completedAt: completedAt.toISOString(), currentLessonId: first.lessonIds[2] });
    expect(adaRow.progress[second.id]).toMatchObject({ progress: 25.5, completedAt: null });
    expect(bobRow.progress[first.id]).toMatchObject({ progress: 50, currentLessonId: first.lessonIds[1] });

    expect((await (await signIn(t().client(), evaluator)).get(`/api/cohorts/${cohort.id}/dashboard`)).status).toBe(200);
    const asMember = await signIn(t().client(), ada);
    expect((await asMember.get(`/api/cohorts/${cohort.id}/dashboard`)).status).toBe(403);
    const mine = await asMember.get('/api/me/cohorts');
    expect(mine.status).toBe(200);
    expect(mine.body.cohorts).toHaveLength(1);
    expect(mine.body.cohorts[0].cohort.id).toBe(cohort.id);
    expect(mine.body.cohorts[0].progress[first.id]).toMatchObject({ progress: 100, completedAt: completedAt.toISOString() });
    expect(mine.body.cohorts[0].progress[second.id]).toMatchObject({ progress: 25.5 });

    const page = await mod.get(`/api/cohorts/${cohort.id}/members?search=bob`);
    expect(page.body).toMatchObject({ total: 1, members: [{ userId: bob.id, name: 'Bob Member', email: bob.email }] });
  });

  it('lets moderators, evaluators and instructors watch a cohort’s room, not its learners', async () => {
    const mod = await createUser(t().db, { roles: ['moderator'] });
    const modClient = await signIn(t().client(), mod);
    const cohort = await newCohort(modClient);
    const evaluator = await createUser(t().db, { roles: ['batch_evaluator'] });
    const instructor = await createUser(t().db, { roles: ['course_creator'] });
    const course = await createCourse(t().db, { ownerId: instructor.id });
    await modClient.put(`/api/cohorts/${cohort.id}/courses`, { courses: [{ courseId: course.id, evaluatorId: evaluator.id }] });
    const member = await createUser(t().db);
    await modClient.post(`/api/cohorts/${cohort.id}/members`, { userIds: [member.id] });

    expect(await canCohortWatch(t().db, mod.id, cohort.id)).toBe(true);
    expect(await canCohortWatch(t().db, evaluator.id, cohort.id)).toBe(true);
    expect(await canCohortWatch(t().db, instructor.id, cohort.id)).toBe(true);
    expect(await canCohortWatch(t().db, member.id, cohort.id)).toBe(false);
    expect(await canCohortWatch(t().db, mod.id, '00000000-0000-4000-8000-000000000000')).toBe(false);
    // Roles are read fresh: an evaluator who lost the course no longer hears it.
    await modClient.put(`/api/cohorts/${cohort.id}/courses`, { courses: [{ courseId: course.id, evaluatorId: null }] });
    expect(await canCohortWatch(t().db, evaluator.id, cohort.id)).toBe(false);
  });
});
