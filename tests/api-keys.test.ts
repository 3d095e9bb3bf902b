import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/app.ts';
import { createUser, signIn } from './support/factories.ts';

describe('API keys', () => {
  const t = useTestApp();

  it('shows the secret once, stores only its hash, and authorises by scope', async () => {
    const admin = await signIn(t().client(), await createUser(t().db, { roles: ['system_manager'] }));
    const created = await admin.post('/api/api-keys', { name: 'HR system', scopes: ['users:read'] });
    expect(created.status).toBe(201);
    const { secret, apiKey } = created.body;
    expect(secret).toMatch(/^lpk_[a-z2-7]{32}$/);
    expect(apiKey.prefix).toBe(secret.slice(0, 10));

    const listed = await admin.get('/api/api-keys');
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    const [stored] = await t().database.sql`select key_hash from api_keys where id = ${apiKey.id}`;
    expect(stored.key_hash).not.toContain(secret.slice(4));

    const integration = t().client().withBearer(secret);
    const users = await integration.get('/api/users');
    expect(users.status).toBe(200);
    expect(users.body.total).toBeGreaterThan(0);
    // users:read does not reach managing users or settings, nor a person's own pages.
    expect((await integration.patch(`/api/users/${users.body.users[0].id}`, { roles: [] })).status).toBe(403);
    expect((await integration.get('/api/settings')).status).toBe(403);
    expect((await integration.post('/api/auth/password', { currentPassword: 'x', newPassword: 'yyyyyyyyyy' })).status).toBe(403);
    expect((await admin.get('/api/api-keys')).body.apiKeys[0].lastUsedAt).not.toBeNull();
  });

  it('refuses unknown and revoked keys with 401', async () => {
    const admin = await signIn(t().client(), await createUser(t().db, { roles: ['system_manager'] }));
    const { body } = await admin.post('/api/api-keys', { name: 'Old integration', scopes: ['users:read'] });
    expect((await admin.delete(`/api/api-keys/${body.apiKey.id}`)).body.revokedAt).not.toBeNull();
    const revoked = await t().client().withBearer(body.secret).get('/api/users');
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe('unauthenticated');
    expect((await t().client().withBearer('lpk_doesnotexistdoesnotexistdoesnot').get('/api/users')).status).toBe(401);
  });

  it('lets only system managers create keys', async () => {
    const moderator = await signIn(t().client(), await createUser(t().db, { roles: ['moderator'] }));
    expect((await moderator.post('/api/api-keys', { name: 'Mine', scopes: ['users:read'] })).status).toBe(403);
  });

  it('refuses scopes that do not exist', async () => {
    const admin = await signIn(t().client(), await createUser(t().db, { roles: ['system_manager'] }));
    const response = await admin.post('/api/api-keys', { name: 'Bad', scopes: ['everything'] });
    expect(response.status).toBe(400);
  });
});
