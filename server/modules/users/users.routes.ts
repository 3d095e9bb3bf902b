import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { publicUrl } from '../../config.ts';
import { actorOf, createRouter, errorResponses, jsonBody, jsonResponse, noContent, type AppDeps } from '../../http.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.ts';
import { getUser, listUsers, updateUser } from './directory.ts';
import {
  apiKeyInput,
  apiKeySchema,
  createdApiKeySchema,
  createdInviteSchema,
  idParam,
  inviteInput,
  inviteSchema,
  userListQuery,
  userListSchema,
  userSchema,
  userUpdateInput,
} from './dto.ts';
import { createInvite, listInvites, revokeInvite } from './invitations.ts';

export function userRoutes(deps: AppDeps) {
  const router = createRouter();
  const tags = ['Users'];

  router.openapi(
    createRoute({ method: 'get', path: '/users', tags, summary: 'Find users', request: { query: userListQuery }, responses: { 200: jsonResponse(userListSchema, 'A page of users'), ...errorResponses } }),
    async (c) => c.json(await listUsers(deps.db, { actor: actorOf(c), ...c.req.valid('query') }), 200),
  );

  router.openapi(
    createRoute({ method: 'get', path: '/users/{id}', tags, summary: 'One user', request: { params: idParam }, responses: { 200: jsonResponse(userSchema, 'The user'), ...errorResponses } }),
    async (c) => c.json(await getUser(deps.db, { actor: actorOf(c), userId: c.req.valid('param').id }), 200),
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/users/{id}',
      tags,
      summary: 'Rename, set roles, activate or deactivate',
      request: { params: idParam, ...jsonBody(userUpdateInput) },
      responses: { 200: jsonResponse(userSchema, 'Updated user'), ...errorResponses },
    }),
    async (c) => {
      const result = await updateUser(deps.db, { actor: actorOf(c), userId: c.req.valid('param').id, ...c.req.valid('json'), now: deps.now() });
      return c.json(deps.relay.deliver(result), 200);
    },
  );

  const inviteTags = ['Invites'];
  router.openapi(
    createRoute({ method: 'get', path: '/invites', tags: inviteTags, summary: 'Invitations', responses: { 200: jsonResponse(z.object({ invites: z.array(inviteSchema) }), 'Invites'), ...errorResponses } }),
    async (c) => c.json({ invites: await listInvites(deps.db, { actor: actorOf(c) }) }, 200),
  );
  router.openapi(
    createRoute({ method: 'post', path: '/invites', tags: inviteTags, summary: 'Invite someone by email', request: jsonBody(inviteInput), responses: { 201: jsonResponse(createdInviteSchema, 'Invite and its link'), ...errorResponses } }),
    async (c) => {
      const created = await createInvite(deps.db, { actor: actorOf(c), ...c.req.valid('json'), baseUrl: publicUrl(deps.config), jobs: deps.jobs, now: deps.now() });
      return c.json(created, 201);
    },
  );
  router.openapi(
    createRoute({ method: 'delete', path: '/invites/{id}', tags: inviteTags, summary: 'Withdraw an invite', request: { params: idParam }, responses: { 204: noContent, ...errorResponses } }),
    async (c) => {
      await revokeInvite(deps.db, { actor: actorOf(c), inviteId: c.req.valid('param').id, now: deps.now() });
      return c.body(null, 204);
    },
  );

  const keyTags = ['API keys'];
  router.openapi(
    createRoute({ method: 'get', path: '/api-keys', tags: keyTags, summary: 'API keys', responses: { 200: jsonResponse(z.object({ apiKeys: z.array(apiKeySchema) }), 'Keys'), ...errorResponses } }),
    async (c) => c.json({ apiKeys: await listApiKeys(deps.db, { actor: actorOf(c) }) }, 200),
  );
  router.openapi(
    createRoute({ method: 'post', path: '/api-keys', tags: keyTags, summary: 'Create a key; the secret is shown once', request: jsonBody(apiKeyInput), responses: { 201: jsonResponse(createdApiKeySchema, 'The key and its secret'), ...errorResponses } }),
    async (c) => c.json(await createApiKey(deps.db, { actor: actorOf(c), ...c.req.valid('json') }), 201),
  );
  router.openapi(
    createRoute({ method: 'delete', path: '/api-keys/{id}', tags: keyTags, summary: 'Revoke a key', request: { params: idParam }, responses: { 200: jsonResponse(apiKeySchema, 'The revoked key'), ...errorResponses } }),
    async (c) => c.json(await revokeApiKey(deps.db, { actor: actorOf(c), apiKeyId: c.req.valid('param').id, now: deps.now() }), 200),
  );

  return router;
}
