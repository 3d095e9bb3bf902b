import { sql } from 'drizzle-orm';
import type { Sql } from 'postgres';
import { PgDialect } from 'drizzle-orm/pg-core';
import { authorize, type Actor } from '../../auth/permissions.ts';
import type { Database, Executor } from '../../db/client.ts';
import type { CertificateDto, CertificateListFilters, CertificateListQuery } from './dto.ts';
import { certificateSelect, listCertificatePage, listFilter, organisationDay, toCertificateDto, type CertificateRow, type ReadContext } from './queries.ts';

/** Staff list with filters, newest first. */
export async function listCertificates(db: Executor, input: { actor: Actor } & CertificateListQuery & ReadContext): Promise<{ certificates: CertificateDto[]; total: number }> {
  authorize(input.actor, 'certificates.manage');
  return listCertificatePage(db, input);
}

const CSV_COLUMNS = [
  'Certificate ID',
  'Member',
  'Email',
  'Course',
  'Cohort',
  'Source',
  'Issued on',
  'Expires on',
  'Status',
  'Issued by',
  'Honorary reason',
  'Revoked at',
  'Revocation reason',
  'Replaced by',
  'Verification URL',
] as const;

/** One CSV field: quoted when needed, and never read as a formula by a spreadsheet. */
export function csvField(value: string | null | undefined): string {
  let text = value ?? '';
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(certificate: CertificateDto): string {
  return [
    certificate.publicId,
    certificate.memberName,
    certificate.memberEmail,
    certificate.courseTitle,
    certificate.cohortName,
    certificate.source,
    certificate.issuedOn,
    certificate.expiresOn,
    certificate.status,
    certificate.issuedBy?.name ?? null,
    certificate.honoraryReason,
    certificate.revokedAt,
    certificate.revokedReason,
    certificate.replacedBy?.publicId ?? null,
    certificate.verifyUrl,
  ].map(csvField).join(',') + '\r\n';
}

const dialect = new PgDialect();

/**
 * The staff export: the header, then one line per certificate as the rows arrive from a
 * PostgreSQL cursor (postgres.js, 500 rows at a time), so memory stays flat for any size.
 * Access is checked here, before the response starts.
 */
export function exportCertificatesCsv(db: Database, input: { actor: Actor } & CertificateListFilters & ReadContext): AsyncGenerator<string> {
  authorize(input.actor, 'certificates.manage');
  return csvLines(db, input);
}

async function* csvLines(db: Database, input: CertificateListFilters & ReadContext): AsyncGenerator<string> {
  const today = await organisationDay(db, input.now);
  const query = dialect.sqlToQuery(sql`${certificateSelect(today)} where ${listFilter(input, today)} order by ct.issued_at desc, ct.id`);
  yield '\uFEFF' + CSV_COLUMNS.map(csvField).join(',') + '\r\n';
  // drizzle's postgres.js database carries its client at run time; its declared type omits it.
  const client = (db as Database & { $client: Sql }).$client;
  const cursor = client.unsafe<CertificateRow[]>(query.sql, query.params as never[]).cursor(500);
  for await (const rows of cursor) {
    yield rows.map((row) => csvLine(toCertificateDto(row, input.baseUrl))).join('');
  }
}
