import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/app.ts';
import { createUser, signIn } from './support/factories.ts';

describe('the error format', () => {
  const t = useTestApp();

  it('answers invalid input with 400 validation_failed naming each field', async () => {
    const response = await t().client().post('/api/auth/signup', { email: 'not-an-email', name: '', password: 'short' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    const paths = response.body.error.details.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['email', 'name', 'password']));
  });

  it('answers a body that is not JSON with a 4xx in the same shape', async () => {
    const response = await t().client().request('POST', '/api/auth/login', '{"email": "a@b.c",', { 'content-type': 'application/json' });
    expect(response.status).toBe(400);
    expect(response.body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
  });

  it('answers unknown endpoints and unknown records with 404 not_found', async () => {
    const admin = await signIn(t().client(), await createUser(t().db, { roles: ['system_manager'] }));
    expect((await admin.get('/api/no-such-thing')).body.error.code).toBe('not_found');
    const missing = await admin.patch('/api/users/00000000-0000-4000-8000-000000000000', { name: 'Ghost' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });

  it('answers a malformed id with 400, not 500', async () => {
    const admin = await signIn(t().client(), await createUser(t().db, { roles: ['system_manager'] }));
    const response = await admin.get('/api/users/42');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
  });

  it('answers signed-out callers with 401 unauthenticated', async () => {
    const response = await t().client().get('/api/users');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
  });

  it('refuses bodies over 2 MB with 413', async () => {
    const response = await t().client().post('/api/auth/login', { email: 'a@b.test', password: 'x'.repeat(3 * 1024 * 1024) });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('payload_too_large');
  });

  it('publishes an OpenAPI document and an interactive docs page', async () => {
    const doc = await t().client().get('/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/auth/login', '/users/{id}', '/health', '/api-keys']));
    const page = await t().client().get('/api/docs');
    expect(page.body).toContain('/api/openapi.json');
    const script = await t().client().get('/api/docs/assets/swagger-ui-bundle.js');
    expect(script.status).toBe(200);
  });

  it('reports health of the database, job queue and realtime', async () => {
    const response = await t().client().get('/api/health');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok', database: { ok: true }, jobs: { ok: true }, realtime: { ok: true } });
  });
});
