import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { enrolMany } from '../server/modules/enrollment/enrol.ts';
import { useTestApp } from './support/app.ts';
import { createCourse } from './support/courses.ts';
import { createUser, signIn } from './support/factories.ts';

describe('enrollments', () => {
  const t = useTestApp();
  const learner = async () => {
    const user = await createUser(t().db);
    return { user, client: await signIn(t().client(), user) };
  };
  const moderator = async () => signIn(t().client(), await createUser(t().db, { roles: ['moderator'] }));
  const rowsOf = async (userId: string, courseId: string) =>
    t().database.sql`select * from enrollments where user_id = ${userId} and course_id = ${courseId}`;

  it('gives one enrollment for twenty simultaneous self-enrolments: 201 once, 200 for the rest', async () => {
    const course = await createCourse(t().db, { lessons: 2 });
    const { user, client } = await learner();
    const answers = await Promise.all(Array.from({ length: 20 }, () => client.post(`/api/courses/${course.id}/enroll`)));
    expect(answers.map((a) => a.status).sort()).toEqual([...Array(19).fill(200), 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await rowsOf(user.id, course.id)).toHaveLength(1);
    expect(answers[0].body).toMatchObject({ userId: user.id, courseId: course.id, source: 'self', status: 'active', progress: 0 });
    const events = t().relay.events.filter((e) => e.name === 'enrollment.updated' && e.payload.userId === user.id);
    expect(events).toHaveLength(1);
  });

  it('refuses self-enrolment in a draft and in a course closed to self-learning, with clear codes', async () => {
    const draft = await createCourse(t().db, { status: 'draft' });
    const closed = await createCourse(t().db, { settings: { disableSelfLearning: true } });
    const { user, client } = await learner();
    const refusedDraft = await client.post(`/api/courses/${draft.id}/enroll`);
    expect(refusedDraft.status).toBe(409);
    expect(refusedDraft.body.error.code).toBe('course_not_published');
    const refusedClosed = await client.post(`/api/courses/${closed.id}/enroll`);
    expect(refusedClosed.status).toBe(403);
    expect(refusedClosed.body.error.code).toBe('self_enrollment_disabled');
    expect(await rowsOf(user.id, closed.id)).toHaveLength(0);
    expect((await client.post(`/api/courses/${randomUUID()}/enroll`)).status).toBe(404);

    // Enrolled by staff, the learner's own click simply returns that enrollment.
    await (await moderator()).post(`/api/courses/${closed.id}/enrollments`, { userIds: [user.id] });
    const again = await client.post(`/api/courses/${closed.id}/enroll`);
    expect(again.status).toBe(200);
    expect(again.body.source).toBe('staff');
  });

  it('lets a moderator enrol several learners at once with a result for each', async () => {
    const course = await createCourse(t().db);
    const mod = await moderator();
    const a = await createUser(t().db);
    const b = await createUser(t().db);
    const ghost = randomUUID();
    await signIn(t().client(), a).then((c) => c.post(`/api/courses/${course.id}/enroll`));
    const response = await mod.post(`/api/courses/${course.id}/enrollments`, { userIds: [a.id, b.id, ghost, b.id] });
    expect(response.status).toBe(200);
    expect(response.body.results.map((r: { userId: string; outcome: string }) => [r.userId, r.outcome])).toEqual([
      [a.id, 'already_enrolled'],
      [b.id, 'enrolled'],
      [ghost, 'unknown_user'],
    ]);
    expect(response.body.results[1].enrollment).toMatchObject({ userId: b.id, source: 'staff', status: 'active' });
    expect(response.body.results[2].enrollment).toBeUndefined();
    expect(t().relay.events).toContainEqual({ name: 'enrollment.updated', payload: expect.objectContaining({ userId: b.id, courseId: course.id }) });

    const student = (await learner()).client;
    expect((await student.post(`/api/courses/${course.id}/enrollments`, { userIds: [b.id] })).status).toBe(403);
    const draft = await createCourse(t().db, { status: 'draft' });
    expect((await mod.post(`/api/courses/${draft.id}/enrollments`, { userIds: [b.id] })).body.error.code).toBe('course_not_published');
  });

  it('imports a CSV with a result per row, never failing the whole import for bad rows', async () => {
    const course = await createCourse(t().db);
    const mod = await moderator();
    const known = await createUser(t().db, { email: `csv-known-${randomUUID().slice(0, 8)}@example.test` });
    const already = await createUser(t().db);
    await mod.post(`/api/courses/${course.id}/enrollments`, { userIds: [already.id] });
    const csv = [
      'Name,Email,Team',
      `"Known, Person",${known.email.toUpperCase()},Ops`,
      `Already,${already.email},Ops`,
      'Nobody,nobody@example.test,Ops',
      'Broken,not-an-email,Ops',
      ',,',
      `Twice,${known.email},Ops`,
      'Empty,,Ops',
    ].join('\r\n');
    const response = await mod.post(`/api/courses/${course.id}/enrollments/import`, { csv });
    expect(response.status).toBe(200);
    expect(response.body.results.map((r: { row: number; outcome: string }) => [r.row, r.outcome])).toEqual([
      [2, 'enrolled'],
      [3, 'already_enrolled'],
      [4, 'unknown_user'],
      [5, 'invalid_email'],
      [7, 'duplicate'],
      [8, 'invalid_email'],
    ]);
    expect(response.body.results[0].email).toBe(known.email);
    expect(response.body.results[4].message).toMatch(/row 2/);
    expect(response.body.counts).toEqual({ enrolled: 1, already_enrolled: 1, reactivated: 0, unknown_user: 1, invalid_email: 2, duplicate: 1 });
    expect(await rowsOf(known.id, course.id)).toHaveLength(1);

    const noHeader = await mod.post(`/api/courses/${course.id}/enrollments/import`, { csv: `${known.email}\n` });
    expect(noHeader.status).toBe(400);
    const semicolons = await mod.post(`/api/courses/${course.id}/enrollments/import`, { csv: `email;name\n${known.email};K` });
    expect(semicolons.body.results).toEqual([{ row: 2, email: known.email, outcome: 'already_enrolled' }]);
  });

  it('removes access without deleting history, and enrolling again reactivates the same row', async () => {
    const course = await createCourse(t().db, { lessons: 4 });
    const { user, client } = await learner();
    const enrolled = await client.post(`/api/courses/${course.id}/enroll`);
    await client.post(`/api/learn/lessons/${course.lessonIds[0]}/complete`);
    const mod = await moderator();
    const removed = await mod.delete(`/api/enrollments/${enrolled.body.id}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ status: 'removed', progress: 25, completedLessonIds: [course.lessonIds[0]] });
    const [row] = await rowsOf(user.id, course.id);
    expect(row).toMatchObject({ status: 'removed', removed_at: expect.anything() });
    expect(t().relay.events).toContainEqual({ name: 'enrollment.updated', payload: expect.objectContaining({ id: enrolled.body.id, status: 'removed' }) });

    expect((await client.get(`/api/learn/courses/${course.id}`)).body.error.code).toBe('not_enrolled');
    expect((await client.post(`/api/learn/lessons/${course.lessonIds[1]}/complete`)).status).toBe(403);
    expect((await client.get('/api/me/enrollments')).body.items).toEqual([]);
    expect((await mod.delete(`/api/enrollments/${enrolled.body.id}`)).body.status).toBe('removed');

    const back = await client.post(`/api/courses/${course.id}/enroll`);
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ id: enrolled.body.id, status: 'active', progress: 25, completedLessonIds: [course.lessonIds[0]] });
    expect(await rowsOf(user.id, course.id)).toHaveLength(1);
    const reactivated = await mod.post(`/api/courses/${course.id}/enrollments`, { userIds: [user.id] });
    expect(reactivated.body.results[0].outcome).toBe('already_enrolled');
    await mod.delete(`/api/enrollments/${enrolled.body.id}`);
    const staffBack = await mod.post(`/api/courses/${course.id}/enrollments`, { userIds: [user.id] });
    expect(staffBack.body.results[0]).toMatchObject({ outcome: 'reactivated', enrollment: { id: enrolled.body.id, status: 'active', progress: 25 } });
  });

  it('lists a learner’s active courses, most recent activity first', async () => {
    const first = await createCourse(t().db, { lessons: 2 });
    const second = await createCourse(t().db, { lessons: 2 });
    const { client } = await learner();
    await client.post(`/api/courses/${first.id}/enroll`);
    t().clock.advance(1000);
    await client.post(`/api/courses/${second.id}/enroll`);
    t().clock.advance(1000);
    await client.post(`/api/learn/lessons/${first.lessonIds[0]}/complete`);
    const mine = await client.get('/api/me/enrollments');
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((i: { course: { id: string } }) => i.course.id)).toEqual([first.id, second.id]);
    expect(mine.body.items[0].enrollment.progress).toBe(50);
    expect(mine.body.items[0].course).toMatchObject({ id: first.id, lessonCount: 2 });
  });

  it('shows a course’s learners to the people who run it and staff, never to another learner', async () => {
    const owner = await createUser(t().db, { roles: ['course_creator'] });
    const course = await createCourse(t().db, { ownerId: owner.id });
    const alice = await createUser(t().db, { name: 'Alice Progress' });
    const aliceClient = await signIn(t().client(), alice);
    const aliceEnrollment = (await aliceClient.post(`/api/courses/${course.id}/enroll`)).body;
    const { client: bob } = await learner();
    await bob.post(`/api/courses/${course.id}/enroll`);

    const ownerClient = await signIn(t().client(), owner);
    const list = await ownerClient.get(`/api/courses/${course.id}/enrollments?search=alice`);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    expect(list.body.enrollments[0]).toMatchObject({ userId: alice.id, userName: 'Alice Progress' });
    expect((await ownerClient.get(`/api/courses/${course.id}/enrollments`)).body.total).toBe(2);
    expect((await (await moderator()).get(`/api/courses/${course.id}/enrollments?status=removed`)).body.total).toBe(0);
    const otherCreator = await signIn(t().client(), await createUser(t().db, { roles: ['course_creator'] }));
    expect((await otherCreator.get(`/api/courses/${course.id}/enrollments`)).status).toBe(403);

    expect((await bob.get(`/api/courses/${course.id}/enrollments`)).status).toBe(403);
    expect((await bob.get(`/api/enrollments/${aliceEnrollment.id}`)).status).toBe(403);
    expect((await aliceClient.get(`/api/enrollments/${aliceEnrollment.id}`)).status).toBe(200);
    expect((await ownerClient.get(`/api/enrollments/${aliceEnrollment.id}`)).status).toBe(200);
    expect((await bob.delete(`/api/enrollments/${aliceEnrollment.id}`)).status).toBe(403);

    const { client: outsider } = await learner();
    const learn = await outsider.get(`/api/learn/courses/${course.id}`);
    expect(learn.status).toBe(403);
    expect(learn.body.error.code).toBe('not_enrolled');
    expect((await outsider.get(`/api/learn/lessons/${course.lessonIds[0]}`)).status).toBe(403);
    expect((await t().client().get('/api/me/enrollments')).status).toBe(401);
  });

  it('documents its endpoints in the OpenAPI document', async () => {
    const doc = await t().client().get('/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/courses/{id}/enroll',
        '/me/enrollments',
        '/learn/courses/{id}',
        '/learn/lessons/{id}/complete',
        '/learn/quizzes/{id}/attempts',
        '/learn/submissions/{id}/submit',
        '/courses/{id}/enrollments/import',
        '/enrollments/{id}',
      ]),
    );
  });

  it('enrols 10,000 people in one course at once, skipping those already enrolled', async () => {
    const course = await createCourse(t().db, { lessons: 1 });
    const rows = await t().database.sql<{ id: string }[]>`
      insert into users (email, name, password_hash)
      select 'bulk-' || g || '-' || ${course.id} || '@example.test', 'Bulk ' || g, 'x' from generate_series(1, 10000) g
      returning id`;
    const userIds = rows.map((r) => r.id);
    await t().db.transaction((tx) => enrolMany(tx, { actor: { kind: 'system', reason: 'test' }, userIds: userIds.slice(0, 100), courseId: course.id, source: 'assignment', now: new Date() }));
    const result = await t().db.transaction((tx) => enrolMany(tx, { actor: { kind: 'system', reason: 'test' }, userIds, courseId: course.id, source: 'assignment', now: new Date() }));
    expect(result.counts).toEqual({ enrolled: 9900, already_enrolled: 100, reactivated: 0, unknown_user: 0 });
    expect(result.events).toHaveLength(9900);
    const [{ count }] = await t().database.sql`select count(*)::int as count from enrollments where course_id = ${course.id}`;
    expect(count).toBe(10000);
  });
});
