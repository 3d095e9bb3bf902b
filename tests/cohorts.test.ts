import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/app.ts';
import { createCourse } from './support/courses.ts';
import { createUser, signIn, type TestUser } from './support/factories.ts';
import type { HttpClient } from './support/http.ts';

describe('cohorts: creating, editing and who sees them', () => {
  const t = useTestApp();

  const cohortBody = (overrides: Record<string, unknown> = {}) => ({
    title: 'Spring data cohort',
    description: 'Twelve weeks of analytics',
    startsOn: '2030-03-01',
    endsOn: '2030-05-31',
    timezone: 'Europe/Paris',
    seats: 20,
    evaluationEndsOn: '2030-06-15',
    ...overrides,
  });

  async function moderator(): Promise<HttpClient> {
    return signIn(t().client(), await createUser(t().db, { roles: ['moderator'] }));
  }

  async function learner(): Promise<{ user: TestUser; client: HttpClient }> {
    const user = await createUser(t().db);
    return { user, client: await signIn(t().client(), user) };
  }

  it('lets a moderator create a cohort, announces it and records who did it', async () => {
    const mod = await moderator();
    const created = await mod.post('/api/cohorts', cohortBody());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      title: 'Spring data cohort',
      startsOn: '2030-03-01',
      endsOn: '2030-05-31',
      timezone: 'Europe/Paris',
      seats: 20,
      seatsLeft: 20,
      evaluationEndsOn: '2030-06-15',
      memberCount: 0,
      courses: [],
    });
    expect(t().relay.events).toContainEqual({ name: 'cohort.updated', payload: expect.objectContaining({ id: created.body.id }) });
    const audit = await t().database.sql`select action from audit_events where subject_type = 'cohort' and subject_id = ${created.body.id}`;
    expect(audit.map((row) => row.action)).toEqual(['cohort_created']);
    expect((await mod.get(`/api/cohorts/${created.body.id}`)).body).toMatchObject({ title: 'Spring data cohort', members: [] });
  });

  it('refuses an end before the start and an unknown timezone, naming the field', async () => {
    const mod = await moderator();
    const backwards = await mod.post('/api/cohorts', cohortBody({ startsOn: '2030-05-01', endsOn: '2030-04-01' }));
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.code).toBe('validation_failed');
    expect(backwards.body.error.details.issues).toContainEqual({ path: 'endsOn', message: 'The end date is before the start date' });

    const zone = await mod.post('/api/cohorts', cohortBody({ timezone: 'Mars/Olympus_Mons' }));
    expect(zone.status).toBe(400);
    expect(zone.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual(['timezone']);
  });

  it('edits only the fields sent, and checks a changed date against the stored ones', async () => {
    const mod = await moderator();
    const { body: cohort } = await mod.post('/api/cohorts', cohortBody());
    const renamed = await mod.patch(`/api/cohorts/${cohort.id}`, { title: 'Summer data cohort', seats: null });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ title: 'Summer data cohort', description: 'Twelve weeks of analytics', seats: null, seatsLeft: null });
    expect(renamed.body.updatedAt >= cohort.updatedAt).toBe(true);
    expect(t().relay.events).toContainEqual({ name: 'cohort.updated', payload: expect.objectContaining({ id: cohort.id, title: 'Summer data cohort' }) });

    const backwards = await mod.patch(`/api/cohorts/${cohort.id}`, { endsOn: '2030-02-01' });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.details.issues).toEqual([{ path: 'endsOn', message: 'The end date is before the start date' }]);
    expect((await mod.get(`/api/cohorts/${cohort.id}`)).body.endsOn).toBe('2030-05-31');
  });

  it('lets only moderators manage cohorts', async () => {
    const mod = await moderator();
    const { body: cohort } = await mod.post('/api/cohorts', cohortBody());
    const course = await createCourse(t().db);
    for (const roles of [['student'], ['course_creator'], ['batch_evaluator'], ['system_manager']] as const) {
      const other = await signIn(t().client(), await createUser(t().db, { roles: [...roles] }));
      expect((await other.post('/api/cohorts', cohortBody())).status).toBe(403);
      expect((await other.patch(`/api/cohorts/${cohort.id}`, { title: 'Mine now' })).status).toBe(403);
      expect((await other.put(`/api/cohorts/${cohort.id}/courses`, { courses: [{ courseId: course.id, evaluatorId: null }] })).status).toBe(403);
      expect((await other.post(`/api/cohorts/${cohort.id}/members`, { userIds: [(await createUser(t().db)).id] })).status).toBe(403);
    }
    expect((await t().client().get('/api/cohorts')).status).toBe(401);
    expect((await mod.get(`/api/cohorts/${cohort.id}`)).body).toMatchObject({ title: 'Spring data cohort', courses: [], memberCount: 0 });
  });

  it('accepts only batch evaluators as a course’s evaluator', async () => {
    const mod = await moderator();
    const { body: cohort } = await mod.post('/api/cohorts', cohortBody());
    const course = await createCourse(t().db);
    const student = await createUser(t().db, { name: 'Not An Evaluator' });
    const refused = await mod.put(`/api/cohorts/${cohort.id}/courses`, { courses: [{ courseId: course.id, evaluatorId: student.id }] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('not_an_evaluator');
    expect(refused.body.error.message).toContain('Not An Evaluator');

    const evaluator = await createUser(t().db, { roles: ['batch_evaluator'], name: 'Eva Luator' });
    const accepted = await mod.put(`/api/cohorts/${cohort.id}/courses`, { courses: [{ courseId: course.id, evaluatorId: evaluator.id }] });
    expect(accepted.status).toBe(200);
    expect(accepted.body.courses).toEqual([{ courseId: course.id, title: expect.any(String), evaluatorId: evaluator.id, evaluatorName: 'Eva Luator' }]);
    const [link] = await t().database.sql`select evaluator_id from cohort_courses where cohort_id = ${cohort.id}`;
    expect(link.evaluator_id).toBe(evaluator.id);

    const unknown = await mod.put(`/api/cohorts/${cohort.id}/courses`, { courses: [{ courseId: '00000000-0000-4000-8000-000000000000', evaluatorId: null }] });
    expect(unknown.status).toBe(404);
    const twice = await mod.put(`/api/cohorts/${cohort.id}/courses`, { courses: [{ courseId: course.id }, { courseId: course.id }] });
    expect(twice.status).toBe(400);
  });

  it('shows each person the cohorts they belong to or serve; other learners get 403', async () => {
    const mod = await moderator();
    const tag = `Scoped ${Date.now()}`;
    const { body: mine } = await mod.post('/api/cohorts', cohortBody({ title: `${tag} A` }));
    const { body: theirs } = await mod.post('/api/cohorts', cohortBody({ title: `${tag} B` }));
    const member = await learner();
    const outsider = await learner();
    const evaluator = await createUser(t().db, { roles: ['batch_evaluator'] });
    const instructor = await createUser(t().db, { roles: ['course_creator'] });
    const evaluated = await createCourse(t().db);
    const taught = await createCourse(t().db, { ownerId: instructor.id });
    await mod.put(`/api/cohorts/${mine.id}/courses`, { courses: [{ courseId: evaluated.id, evaluatorId: evaluator.id }] });
    await mod.put(`/api/cohorts/${theirs.id}/courses`, { courses: [{ courseId: taught.id, evaluatorId: null }] });
    await mod.post(`/api/cohorts/${mine.id}/members`, { userIds: [member.user.id] });

    const titles = async (client: HttpClient) => (await client.get(`/api/cohorts?search=${encodeURIComponent(tag)}`)).body.cohorts.map((c: { title: string }) => c.title).sort();
    expect(await titles(mod)).toEqual([`${tag} A`, `${tag} B`]);
    expect(await titles(member.client)).toEqual([`${tag} A`]);
    expect(await titles(outsider.client)).toEqual([]);
    expect(await titles(await signIn(t().client(), evaluator))).toEqual([`${tag} A`]);
    expect(await titles(await signIn(t().client(), instructor))).toEqual([`${tag} B`]);

    const asMember = await member.client.get(`/api/cohorts/${mine.id}`);
    expect(asMember.status).toBe(200);
    expect(asMember.body.members).toBeNull();
    expect((await member.client.get(`/api/cohorts/${theirs.id}`)).status).toBe(403);
    expect((await outsider.client.get(`/api/cohorts/${mine.id}`)).status).toBe(403);
    expect((await outsider.client.get(`/api/cohorts/${mine.id}/members`)).status).toBe(403);
    const asEvaluator = await (await signIn(t().client(), evaluator)).get(`/api/cohorts/${mine.id}`);
    expect(asEvaluator.body.members.map((m: { userId: string }) => m.userId)).toEqual([member.user.id]);
    expect((await mod.get('/api/cohorts/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('never lowers seats below the members already in', async () => {
    const mod = await moderator();
    const { body: cohort } = await mod.post('/api/cohorts', cohortBody({ seats: 3 }));
    const people = await Promise.all([createUser(t().db), createUser(t().db)]);
    await mod.post(`/api/cohorts/${cohort.id}/members`, { userIds: people.map((p) => p.id) });
    const lowered = await mod.patch(`/api/cohorts/${cohort.id}`, { seats: 1 });
    expect(lowered.status).toBe(409);
    expect(lowered.body.error.message).toContain('at least 2 seats');
    const fitted = await mod.patch(`/api/cohorts/${cohort.id}`, { seats: 2 });
    expect(fitted.body).toMatchObject({ seats: 2, seatsLeft: 0, memberCount: 2 });
  });
});
