import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { publicUrl } from '../../config.ts';
import { createRouter, errorResponses, jsonResponse, type AppDeps } from '../../http.ts';
import { credentialQuery, publicCertificateSchema, publicIdParam } from './dto.ts';
import { certificateCredential, certificatePdf, certificatePng, verifyCertificate } from './public.ts';

const binary = (type: string, description: string) => ({ description, content: { [type]: { schema: z.string().meta({ format: 'binary' }) } } });

/**
 * Public verification (no login): the facts and status, the PDF and the PNG. Status changes
 * (revocation, replacement, expiry) show at once, so nothing here is cached for long.
 */
export function publicCertificateRoutes(deps: AppDeps) {
  const router = createRouter();
  const tags = ['Public verification'];
  const read = () => ({ baseUrl: publicUrl(deps.config), now: deps.now() });

  router.openapi(
    createRoute({ method: 'get', path: '/public/certificates/{publicId}', tags, summary: 'Verify a certificate (no login)', request: { params: publicIdParam }, responses: { 200: jsonResponse(publicCertificateSchema, 'Who, what, when, issuer and status'), ...errorResponses } }),
    async (c) => {
      c.header('cache-control', 'no-cache');
      return c.json(await verifyCertificate(deps.db, { publicId: c.req.valid('param').publicId, ...read() }), 200);
    },
  );
  router.openapi(
    createRoute({ method: 'get', path: '/public/certificates/{publicId}/pdf', tags, summary: 'The certificate as PDF (no login)', request: { params: publicIdParam }, responses: { 200: binary('application/pdf', 'PDF, as a download'), ...errorResponses } }),
    async (c) => {
      const { pdf, fileName } = await certificatePdf(deps.db, { publicId: c.req.valid('param').publicId, ...read() });
      return c.body(new Uint8Array(pdf), 200, {
        'content-type': 'application/pdf',
        'content-disposition': `attachment; filename="${fileName}"`,
        'cache-control': 'no-cache',
      }) as never;
    },
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/public/certificates/{publicId}/png',
      tags,
      summary: 'The certificate as PNG (no login; the verification page preview image)',
      request: { params: publicIdParam, query: z.object({ width: z.coerce.number().int().min(200).max(2400).optional() }) },
      responses: { 200: binary('image/png', 'PNG'), ...errorResponses },
    }),
    async (c) => {
      const image = await certificatePng(deps.db, { publicId: c.req.valid('param').publicId, width: c.req.valid('query').width, ...read() });
      return c.body(new Uint8Array(image), 200, { 'content-type': 'image/png', 'cache-control': 'public, max-age=300' }) as never;
    },
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/public/certificates/{publicId}/credential',
      tags,
      summary: 'The Open Badges 3.0 credential, signed as a JWT (EdDSA); ?format=json for the credential itself (no login)',
      request: { params: publicIdParam, query: credentialQuery },
      responses: { 200: { description: 'application/vc+jwt, or the credential as JSON', content: { 'application/vc+jwt': { schema: z.string() }, 'application/json': { schema: z.record(z.string(), z.unknown()) } } }, ...errorResponses },
    }),
    async (c) => {
      const { credential, jwt } = await certificateCredential(deps.db, { publicId: c.req.valid('param').publicId, ...read() });
      c.header('cache-control', 'no-cache');
      if (c.req.valid('query').format === 'json') return c.json(credential, 200) as never;
      return c.body(jwt, 200, { 'content-type': 'application/vc+jwt', 'content-disposition': `attachment; filename="${c.req.valid('param').publicId}.jwt"` }) as never;
    },
  );

  return router;
}
