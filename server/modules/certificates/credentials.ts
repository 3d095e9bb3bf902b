import { createHash, generateKeyPairSync } from 'node:crypto';
import { asc, sql } from 'drizzle-orm';
import { SignJWT, calculateJwkThumbprint, importJWK, jwtVerify, createLocalJWKSet, type JWK, type JWTPayload } from 'jose';
import type { Database } from '../../db/client.ts';
import { signingKeys } from './keys.schema.ts';

/** What a certificate's credential states; all strings, ready for the JSON. */
export interface CredentialInput {
  /** The certificate's public, unguessable id. */
  publicId: string;
  /** Absolute URL of the public verification page; also the credential's id. */
  verifyUrl: string;
  memberName: string;
  memberEmail: string;
  courseId: string;
  courseTitle: string;
  courseDescription: string | null;
  issuerName: string;
  /** The organisation's public address, e.g. PUBLIC_URL. */
  issuerUrl: string;
  /** ISO instant the certificate was issued. */
  issuedAt: string;
  /** 'YYYY-MM-DD', the last day the certificate is valid, or null. */
  expiresOn: string | null;
}

/** An Open Badges 3.0 credential (W3C Verifiable Credentials data model 2.0). */
export interface OpenBadgeCredential {
  '@context': string[];
  id: string;
  type: string[];
  name: string;
  issuer: { id: string; type: string[]; name: string; url: string };
  validFrom: string;
  validUntil?: string;
  credentialSubject: {
    type: string[];
    name: string;
    identifier: Array<{ type: 'IdentityObject'; identityHash: string; identityType: 'emailAddress'; hashed: true; salt: string }>;
    achievement: {
      id: string;
      type: string[];
      achievementType: string;
      name: string;
      description: string;
      criteria: { narrative: string };
    };
  };
  credentialStatus: { id: string; type: string; statusPurpose: 'revocation' };
}

export const CREDENTIAL_CONTEXT = ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'];
const ALGORITHM = 'EdDSA';
const PURPOSE = 'credentials';

/**
 * The credential for one certificate. The member is identified by a salted SHA-256 of their
 * email (Open Badges' IdentityObject), so the public credential does not reveal the address.
 */
export function buildOpenBadgeCredential(input: CredentialInput): OpenBadgeCredential {
  const salt = input.publicId;
  const identityHash = `sha256$${createHash('sha256').update(input.memberEmail.trim().toLowerCase() + salt).digest('hex')}`;
  const issuerUrl = input.issuerUrl.replace(/\/+$/, '');
  return {
    '@context': CREDENTIAL_CONTEXT,
    id: input.verifyUrl,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: `${input.courseTitle}: certificate of completion`,
    issuer: { id: issuerUrl, type: ['Profile'], name: input.issuerName, url: issuerUrl },
    validFrom: new Date(input.issuedAt).toISOString(),
    ...(input.expiresOn ? { validUntil: `${input.expiresOn}T23:59:59Z` } : {}),
    credentialSubject: {
      type: ['AchievementSubject'],
      name: input.memberName,
      identifier: [{ type: 'IdentityObject', identityHash, identityType: 'emailAddress', hashed: true, salt }],
      achievement: {
        id: /^[0-9a-f-]{36}$/i.test(input.courseId) ? `urn:uuid:${input.courseId}` : `${issuerUrl}/courses/${encodeURIComponent(input.courseId)}`,
        type: ['Achievement'],
        achievementType: 'CertificateOfCompletion',
        name: input.courseTitle,
        description: input.courseDescription?.trim() || `Completion of the course "${input.courseTitle}" at ${input.issuerName}.`,
        criteria: { narrative: `Completed the course "${input.courseTitle}" and met its certification requirements set by ${input.issuerName}.` },
      },
    },
    // Revocation, expiry and replacement are published on the verification page.
    credentialStatus: { id: `${input.verifyUrl}#status`, type: 'CertificateVerificationPage', statusPurpose: 'revocation' },
  };
}

interface ActiveKey {
  kid: string;
  privateKey: Awaited<ReturnType<typeof importJWK>>;
}

// One promise per database handle: the first use on a node creates or loads the key, every
// later signature reuses it. Keyed by handle because tests run several databases in one process.
const activeKeys = new WeakMap<Database, Promise<ActiveKey>>();

/**
 * The organisation's active signing key, created on first use. Two nodes creating it at once
 * both try to insert; the partial unique index (one unretired key per purpose) lets exactly one
 * row in, and both then read that row.
 */
export function activeSigningKey(db: Database): Promise<ActiveKey> {
  let key = activeKeys.get(db);
  if (!key) {
    key = loadOrCreateKey(db);
    activeKeys.set(db, key);
    key.catch(() => activeKeys.delete(db));
  }
  return key;
}

async function loadOrCreateKey(db: Database): Promise<ActiveKey> {
  let row = await selectActiveKey(db);
  if (!row) {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const publicJwk = publicKey.export({ format: 'jwk' }) as JWK;
    const privateJwk = privateKey.export({ format: 'jwk' }) as JWK;
    const kid = await calculateJwkThumbprint(publicJwk);
    await db.execute(sql`
      insert into signing_keys (kid, purpose, algorithm, public_jwk, private_jwk)
      values (${kid}, ${PURPOSE}, ${ALGORITHM}, ${JSON.stringify(publicJwk)}::jsonb, ${JSON.stringify(privateJwk)}::jsonb)
      on conflict (purpose) where retired_at is null do nothing`);
    row = await selectActiveKey(db);
    if (!row) throw new Error('No active signing key after creating one.');
  }
  return { kid: row.kid, privateKey: await importJWK(row.privateJwk as JWK, ALGORITHM) };
}

async function selectActiveKey(db: Database) {
  const rows = await db
    .select({ kid: signingKeys.kid, privateJwk: signingKeys.privateJwk })
    .from(signingKeys)
    .where(sql`${signingKeys.purpose} = ${PURPOSE} and ${signingKeys.retiredAt} is null`);
  return rows[0];
}

/**
 * Signs a credential as a JWT per VC-JOSE-COSE: the payload is the credential itself, with
 * the registered claims beside it (iss, sub, jti, nbf, iat, and exp when it expires).
 * Header: alg EdDSA, typ vc+jwt, cty vc, kid of the key in the published JWKS.
 */
export async function signCredential(db: Database, credential: OpenBadgeCredential): Promise<string> {
  const key = await activeSigningKey(db);
  const validFrom = Math.floor(Date.parse(credential.validFrom) / 1000);
  const claims: JWTPayload = {
    ...credential,
    iss: credential.issuer.id,
    sub: credential.credentialSubject.identifier[0]?.identityHash,
    jti: credential.id,
    nbf: validFrom,
    iat: validFrom,
    ...(credential.validUntil ? { exp: Math.floor(Date.parse(credential.validUntil) / 1000) } : {}),
  };
  return new SignJWT(claims).setProtectedHeader({ alg: ALGORITHM, kid: key.kid, typ: 'vc+jwt', cty: 'vc' }).sign(key.privateKey);
}

/** The public halves of every signing key, retired ones included, so old credentials still verify. */
export async function publicJwks(db: Database): Promise<{ keys: JWK[] }> {
  await activeSigningKey(db);
  const rows = await db.select({ kid: signingKeys.kid, publicJwk: signingKeys.publicJwk }).from(signingKeys).orderBy(asc(signingKeys.createdAt), asc(signingKeys.kid));
  return {
    keys: rows.map(({ kid, publicJwk }) => {
      const { kty, crv, x } = publicJwk as JWK;
      return { kty, crv, x, kid, alg: ALGORITHM, use: 'sig' };
    }),
  };
}

/**
 * Checks a credential JWT against our own published keys and returns the credential's claims,
 * or throws jose's error (bad signature, unknown kid, expired). Revocation is not in the token:
 * the verification page says whether the certificate still stands.
 */
export async function verifyCredentialJwt(db: Database, token: string): Promise<JWTPayload & Partial<OpenBadgeCredential>> {
  const { payload } = await jwtVerify(token, createLocalJWKSet(await publicJwks(db)), { algorithms: [ALGORITHM], typ: 'vc+jwt' });
  return payload as JWTPayload & Partial<OpenBadgeCredential>;
}
