import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../server/auth/tokens.ts';
import { sessions, users } from '../server/modules/users/schema.ts';
import { useTestApp } from './support/app.ts';
import { createUser, signIn } from './support/factories.ts';

const DAY = 86_400_000;

describe('accounts and sessions', () => {
  const t = useTestApp();

  it('signs up with open sign-up, stores the browser timezone, and gives the student role', async () => {
    const client = t().client();
    const response = await client.post('/api/auth/signup', { email: 'New.Person@Example.test', name: 'New Person', password: 'long enough pw', timezone: 'Asia/Tokyo' });
    expect(response.status).toBe(201);
    expect(response.body.user).toMatchObject({ email: 'new.person@example.test', name: 'New Person', timezone: 'Asia/Tokyo', roles: ['student'] });
    const session = await client.get('/api/auth/session');
    expect(session.status).toBe(200);
    expect(session.body.user.email).toBe('new.person@example.test');
  });

  it('refuses a second account with the same address, whatever its case', async () => {
    const existing = await createUser(t().db);
    const response = await t().client().post('/api/auth/signup', { email: existing.email.toUpperCase(), name: 'Dup', password: 'long enough pw' });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('email_taken');
  });

  it('stores only an argon2id hash of the password and the SHA-256 of the session token', async () => {
    const client = t().client();
    await client.post('/api/auth/signup', { email: 'hash@example.test', name: 'Hash', password: 'long enough pw' });
    const [row] = await t().db.select().from(users).where(eq(users.email, 'hash@example.test'));
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    const token = client.cookie!.split('=')[1];
    const [stored] = await t().db.select().from(sessions).where(eq(sessions.userId, row.id));
    expect(stored.id).toBe(hashToken(token));
    expect(stored.id).not.toContain(token);
  });

  it('answers a wrong password and an unknown address the same way', async () => {
    const user = await createUser(t().db);
    const wrong = await t().client().post('/api/auth/login', { email: user.email, password: 'not the password' });
    const unknown = await t().client().post('/api/auth/login', { email: 'nobody@example.test', password: 'whatever' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error).toEqual(unknown.body.error);
  });

  it('sets the timezone on the first login that reports one, and keeps it afterwards', async () => {
    const user = await createUser(t().db, { timezone: null });
    const first = await t().client().post('/api/auth/login', { email: user.email, password: user.password, timezone: 'America/Chicago' });
    expect(first.body.user.timezone).toBe('America/Chicago');
    const second = await t().client().post('/api/auth/login', { email: user.email, password: user.password, timezone: 'Europe/Rome' });
    expect(second.body.user.timezone).toBe('America/Chicago');
  });

  it('rate-limits failed logins per address with 429 and Retry-After', async () => {
    const user = await createUser(t().db);
    const limit = t().config.LOGIN_RATE_LIMIT;
    for (let i = 0; i < limit; i++) {
      expect((await t().client().post('/api/auth/login', { email: user.email, password: 'wrong' })).status).toBe(401);
    }
    const blocked = await t().client().post('/api/auth/login', { email: user.email, password: user.password });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('rate_limited');
    expect(blocked.headers.get('retry-after')).toBe('900');
    t().clock.advance(16 * 60 * 1000);
    expect((await t().client().post('/api/auth/login', { email: user.email, password: user.password })).status).toBe(200);
    t().clock.reset();
  });

  it('logs out: the cookie no longer opens a session', async () => {
    const user = await createUser(t().db);
    const client = await signIn(t().client(), user);
    const cookie = client.cookie;
    expect((await client.post('/api/auth/logout')).status).toBe(204);
    client.cookie = cookie;
    expect((await client.get('/api/auth/session')).status).toBe(401);
  });

  it('expires sessions after 30 days idle, and slides the expiry of sessions in use', async () => {
    const user = await createUser(t().db);
    const client = await signIn(t().client(), user);
    t().clock.advance(20 * DAY);
    const used = await client.get('/api/auth/session');
    expect(used.status).toBe(200);
    expect(new Date(used.body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 49 * DAY);
    expect(used.headers.get('set-cookie')).toContain('session=');
    t().clock.advance(31 * DAY + 20 * DAY);
    expect((await client.get('/api/auth/session')).status).toBe(401);
    t().clock.reset();
  });

  it('changing the password signs out every other session but keeps this one', async () => {
    const user = await createUser(t().db);
    const laptop = await signIn(t().client(), user);
    const phone = await signIn(t().client(), user);
    const tablet = await signIn(t().client(), user);
    const response = await laptop.post('/api/auth/password', { currentPassword: user.password, newPassword: 'a brand new secret' });
    expect(response.status).toBe(200);
    expect(response.body.signedOutSessions).toBe(2);
    expect((await laptop.get('/api/auth/session')).status).toBe(200);
    expect((await phone.get('/api/auth/session')).status).toBe(401);
    expect((await tablet.get('/api/auth/session')).status).toBe(401);
    expect(t().relay.events).toContainEqual({ name: 'session.revoked', payload: expect.objectContaining({ userId: user.id }) });
    expect((await t().client().post('/api/auth/login', { email: user.email, password: user.password })).status).toBe(401);
    expect((await t().client().post('/api/auth/login', { email: user.email, password: 'a brand new secret' })).status).toBe(200);
  });

  it('refuses a password change with the wrong current password', async () => {
    const user = await createUser(t().db);
    const client = await signIn(t().client(), user);
    const response = await client.post('/api/auth/password', { currentPassword: 'nope', newPassword: 'a brand new secret' });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('invalid_credentials');
  });

  it('updates the profile timezone and refuses zones that do not exist', async () => {
    const user = await createUser(t().db);
    const client = await signIn(t().client(), user);
    const ok = await client.patch('/api/me', { timezone: 'Australia/Adelaide', name: 'Renamed' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ timezone: 'Australia/Adelaide', name: 'Renamed' });
    const bad = await client.patch('/api/me', { timezone: 'Mars/Olympus_Mons' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect(bad.body.error.message).toContain('timezone');
  });

  it('refuses a cookie-carried mutation from another origin', async () => {
    const user = await createUser(t().db);
    const client = await signIn(t().client(), user);
    const forged = await client.request('PATCH', '/api/me', { name: 'Hijacked' }, { origin: 'https://evil.example' });
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('cross_origin');
    const noOrigin = await client.request('PATCH', '/api/me', { name: 'Hijacked' }, { origin: '' });
    expect(noOrigin.status).toBe(403);
    expect((await client.get('/api/auth/session')).body.user.name).not.toBe('Hijacked');
  });
});

describe('invite-only sign-up', () => {
  const t = useTestApp();

  it('needs an invite for the same address, which works once', async () => {
    const admin = await createUser(t().db, { roles: ['system_manager'] });
    const adminClient = await signIn(t().client(), admin);
    expect((await adminClient.patch('/api/settings', { signupMode: 'invite' })).body.signupMode).toBe('invite');
    expect((await t().client().get('/api/auth/config')).body.signupMode).toBe('invite');
    expect((await adminClient.patch('/api/settings', {})).body.signupMode).toBe('invite');

    const refused = await t().client().post('/api/auth/signup', { email: 'walk.in@example.test', name: 'Walk In', password: 'long enough pw' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('invite_required');

    const invite = await adminClient.post('/api/invites', { email: 'invited@example.test', roles: ['moderator', 'student'] });
    expect(invite.status).toBe(201);
    const token = new URL(invite.body.url).searchParams.get('invite')!;

    const wrongAddress = await t().client().post('/api/auth/signup', { email: 'other@example.test', name: 'Other', password: 'long enough pw', inviteToken: token });
    expect(wrongAddress.status).toBe(403);

    const accepted = await t().client().post('/api/auth/signup', { email: 'invited@example.test', name: 'Invited', password: 'long enough pw', inviteToken: token });
    expect(accepted.status).toBe(201);
    expect(accepted.body.user.roles).toEqual(['moderator', 'student']);

    const reused = await t().client().post('/api/auth/signup', { email: 'invited@example.test', name: 'Again', password: 'long enough pw', inviteToken: token });
    expect(reused.status).toBe(403);
    const invites = await adminClient.get('/api/invites');
    expect(invites.body.invites[0].acceptedAt).not.toBeNull();
  });
});
