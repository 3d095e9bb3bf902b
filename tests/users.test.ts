import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/app.ts';
import { createUser, signIn } from './support/factories.ts';

describe('users and roles', () => {
  const t = useTestApp();

  it('lets a system manager give several roles to one person, who then holds them all', async () => {
    const admin = await signIn(t().client(), await createUser(t().db, { roles: ['system_manager'] }));
    const person = await createUser(t().db);
    const response = await admin.patch(`/api/users/${person.id}`, { roles: ['student', 'batch_evaluator', 'course_creator'] });
    expect(response.status).toBe(200);
    expect(response.body.roles).toEqual(['course_creator', 'batch_evaluator', 'student']);
    const session = await (await signIn(t().client(), person)).get('/api/auth/session');
    expect(session.body.user.roles).toEqual(['course_creator', 'batch_evaluator', 'student']);
    expect(t().relay.events).toContainEqual({ name: 'user.updated', payload: expect.objectContaining({ id: person.id, roles: ['course_creator', 'batch_evaluator', 'student'] }) });
  });

  it('refuses role changes from anyone but a system manager', async () => {
    const moderator = await signIn(t().client(), await createUser(t().db, { roles: ['moderator'] }));
    const person = await createUser(t().db);
    const response = await moderator.patch(`/api/users/${person.id}`, { roles: ['system_manager'] });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('forbidden');
    expect((await moderator.get(`/api/users/${person.id}`)).body.roles).toEqual(['student']);
  });

  it('lets staff search users by name or email and filter by role, with a total', async () => {
    const admin = await signIn(t().client(), await createUser(t().db, { roles: ['system_manager'] }));
    await createUser(t().db, { name: 'Zelda Quaternion', roles: ['batch_evaluator'] });
    await createUser(t().db, { name: 'Zelda Unrelated' });
    const byName = await admin.get('/api/users?search=zelda');
    expect(byName.body.total).toBe(2);
    const byRole = await admin.get('/api/users?search=zelda&role=batch_evaluator');
    expect(byRole.body.users.map((u: { name: string }) => u.name)).toEqual(['Zelda Quaternion']);
    const student = await signIn(t().client(), await createUser(t().db));
    expect((await student.get('/api/users')).status).toBe(403);
  });

  it('lets a student read their own record but not someone else’s', async () => {
    const me = await createUser(t().db);
    const other = await createUser(t().db);
    const client = await signIn(t().client(), me);
    expect((await client.get(`/api/users/${me.id}`)).status).toBe(200);
    expect((await client.get(`/api/users/${other.id}`)).status).toBe(403);
  });

  it('deactivating a user ends their sessions and blocks sign-in', async () => {
    const admin = await signIn(t().client(), await createUser(t().db, { roles: ['system_manager'] }));
    const person = await createUser(t().db);
    const personClient = await signIn(t().client(), person);
    expect((await admin.patch(`/api/users/${person.id}`, { isActive: false })).body.isActive).toBe(false);
    expect((await personClient.get('/api/auth/session')).status).toBe(401);
    const again = await t().client().post('/api/auth/login', { email: person.email, password: person.password });
    expect(again.status).toBe(401);
    expect(again.body.error.message).toMatch(/deactivated/);
  });

  it('never removes the last active system manager, even when the last two step down at once', async () => {
    const first = await createUser(t().db, { roles: ['system_manager'] });
    const second = await createUser(t().db, { roles: ['system_manager'] });
    const firstClient = await signIn(t().client(), first);
    const secondClient = await signIn(t().client(), second);
    // Every other manager in this file's database steps down first, leaving these two.
    const others = await firstClient.get('/api/users?role=system_manager&limit=200');
    for (const other of others.body.users) {
      if (other.id !== first.id && other.id !== second.id) await firstClient.patch(`/api/users/${other.id}`, { roles: ['student'] });
    }
    const [a, b] = await Promise.all([
      firstClient.patch(`/api/users/${first.id}`, { roles: ['student'] }),
      secondClient.patch(`/api/users/${second.id}`, { roles: ['student'] }),
    ]);
    expect([a.status, b.status].filter((status) => status === 200)).toHaveLength(1);
    const refused = a.status === 200 ? b : a;
    // 409 when both passed the permission check together; 403 when the other had already stepped down.
    expect(['conflict', 'forbidden']).toContain(refused.body.error.code);
    const [{ count }] = await t().database.sql`select count(*)::int as count from user_roles where role = 'system_manager'`;
    expect(count).toBe(1);
  });

  it('records an audit event for each change', async () => {
    const adminUser = await createUser(t().db, { roles: ['system_manager'] });
    const admin = await signIn(t().client(), adminUser);
    const person = await createUser(t().db);
    await admin.patch(`/api/users/${person.id}`, { roles: ['moderator'] });
    const rows = await t().database.sql`select actor_id, action, details from audit_events where subject_id = ${person.id}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_id: adminUser.id, action: 'user_updated' });
    expect(rows[0].details.after.roles).toEqual(['moderator']);
  });
});
