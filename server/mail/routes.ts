import { createRoute } from '@hono/zod-openapi';
import { actorOf, createRouter, errorResponses, jsonResponse, type AppDeps } from '../http.ts';
import { idParam } from '../modules/users/dto.ts';
import { mailboxQuery, mailboxSchema, mailMessageSchema } from './dto.ts';
import { listMail, readMail } from './mailbox.ts';

export function mailRoutes(deps: AppDeps) {
  const router = createRouter();
  const tags = ['Mail'];
  router.openapi(
    createRoute({ method: 'get', path: '/mailbox', tags, summary: 'Messages the platform sent or kept', request: { query: mailboxQuery }, responses: { 200: jsonResponse(mailboxSchema, 'A page of messages'), ...errorResponses } }),
    async (c) => c.json(await listMail(deps.db, { actor: actorOf(c), ...c.req.valid('query'), transport: deps.mailer.transport }), 200),
  );
  router.openapi(
    createRoute({ method: 'get', path: '/mailbox/{id}', tags, summary: 'One message with its body', request: { params: idParam }, responses: { 200: jsonResponse(mailMessageSchema, 'The message'), ...errorResponses } }),
    async (c) => c.json(await readMail(deps.db, { actor: actorOf(c), messageId: c.req.valid('param').id }), 200),
  );
  return router;
}
