import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { SignJWT, createLocalJWKSet, decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../server/app.ts';
import { connectDatabase } from '../server/db/client.ts';
import { createLogger } from '../server/logger.ts';
import { buildOpenBadgeCredential, publicJwks, signCredential, type CredentialInput } from '../server/modules/certificates/credentials.ts';
import { useTestApp } from './support/app.ts';
import { certificationCourse, staffMember } from './support/certificates.ts';
import { createUser } from './support/factories.ts';

const testApp = useTestApp();

const input: CredentialInput = {
  publicId: 'K7Q2XK9P4MZTW3RA',
  verifyUrl: 'https://learn.example.com/certificate/K7Q2XK9P4MZTW3RA',
  memberName: 'Zoë Łukasiewicz',
  memberEmail: 'Zoe@Example.com',
  courseId: '5b0d3c1e-8f2a-4c6e-9d7b-1a2b3c4d5e6f',
  courseTitle: 'Fire safety & evacuation',
  courseDescription: 'What to do when the alarm sounds.',
  issuerName: 'Acme Learning',
  issuerUrl: 'https://learn.example.com/',
  issuedAt: '2026-03-03T10:15:00.000Z',
  expiresOn: '2036-03-03',
};

/** The app served on a real port, with a built frontend whose catch-all must not hide the keys. */
let baseUrl = '';
let closeServer: () => Promise<void> = async () => {};
beforeAll(async () => {
  const t = testApp();
  const frontendDir = mkdtempSync(join(tmpdir(), 'frontend-'));
  writeFileSync(join(frontendDir, 'index.html'), '<!doctype html><title>app shell</title>');
  const app = createApp({ config: t.config, db: t.db, mailer: t.mailer, relay: t.relay, jobs: t.jobs, log: createLogger('silent'), now: t.clock.now, realtimeStatus: () => ({ ok: true, clients: 0 }), frontendDir });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeServer = () => new Promise((resolve) => server.close(() => resolve()));
});
afterAll(() => closeServer());

async function fetchJwks(): Promise<{ status: number; cacheControl: string | null; body: { keys: JWK[] } }> {
  const response = await fetch(`${baseUrl}/.well-known/jwks.json`);
  return { status: response.status, cacheControl: response.headers.get('cache-control'), body: (await response.json()) as { keys: JWK[] } };
}

describe('verifiable credentials', () => {
  it('creates exactly one signing key when several nodes use it first at the same moment', async () => {
    const t = testApp();
    for (let round = 0; round < 5; round++) {
      await t.db.execute(sql`delete from signing_keys`);
      // Each handle is its own pool with its own in-process cache, as separate nodes would be.
      const nodes = Array.from({ length: 4 }, () => connectDatabase(t.database.url, { max: 2 }));
      try {
        const answers = await Promise.all(nodes.map((node) => publicJwks(node.db)));
        const rows = await t.db.execute<{ kid: string }>(sql`select kid from signing_keys where retired_at is null`);
        expect(rows).toHaveLength(1);
        for (const answer of answers) expect(answer.keys.map((key) => key.kid)).toEqual([rows[0].kid]);
      } finally {
        await Promise.all(nodes.map((node) => node.close()));
      }
    }
  });

  it('publishes the public key at the well-known address, without the private part', async () => {
    const jwks = await fetchJwks();
    expect(jwks.status).toBe(200);
    expect(jwks.cacheControl).toMatch(/max-age=\d+/);
    expect(jwks.body.keys).toHaveLength(1);
    const [key] = jwks.body.keys;
    expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(key.kid).toBeTruthy();
    expect(key).not.toHaveProperty('d');
  });

  it('signs an Open Badges 3.0 credential that verifies against the published keys', async () => {
    const credential = buildOpenBadgeCredential(input);
    expect(credential['@context']).toEqual(['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json']);
    expect(credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(credential.credentialSubject.achievement.name).toBe('Fire safety & evacuation');
    expect(JSON.stringify(credential)).not.toContain('Example.com');

    const token = await signCredential(testApp().db, credential);
    const { keys } = (await fetchJwks()).body;
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', kid: keys[0].kid, typ: 'vc+jwt', cty: 'vc' });

    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys }), { algorithms: ['EdDSA'], issuer: 'https://learn.example.com', typ: 'vc+jwt' });
    expect(payload).toMatchObject({
      id: input.verifyUrl,
      jti: input.verifyUrl,
      iss: 'https://learn.example.com',
      nbf: Date.parse(input.issuedAt) / 1000,
      exp: Date.parse('2036-03-03T23:59:59Z') / 1000,
      validUntil: '2036-03-03T23:59:59Z',
      issuer: { id: 'https://learn.example.com', type: ['Profile'], name: 'Acme Learning' },
      credentialSubject: { name: 'Zoë Łukasiewicz', achievement: { name: 'Fire safety & evacuation', criteria: { narrative: expect.any(String) } } },
      credentialStatus: { id: `${input.verifyUrl}#status` },
    });
    expect(payload.sub).toMatch(/^sha256\$[0-9a-f]{64}$/);
  });

  it('rejects a tampered credential and one signed by another key under our key id', async () => {
    const token = await signCredential(testApp().db, buildOpenBadgeCredential({ ...input, expiresOn: null }));
    const jwks = createLocalJWKSet((await fetchJwks()).body);
    await expect(jwtVerify(token, jwks)).resolves.toBeTruthy();

    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    claims.credentialSubject.name = 'Mallory';
    const tampered = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
    await expect(jwtVerify(tampered, jwks)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });

    const forger = await importJWK(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as JWK, 'EdDSA');
    const forged = await new SignJWT(claims).setProtectedHeader(decodeProtectedHeader(token) as { alg: string }).sign(forger);
    await expect(jwtVerify(forged, jwks)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  it('leaves validUntil and exp out when the certificate does not expire', async () => {
    const credential = buildOpenBadgeCredential({ ...input, expiresOn: null });
    expect(credential).not.toHaveProperty('validUntil');
    const token = await signCredential(testApp().db, credential);
    const { payload } = await jwtVerify(token, createLocalJWKSet((await fetchJwks()).body));
    expect(payload.exp).toBeUndefined();
  });
});

describe('the verification page as a shared link', () => {
  it('carries the certificate in its link-preview tags, escaped; an unknown id gets the plain app shell', async () => {
    const t = testApp();
    const course = await certificationCourse(t.db, { title: 'Fire safety <basics> & "drills"' });
    const member = await createUser(t.db, { name: 'Zoë Brontë' });
    const staff = await staffMember(t);
    const issued = await staff.client.post('/api/certificates', { memberId: member.id, courseId: course.id, honoraryReason: 'Trained on site' });
    expect(issued.status).toBe(201);

    const page = await (await fetch(`${baseUrl}/certificate/${issued.body.publicId}`)).text();
    expect(page).toContain('<meta property="og:title" content="Zoë Brontë: Fire safety &lt;basics&gt; &amp; &quot;drills&quot;">');
    expect(page).toContain(`<meta property="og:image" content="${issued.body.pngUrl}">`);
    expect(page).toContain(`<meta property="og:url" content="${issued.body.verifyUrl}">`);
    expect(page).toMatch(/og:description" content="Certificate issued by [^"]+ on \d{4}-\d{2}-\d{2}\. Status: Valid\./);
    expect(page).not.toContain('<title>app shell</title>');

    const unknown = await (await fetch(`${baseUrl}/certificate/nothing-like-this-was-issued`)).text();
    expect(unknown).toBe('<!doctype html><title>app shell</title>');
  });
});
