import { createRoute } from '@hono/zod-openapi';
import { requireUser } from '../../auth/permissions.ts';
import { clearSessionCookie, invalidateSession, setSessionCookie } from '../../auth/session.ts';
import { AppError } from '../../errors.ts';
import { actorOf, createRouter, errorResponses, jsonBody, jsonResponse, noContent, type AppDeps } from '../../http.ts';
import { readSettings } from '../system/settings.ts';
import { changePassword, logIn, sessionDto, signUp, updateProfile } from './accounts.ts';
import { authConfigSchema, changePasswordInput, loginInput, passwordChangedSchema, profileInput, sessionSchema, signupInput, userSchema } from './dto.ts';

const tags = ['Accounts'];

export function authRoutes(deps: AppDeps) {
  const secure = deps.config.NODE_ENV === 'production';
  const sessionOptions = (userAgent: string | undefined) => ({ sessionDays: deps.config.SESSION_DAYS, userAgent: userAgent ?? null, now: deps.now() });
  const router = createRouter();

  router.openapi(
    createRoute({ method: 'get', path: '/auth/config', tags, summary: 'How people may sign up', responses: { 200: jsonResponse(authConfigSchema, 'Sign-up mode') } }),
    async (c) => c.json({ signupMode: (await readSettings(deps.db)).signupMode }, 200),
  );

  router.openapi(
    createRoute({ method: 'post', path: '/auth/signup', tags, summary: 'Create an account and sign in', request: jsonBody(signupInput), responses: { 201: jsonResponse(sessionSchema, 'Signed in'), ...errorResponses } }),
    async (c) => {
      const created = deps.relay.deliver(await signUp(deps.db, { ...c.req.valid('json'), ...sessionOptions(c.req.header('user-agent')) }));
      setSessionCookie(c, created.token, created.expiresAt, secure);
      return c.json(created.session, 201);
    },
  );

  router.openapi(
    createRoute({ method: 'post', path: '/auth/login', tags, summary: 'Sign in', request: jsonBody(loginInput), responses: { 200: jsonResponse(sessionSchema, 'Signed in'), ...errorResponses } }),
    async (c) => {
      const input = c.req.valid('json');
      const opened = await logIn(deps.db, { ...input, clientKey: c.get('clientKey'), rateLimit: deps.config.LOGIN_RATE_LIMIT, ...sessionOptions(c.req.header('user-agent')) });
      setSessionCookie(c, opened.token, opened.expiresAt, secure);
      return c.json(opened.session, 200);
    },
  );

  router.openapi(
    createRoute({ method: 'post', path: '/auth/logout', tags, summary: 'Sign out of this session', responses: { 204: noContent } }),
    async (c) => {
      const session = c.get('session');
      if (session) await invalidateSession(deps.db, session.sessionId);
      clearSessionCookie(c, secure);
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({ method: 'get', path: '/auth/session', tags, summary: 'The signed-in user', responses: { 200: jsonResponse(sessionSchema, 'Current session'), ...errorResponses } }),
    async (c) => {
      const session = c.get('session');
      if (!session) throw new AppError('unauthenticated', 'Not signed in.');
      return c.json(await sessionDto(deps.db, session), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/auth/password',
      tags,
      summary: 'Change password; signs out every other session',
      request: jsonBody(changePasswordInput),
      responses: { 200: jsonResponse(passwordChangedSchema, 'Changed'), ...errorResponses },
    }),
    async (c) => {
      const result = await changePassword(deps.db, { actor: requireUser(actorOf(c)), ...c.req.valid('json'), now: deps.now() });
      return c.json(deps.relay.deliver(result), 200);
    },
  );

  router.openapi(
    createRoute({ method: 'patch', path: '/me', tags, summary: 'Update my name or timezone', request: jsonBody(profileInput), responses: { 200: jsonResponse(userSchema, 'Updated profile'), ...errorResponses } }),
    async (c) => c.json(deps.relay.deliver(await updateProfile(deps.db, { actor: actorOf(c), ...c.req.valid('json'), now: deps.now() })), 200),
  );

  return router;
}
