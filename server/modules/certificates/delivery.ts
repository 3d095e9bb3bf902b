import { sql } from 'drizzle-orm';
import type { Database, Executor } from '../../db/client.ts';
import type { Mailer } from '../../mail/mailer.ts';
import type { DomainEvent } from '../../realtime/events.ts';
import { readSetting } from '../system/settings.ts';
import type { CertificateDesign, CertificateFacts } from './design.ts';
import type { CertificateDto } from './dto.ts';
import { loadCertificates, type ReadContext } from './queries.ts';
import { renderer } from './renderer.ts';
import { templateOrDefault } from './templates.ts';
import { batchProgressEvent } from './bulk.ts';

/** What the renderer is told about a certificate: a pure function of these and the template. */
export function factsOf(certificate: CertificateDto, issuerName: string): CertificateFacts {
  return {
    certificateId: certificate.publicId,
    memberName: certificate.memberName,
    courseTitle: certificate.courseTitle,
    issuedOn: certificate.issuedOn,
    expiresOn: certificate.expiresOn,
    issuerName,
    verifyUrl: certificate.verifyUrl,
  };
}

/** The template a certificate was issued with (or the default when it was deleted), by certificate. */
export async function designsOf(db: Executor, certificates: readonly CertificateDto[]): Promise<Map<string, CertificateDesign>> {
  const designs = new Map<string, CertificateDesign>();
  const byTemplate = new Map<string | null, CertificateDesign>();
  for (const certificate of certificates) {
    if (!byTemplate.has(certificate.templateId)) byTemplate.set(certificate.templateId, (await templateOrDefault(db, certificate.templateId)).design);
    designs.set(certificate.id, byTemplate.get(certificate.templateId)!);
  }
  return designs;
}

/** "Zoe_Martin-Workplace_Fire_Safety.pdf": a file name any mail client and file system accepts. */
export function pdfFileName(certificate: Pick<CertificateDto, 'memberName' | 'courseTitle'>): string {
  const part = (text: string) => text.normalize('NFKD').replace(/[^\w\s-]/g, '').trim().replace(/\s+/g, '_').slice(0, 60) || 'certificate';
  return `${part(certificate.memberName)}-${part(certificate.courseTitle)}.pdf`;
}

function congratulation(certificate: CertificateDto, issuerName: string) {
  const expiry = certificate.expiresOn ? `It is valid until ${certificate.expiresOn}.` : 'It does not expire.';
  const text = [
    `Hello ${certificate.memberName},`,
    '',
    `Congratulations: you have earned your certificate for "${certificate.courseTitle}", issued by ${issuerName} on ${certificate.issuedOn}. ${expiry}`,
    '',
    `Your certificate is attached as a PDF. Anyone can verify it at:`,
    certificate.verifyUrl,
    '',
    `Certificate ID: ${certificate.publicId}`,
  ].join('\n');
  const escape = (value: string) => value.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);
  const html = `<p>Hello ${escape(certificate.memberName)},</p>
<p>Congratulations: you have earned your certificate for <strong>${escape(certificate.courseTitle)}</strong>, issued by ${escape(issuerName)} on ${certificate.issuedOn}. ${expiry}</p>
<p>Your certificate is attached as a PDF. Anyone can verify it at <a href="${escape(certificate.verifyUrl)}">${escape(certificate.verifyUrl)}</a>.</p>
<p>Certificate ID: ${certificate.publicId}</p>`;
  return { subject: `Your certificate: ${certificate.courseTitle}`, text, html };
}


/** Delivered certificates are marked (and batch progress told) in groups of this size. */
const MARK_EVERY = 10;

/**
 * Renders each certificate's PDF and mails it to its member, once: the dedupe key names the
 * certificate (a retried job sends nothing twice) and `delivered_at` is set after the mail is
 * accepted, so a retry only does what is left. Revoked certificates are not congratulated.
 * Throws after trying them all when any failed, so the job is retried for the rest.
 */
export async function deliverCertificates(
  deps: { db: Database; mailer: Mailer; publish: (events: DomainEvent[]) => void },
  input: { certificateIds: readonly string[] } & ReadContext,
): Promise<{ delivered: number }> {
  const { db, mailer } = deps;
  const undelivered = (await loadCertificates(db, input.certificateIds, input)).filter((c) => !c.deliveredAt && c.status !== 'revoked');
  if (!undelivered.length) return { delivered: 0 };
  const issuerName = await readSetting(db, 'organisationName');
  const designs = await designsOf(db, undelivered);
  const render = await renderer();
  const failures: unknown[] = [];
  let delivered = 0;
  let unmarked: string[] = [];
  let marking = Promise.resolve();
  // Marks delivered certificates in small groups as they go, so a batch's progress moves while a
  // long job works (and a crash loses little). Only rows this run marks count, so a retry never
  // counts twice.
  const markDelivered = () => {
    const ids = unmarked;
    unmarked = [];
    marking = marking.then(async () => {
      if (!ids.length) return;
      const marked = await db.execute<{ batch_id: string | null }>(sql`
        update certificates set delivered_at = ${new Date().toISOString()}::timestamptz
        where id = any(${sql.param(ids)}::uuid[]) and delivered_at is null
        returning batch_id`);
      delivered += marked.length;
      const perBatch = new Map<string, number>();
      for (const row of marked) if (row.batch_id) perBatch.set(row.batch_id, (perBatch.get(row.batch_id) ?? 0) + 1);
      for (const [batchId, count] of perBatch) {
        await db.execute(sql`update certificate_batches set delivered = delivered + ${count} where id = ${batchId}`);
        const event = await batchProgressEvent(db, batchId, input.now);
        if (event) deps.publish([event]);
      }
    });
    return marking;
  };
  let next = 0;
  async function lane() {
    while (next < undelivered.length) {
      const certificate = undelivered[next++];
      try {
        const pdf = await render.renderCertificatePdf(factsOf(certificate, issuerName), designs.get(certificate.id)!);
        await mailer.send({
          to: certificate.memberEmail,
          ...congratulation(certificate, issuerName),
          attachments: [{ filename: pdfFileName(certificate), content: pdf, contentType: 'application/pdf' }],
          dedupeKey: `certificate-issued:${certificate.id}`,
        });
        unmarked.push(certificate.id);
        if (unmarked.length >= MARK_EVERY) await markDelivered();
      } catch (error) {
        failures.push(error);
      }
    }
  }
  // Twice the renderer's parallelism: while one certificate renders, the last one is being mailed.
  await Promise.all(Array.from({ length: Math.min(render.parallelism * 2, undelivered.length) }, lane));
  await markDelivered();
  if (failures.length) throw failures[0];
  return { delivered };
}
