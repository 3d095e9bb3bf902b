import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { publicUrl } from '../../config.ts';
import { actorOf, createRouter, errorResponses, jsonBody, jsonResponse, noContent, type AppDeps } from '../../http.ts';
import { addUnavailability, getAvailability, listUnavailability, removeUnavailability, saveAvailability } from './availability.ts';
import { bookSlot, cancelRequest, rescheduleRequest } from './bookings.ts';
import {
  availabilityInput,
  availabilitySchema,
  bookingInput,
  cancelInput,
  certificateRequestListSchema,
  certificateRequestSchema,
  courseEvaluatorsInput,
  courseEvaluatorsSchema,
  evaluatorRequestsQuery,
  idParam,
  rescheduleInput,
  slotsQuery,
  slotsSchema,
  unavailabilityInput,
  unavailabilityListSchema,
  unavailabilityParams,
  unavailabilitySchema,
} from './dto.ts';
import { listCourseEvaluators, setCourseEvaluators } from './evaluators.ts';
import { listSlots } from './offers.ts';
import { schedulingOutcomeRoutes } from './outcome-routes.ts';
import { getRequest, listEvaluatorRequests, listMyRequests } from './requests.ts';

export function schedulingRoutes(deps: AppDeps) {
  const router = createRouter();
  const now = () => deps.now();
  const changeDeps = () => ({ jobs: deps.jobs, baseUrl: publicUrl(deps.config), now: now() });
  const ok = <S extends z.ZodType>(schema: S, description: string) => ({ 200: jsonResponse(schema, description), ...errorResponses });

  const evaluatorTags = ['Evaluators'];
  router.openapi(createRoute({ method: 'get', path: '/courses/{id}/evaluators', tags: evaluatorTags, summary: 'Evaluators mapped to a course', request: { params: idParam }, responses: ok(courseEvaluatorsSchema, 'The evaluators') }), async (c) =>
    c.json(await listCourseEvaluators(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').id }), 200),
  );
  router.openapi(
    createRoute({ method: 'put', path: '/courses/{id}/evaluators', tags: evaluatorTags, summary: 'Set a course’s evaluators (they become batch evaluators)', request: { params: idParam, ...jsonBody(courseEvaluatorsInput) }, responses: ok(courseEvaluatorsSchema, 'The evaluators') }),
    async (c) => c.json(deps.relay.deliver(await setCourseEvaluators(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').id, userIds: c.req.valid('json').userIds, now: now() })), 200),
  );
  router.openapi(createRoute({ method: 'get', path: '/evaluators/{id}/availability', tags: evaluatorTags, summary: 'An evaluator’s weekly hours and settings', request: { params: idParam }, responses: ok(availabilitySchema, 'The availability') }), async (c) =>
    c.json(await getAvailability(deps.db, { actor: actorOf(c), evaluatorId: c.req.valid('param').id }), 200),
  );
  router.openapi(
    createRoute({ method: 'put', path: '/evaluators/{id}/availability', tags: evaluatorTags, summary: 'Replace an evaluator’s weekly hours and settings', request: { params: idParam, ...jsonBody(availabilityInput) }, responses: ok(availabilitySchema, 'The availability') }),
    async (c) => c.json(deps.relay.deliver(await saveAvailability(deps.db, { actor: actorOf(c), evaluatorId: c.req.valid('param').id, availability: c.req.valid('json'), ...changeDeps() })), 200),
  );
  router.openapi(createRoute({ method: 'get', path: '/evaluators/{id}/unavailability', tags: evaluatorTags, summary: 'An evaluator’s days off', request: { params: idParam }, responses: ok(unavailabilityListSchema, 'Days off') }), async (c) =>
    c.json(await listUnavailability(deps.db, { actor: actorOf(c), evaluatorId: c.req.valid('param').id }), 200),
  );
  router.openapi(
    createRoute({ method: 'post', path: '/evaluators/{id}/unavailability', tags: evaluatorTags, summary: 'Add days off', request: { params: idParam, ...jsonBody(unavailabilityInput) }, responses: { 201: jsonResponse(unavailabilitySchema, 'The days off'), ...errorResponses } }),
    async (c) => c.json(deps.relay.deliver(await addUnavailability(deps.db, { actor: actorOf(c), evaluatorId: c.req.valid('param').id, range: c.req.valid('json'), now: now() })), 201),
  );
  router.openapi(
    createRoute({ method: 'delete', path: '/evaluators/{id}/unavailability/{rangeId}', tags: evaluatorTags, summary: 'Remove days off', request: { params: unavailabilityParams }, responses: { 204: noContent, ...errorResponses } }),
    async (c) => {
      const { id, rangeId } = c.req.valid('param');
      deps.relay.deliver(await removeUnavailability(deps.db, { actor: actorOf(c), evaluatorId: id, rangeId, ...changeDeps() }));
      return c.body(null, 204);
    },
  );
  router.openapi(
    createRoute({ method: 'get', path: '/evaluators/{id}/requests', tags: evaluatorTags, summary: 'An evaluator’s requests: today, upcoming or past', request: { params: idParam, query: evaluatorRequestsQuery }, responses: ok(certificateRequestListSchema, 'Requests') }),
    async (c) => c.json(await listEvaluatorRequests(deps.db, { actor: actorOf(c), evaluatorId: c.req.valid('param').id, range: c.req.valid('query').range, now: now() }), 200),
  );

  const bookingTags = ['Certificate requests'];
  router.openapi(
    createRoute({ method: 'get', path: '/courses/{id}/slots', tags: bookingTags, summary: 'Free evaluation slots for me in a course', request: { params: idParam, query: slotsQuery }, responses: ok(slotsSchema, 'Slots') }),
    async (c) => c.json(await listSlots(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').id, ...c.req.valid('query'), now: now() }), 200),
  );
  router.openapi(
    createRoute({ method: 'post', path: '/courses/{id}/certificate-requests', tags: bookingTags, summary: 'Book an evaluation slot', request: { params: idParam, ...jsonBody(bookingInput) }, responses: { 201: jsonResponse(certificateRequestSchema, 'The request, pending'), ...errorResponses } }),
    async (c) => c.json(deps.relay.deliver(await bookSlot(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').id, ...c.req.valid('json'), ...changeDeps() })), 201),
  );
  router.openapi(createRoute({ method: 'get', path: '/me/certificate-requests', tags: bookingTags, summary: 'My certificate requests', responses: ok(certificateRequestListSchema, 'Requests') }), async (c) =>
    c.json(await listMyRequests(deps.db, { actor: actorOf(c) }), 200),
  );
  router.openapi(createRoute({ method: 'get', path: '/certificate-requests/{id}', tags: bookingTags, summary: 'A certificate request', request: { params: idParam }, responses: ok(certificateRequestSchema, 'The request') }), async (c) =>
    c.json(await getRequest(deps.db, { actor: actorOf(c), requestId: c.req.valid('param').id }), 200),
  );
  router.openapi(
    createRoute({ method: 'post', path: '/certificate-requests/{id}/cancel', tags: bookingTags, summary: 'Cancel a request', request: { params: idParam, ...jsonBody(cancelInput) }, responses: ok(certificateRequestSchema, 'The request, cancelled') }),
    async (c) => c.json(deps.relay.deliver(await cancelRequest(deps.db, { actor: actorOf(c), requestId: c.req.valid('param').id, reason: c.req.valid('json').reason, ...changeDeps() })), 200),
  );
  router.openapi(
    createRoute({ method: 'post', path: '/certificate-requests/{id}/reschedule', tags: bookingTags, summary: 'Move a request to another slot', request: { params: idParam, ...jsonBody(rescheduleInput) }, responses: ok(certificateRequestSchema, 'The request, moved') }),
    async (c) => c.json(deps.relay.deliver(await rescheduleRequest(deps.db, { actor: actorOf(c), requestId: c.req.valid('param').id, startsAt: c.req.valid('json').startsAt, ...changeDeps() })), 200),
  );

  router.route('/', schedulingOutcomeRoutes(deps));
  return router;
}
