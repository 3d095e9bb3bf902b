import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../http.ts';
import { publicJwks } from './credentials.ts';

/**
 * Public, outside /api: verifiers look for keys at the well-known address of the issuer.
 * Short cache, so a rotated key is picked up within minutes.
 */
export function credentialsRoutes(deps: Pick<AppDeps, 'db'>) {
  const router = new Hono<AppEnv>();
  router.get('/.well-known/jwks.json', async (c) => {
    const jwks = await publicJwks(deps.db);
    return c.json(jwks, 200, { 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' });
  });
  return router;
}
