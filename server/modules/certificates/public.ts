import type { Database, Executor } from '../../db/client.ts';
import { loadCourse } from '../courses/queries.ts';
import { buildOpenBadgeCredential, signCredential, type OpenBadgeCredential } from './credentials.ts';
import { AppError } from '../../errors.ts';
import { readSetting } from '../system/settings.ts';
import { designsOf, factsOf, pdfFileName } from './delivery.ts';
import type { CertificateDto, PublicCertificateDto } from './dto.ts';
import { findByPublicId, type ReadContext } from './queries.ts';
import { renderer } from './renderer.ts';

// Everything here answers without a login: the certificate's unguessable public id is the
// capability. Unknown ids are a plain 404, the same for malformed and never-issued ids.

/** A certificate by public id, or 404. */
export async function requirePublicCertificate(db: Executor, publicId: string, context: ReadContext): Promise<CertificateDto> {
  const certificate = /^[A-Za-z0-9_-]{20,64}$/.test(publicId) ? await findByPublicId(db, publicId, context) : null;
  if (!certificate) throw new AppError('not_found', 'No certificate with this ID.');
  return certificate;
}

/**
 * "Add to profile" on LinkedIn, prefilled: name, organisation, issue and expiry month, URL, ID.
 * @example linkedInUrl(certificate, 'Acme') // https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=…
 */
export function linkedInUrl(certificate: CertificateDto, organisationName: string): string {
  const [issueYear, issueMonth] = certificate.issuedOn.split('-').map(Number);
  const params = new URLSearchParams({
    startTask: 'CERTIFICATION_NAME',
    name: certificate.courseTitle,
    organizationName: organisationName,
    issueYear: String(issueYear),
    issueMonth: String(issueMonth),
    ...(certificate.expiresOn
      ? { expirationYear: String(Number(certificate.expiresOn.slice(0, 4))), expirationMonth: String(Number(certificate.expiresOn.slice(5, 7))) }
      : {}),
    certUrl: certificate.verifyUrl,
    certId: certificate.publicId,
  });
  return `https://www.linkedin.com/profile/add?${params.toString()}`;
}

/** The verification page's facts: who, what, when, issuer, status (with the reason or the replacement). */
export async function verifyCertificate(db: Executor, input: { publicId: string } & ReadContext): Promise<PublicCertificateDto> {
  const certificate = await requirePublicCertificate(db, input.publicId, input);
  const issuerName = await readSetting(db, 'organisationName');
  const replacedBy = certificate.replacedBy ? { publicId: certificate.replacedBy.publicId, verifyUrl: `${input.baseUrl}/certificate/${certificate.replacedBy.publicId}` } : null;
  return {
    publicId: certificate.publicId,
    status: certificate.status,
    memberName: certificate.memberName,
    courseTitle: certificate.courseTitle,
    issuerName,
    issuedOn: certificate.issuedOn,
    expiresOn: certificate.expiresOn,
    revokedAt: certificate.revokedAt,
    revokedReason: certificate.revokedReason,
    replacedBy,
    verifyUrl: certificate.verifyUrl,
    pdfUrl: certificate.pdfUrl,
    pngUrl: certificate.pngUrl,
    credentialUrl: certificate.credentialUrl,
    linkedInUrl: linkedInUrl(certificate, issuerName),
  };
}

/** What a shared link to a verification page previews as (the page itself renders in the browser). */
export interface SharePreview {
  title: string;
  description: string;
  url: string;
  image: string;
}

/**
 * The link preview of `/certificate/{publicId}`: LinkedIn, chat apps and search engines read the
 * page's meta tags without running its script, so the server writes them in. Null for unknown
 * ids (the page then says so itself).
 */
export async function certificateSharePreview(db: Executor, input: { publicId: string } & ReadContext): Promise<SharePreview | null> {
  const certificate = /^[A-Za-z0-9_-]{20,64}$/.test(input.publicId) ? await findByPublicId(db, input.publicId, input) : null;
  if (!certificate) return null;
  const issuerName = await readSetting(db, 'organisationName');
  const state = certificate.status === 'valid' ? 'Valid' : certificate.status === 'expired' ? 'Expired' : certificate.status === 'revoked' ? 'Revoked' : 'Replaced by a newer certificate';
  return {
    title: `${certificate.memberName}: ${certificate.courseTitle}`,
    description: `Certificate issued by ${issuerName} on ${certificate.issuedOn}${certificate.expiresOn ? `, valid until ${certificate.expiresOn}` : ''}. Status: ${state}. ID ${certificate.publicId}.`,
    url: certificate.verifyUrl,
    image: certificate.pngUrl,
  };
}

/** The certificate's PDF (the same document its member was mailed) and a download name. */
export async function certificatePdf(db: Executor, input: { publicId: string } & ReadContext): Promise<{ pdf: Buffer; fileName: string }> {
  const certificate = await requirePublicCertificate(db, input.publicId, input);
  const issuerName = await readSetting(db, 'organisationName');
  const design = (await designsOf(db, [certificate])).get(certificate.id)!;
  const pdf = await (await renderer()).renderCertificatePdf(factsOf(certificate, issuerName), design);
  return { pdf, fileName: pdfFileName(certificate) };
}

/**
 * A PNG of the certificate (the verification page's preview image). Revoked, replaced and expired
 * certificates carry their status as a watermark, so a shared image cannot pass for a valid one.
 */
export async function certificatePng(db: Executor, input: { publicId: string; width?: number } & ReadContext): Promise<Buffer> {
  const certificate = await requirePublicCertificate(db, input.publicId, input);
  const issuerName = await readSetting(db, 'organisationName');
  const design = (await designsOf(db, [certificate])).get(certificate.id)!;
  const facts = { ...factsOf(certificate, issuerName), ...(certificate.status !== 'valid' ? { status: certificate.status } : {}) };
  return (await renderer()).renderCertificatePng(facts, design, { width: input.width ?? 1200 });
}

/**
 * The certificate's Open Badges 3.0 credential: the JSON, and the JWT signed with the
 * organisation's Ed25519 key (published at /.well-known/jwks.json). Its status entry points at
 * the verification page, which shows revocation and replacement.
 */
export async function certificateCredential(db: Database, input: { publicId: string } & ReadContext): Promise<{ credential: OpenBadgeCredential; jwt: string }> {
  const certificate = await requirePublicCertificate(db, input.publicId, input);
  const course = await loadCourse(db, certificate.courseId);
  const credential = buildOpenBadgeCredential({
    publicId: certificate.publicId,
    verifyUrl: certificate.verifyUrl,
    memberName: certificate.memberName,
    memberEmail: certificate.memberEmail,
    courseId: certificate.courseId,
    courseTitle: certificate.courseTitle,
    courseDescription: course.description,
    issuerName: await readSetting(db, 'organisationName'),
    issuerUrl: input.baseUrl,
    issuedAt: certificate.issuedAt,
    expiresOn: certificate.expiresOn,
  });
  return { credential, jwt: await signCredential(db, credential) };
}
