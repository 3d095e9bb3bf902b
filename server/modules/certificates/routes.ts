import { createRoute } from '@hono/zod-openapi';
import { stream } from 'hono/streaming';
import { z } from 'zod';
import { publicUrl } from '../../config.ts';
import { actorOf, createRouter, errorResponses, jsonBody, jsonResponse, type AppDeps } from '../../http.ts';
import { startBulkIssue } from './bulk.ts';
import { claimCertificate, getCertification, myCertificates } from './claims.ts';
import {
  bulkIssueInput,
  bulkIssueResultSchema,
  certificateListFilters,
  certificateListQuery,
  certificateListSchema,
  certificateSchema,
  certificateTemplateSchema,
  certificationStateSchema,
  courseParam,
  createTemplateInput,
  idParam,
  issueCertificateInput,
  myCertificatesSchema,
  previewInput,
  reissueInput,
  revokeInput,
  templateListSchema,
  updateTemplateInput,
} from './dto.ts';
import { getCertificate, issueCertificate } from './issuance.ts';
import { exportCertificatesCsv, listCertificates } from './listing.ts';
import { reissueCertificate, revokeCertificate } from './revocation.ts';
import { createTemplate, listTemplates, previewTemplate, setDefaultTemplate, updateTemplate } from './templates.ts';

const png = { description: 'PNG image', content: { 'image/png': { schema: z.string().meta({ format: 'binary' }) } } };

/** Certificates: the learner's Get Certified, staff issuance, revocation, templates, listing and export. */
export function certificateRoutes(deps: AppDeps) {
  const router = createRouter();
  const tags = ['Certificates'];
  const read = () => ({ baseUrl: publicUrl(deps.config), now: deps.now() });

  // Learner.
  router.openapi(
    createRoute({ method: 'get', path: '/courses/{courseId}/certification', tags, summary: 'My certification state for a course', request: { params: courseParam }, responses: { 200: jsonResponse(certificationStateSchema, 'Eligibility, blockers, pending, the current certificate'), ...errorResponses } }),
    async (c) => c.json(await getCertification(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').courseId, ...read() }), 200),
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/courses/{courseId}/certification',
      tags,
      summary: 'Get Certified: queue the certificate (answers at once; idempotent)',
      request: { params: courseParam },
      responses: { 202: jsonResponse(certificationStateSchema, 'Queued (pending) or already issued'), ...errorResponses },
    }),
    async (c) => c.json(deps.relay.deliver(await claimCertificate(deps.db, { actor: actorOf(c), courseId: c.req.valid('param').courseId, jobs: deps.jobs, ...read() })), 202),
  );
  router.openapi(
    createRoute({ method: 'get', path: '/me/certificates', tags, summary: 'My certificates, newest first', responses: { 200: jsonResponse(myCertificatesSchema, 'My certificates'), ...errorResponses } }),
    async (c) => c.json(await myCertificates(deps.db, { actor: actorOf(c), ...read() }), 200),
  );

  // Staff. The export is declared before `/certificates/{id}` so its path is not taken for an id.
  router.openapi(
    createRoute({ method: 'get', path: '/certificates', tags, summary: 'Certificates with filters (staff)', request: { query: certificateListQuery }, responses: { 200: jsonResponse(certificateListSchema, 'A page of certificates'), ...errorResponses } }),
    async (c) => c.json(await listCertificates(deps.db, { actor: actorOf(c), ...c.req.valid('query'), ...read() }), 200),
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/certificates/export.csv',
      tags,
      summary: 'Export certificates as CSV (staff; streamed)',
      request: { query: certificateListFilters },
      responses: { 200: { description: 'CSV, one certificate per line', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses },
    }),
    async (c) => {
      const lines = exportCertificatesCsv(deps.db, { actor: actorOf(c), ...c.req.valid('query'), ...read() });
      c.header('content-type', 'text/csv; charset=utf-8');
      c.header('content-disposition', 'attachment; filename="certificates.csv"');
      return stream(c, async (out) => {
        for await (const chunk of lines) await out.write(chunk);
      }) as never;
    },
  );
  router.openapi(
    createRoute({ method: 'get', path: '/certificates/{id}', tags, summary: 'One certificate (staff, or its member)', request: { params: idParam }, responses: { 200: jsonResponse(certificateSchema, 'The certificate'), ...errorResponses } }),
    async (c) => c.json(await getCertificate(deps.db, { actor: actorOf(c), certificateId: c.req.valid('param').id, ...read() }), 200),
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/certificates',
      tags,
      summary: 'Issue a certificate by hand (staff; evaluators for their courses); past dates and honorary overrides allowed',
      request: jsonBody(issueCertificateInput),
      responses: { 201: jsonResponse(certificateSchema, 'The new certificate'), ...errorResponses },
    }),
    async (c) => c.json(deps.relay.deliver(await issueCertificate(deps.db, { actor: actorOf(c), ...c.req.valid('json'), jobs: deps.jobs, ...read() })), 201),
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/certificates/bulk',
      tags,
      summary: "Issue certificates to a cohort's eligible members (staff; through the queue, progress live)",
      request: jsonBody(bulkIssueInput),
      responses: { 202: jsonResponse(bulkIssueResultSchema, 'Queued: how many are eligible and skipped'), ...errorResponses },
    }),
    async (c) => c.json(deps.relay.deliver(await startBulkIssue(deps.db, { actor: actorOf(c), ...c.req.valid('json'), jobs: deps.jobs, now: deps.now() })), 202),
  );
  router.openapi(
    createRoute({ method: 'post', path: '/certificates/{id}/revoke', tags, summary: 'Revoke a certificate (staff, with a reason)', request: { params: idParam, ...jsonBody(revokeInput) }, responses: { 200: jsonResponse(certificateSchema, 'The revoked certificate'), ...errorResponses } }),
    async (c) => c.json(deps.relay.deliver(await revokeCertificate(deps.db, { actor: actorOf(c), certificateId: c.req.valid('param').id, reason: c.req.valid('json').reason, ...read() })), 200),
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/certificates/{id}/reissue',
      tags,
      summary: 'Reissue a certificate: a new one replaces it (staff)',
      request: { params: idParam, ...jsonBody(reissueInput) },
      responses: { 201: jsonResponse(certificateSchema, 'The new certificate'), ...errorResponses },
    }),
    async (c) => c.json(deps.relay.deliver(await reissueCertificate(deps.db, { actor: actorOf(c), certificateId: c.req.valid('param').id, ...c.req.valid('json'), jobs: deps.jobs, ...read() })), 201),
  );

  // Templates.
  router.openapi(
    createRoute({ method: 'get', path: '/certificate-templates', tags, summary: 'Certificate templates (staff), the default first', responses: { 200: jsonResponse(templateListSchema, 'Templates'), ...errorResponses } }),
    async (c) => c.json(await listTemplates(deps.db, { actor: actorOf(c) }), 200),
  );
  router.openapi(
    createRoute({ method: 'post', path: '/certificate-templates', tags, summary: 'Create a template (staff)', request: jsonBody(createTemplateInput), responses: { 201: jsonResponse(certificateTemplateSchema, 'The template'), ...errorResponses } }),
    async (c) => c.json(await createTemplate(deps.db, { actor: actorOf(c), ...c.req.valid('json'), now: deps.now() }), 201),
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/certificate-templates/preview',
      tags,
      summary: 'Preview a design with sample facts (PNG, for the live editor)',
      request: jsonBody(previewInput),
      responses: { 200: png, ...errorResponses },
    }),
    async (c) => {
      const image = await previewTemplate(deps.db, { actor: actorOf(c), design: c.req.valid('json').design, ...read() });
      return c.body(new Uint8Array(image), 200, { 'content-type': 'image/png', 'cache-control': 'no-store' }) as never;
    },
  );
  router.openapi(
    createRoute({ method: 'patch', path: '/certificate-templates/{id}', tags, summary: 'Change a template (staff)', request: { params: idParam, ...jsonBody(updateTemplateInput) }, responses: { 200: jsonResponse(certificateTemplateSchema, 'The template'), ...errorResponses } }),
    async (c) => c.json(await updateTemplate(deps.db, { actor: actorOf(c), templateId: c.req.valid('param').id, ...c.req.valid('json'), now: deps.now() }), 200),
  );
  router.openapi(
    createRoute({ method: 'post', path: '/certificate-templates/{id}/default', tags, summary: 'Make a template the site default (staff)', request: { params: idParam }, responses: { 200: jsonResponse(certificateTemplateSchema, 'The new default'), ...errorResponses } }),
    async (c) => c.json(await setDefaultTemplate(deps.db, { actor: actorOf(c), templateId: c.req.valid('param').id, now: deps.now() }), 200),
  );

  return router;
}
