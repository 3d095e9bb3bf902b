import { getConnInfo } from '@hono/node-server/conninfo';
import { createMiddleware } from 'hono/factory';
import { AppError } from '../errors.ts';
import type { AppDeps, AppEnv } from '../http.ts';
import { authenticateApiKey } from '../modules/users/api-keys.ts';
import { clearSessionCookie, readSessionCookie, setSessionCookie, validateSessionToken } from './session.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Cross-site request forgery guard: a mutation carried by the session cookie (or a login) must
 * come from a page of this origin. Bearer API-key calls carry no ambient credential and pass.
 */
export function sameOriginGuard() {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!MUTATING.has(c.req.method) || c.req.header('authorization')?.startsWith('Bearer ')) return next();
    const fetchSite = c.req.header('sec-fetch-site');
    if (fetchSite === 'same-origin') return next();
    const origin = c.req.header('origin');
    const host = c.req.header('x-forwarded-host') ?? c.req.header('host');
    let sameHost = false;
    try {
      sameHost = Boolean(origin && host && new URL(origin).host === host);
    } catch {
      sameHost = false;
    }
    if (!sameHost) throw new AppError('cross_origin', 'This request must come from the platform’s own pages.');
    return next();
  });
}

/** Who is asking: a bearer API key, or the session cookie (refreshing it when its expiry slid). */
export function resolveActor(deps: AppDeps) {
  const secure = deps.config.NODE_ENV === 'production';
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set('actor', null);
    c.set('session', null);
    c.set('clientKey', clientKey(c, deps.config.TRUST_PROXY));
    const authorization = c.req.header('authorization');
    if (authorization?.startsWith('Bearer ')) {
      const actor = await authenticateApiKey(deps.db, authorization.slice(7).trim(), deps.now());
      if (!actor) throw new AppError('unauthenticated', 'The API key is unknown or revoked.');
      c.set('actor', actor);
      return next();
    }
    const token = readSessionCookie(c);
    if (token) {
      const session = await validateSessionToken(deps.db, token, { lifetimeDays: deps.config.SESSION_DAYS, now: deps.now() });
      if (session) {
        c.set('session', session);
        c.set('actor', { kind: 'user', userId: session.user.id, roles: session.user.roles, sessionId: session.sessionId });
        if (session.extended) setSessionCookie(c, token, session.expiresAt, secure);
      } else {
        clearSessionCookie(c, secure);
      }
    }
    return next();
  });
}

function clientKey(c: Parameters<Parameters<typeof createMiddleware<AppEnv>>[0]>[0], trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'local';
  }
}
