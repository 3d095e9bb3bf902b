import { randomBytes } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { readSetting } from '../system/settings.ts';
import type { CertificateDto, CertificateListFilters, CertificateStatus } from './dto.ts';

/** 160 random bits as base64url (27 characters): the id in a certificate's public URL. */
export function newPublicId(): string {
  return randomBytes(20).toString('base64url');
}

/** The public addresses of one certificate. */
export function certificateUrls(baseUrl: string, publicId: string) {
  const api = `${baseUrl}/api/public/certificates/${publicId}`;
  return { verifyUrl: `${baseUrl}/certificate/${publicId}`, pdfUrl: `${api}/pdf`, pngUrl: `${api}/png`, credentialUrl: `${api}/credential` };
}

/** Today in the organisation's timezone (YYYY-MM-DD): issue dates, and what "expired" is measured against. */
export async function organisationDay(db: Executor, now: Date): Promise<string> {
  const timezone = await readSetting(db, 'organisationTimezone');
  const [row] = await db.execute<{ today: string }>(sql`select (${now.toISOString()}::timestamptz at time zone ${timezone})::date::text as today`);
  return row.today;
}

/** The status of certificate `ct` on `today`: revoked > replaced > expired > valid. */
export function statusSql(today: string): SQL {
  return sql`case when ct.revoked_at is not null then 'revoked' when ct.replaced_by_id is not null then 'replaced'
    when ct.expires_on is not null and ct.expires_on < ${today}::date then 'expired' else 'valid' end`;
}

export type CertificateRow = {
  id: string;
  public_id: string;
  member_id: string;
  member_name: string;
  member_email: string;
  course_id: string;
  course_title: string;
  cohort_id: string | null;
  cohort_name: string | null;
  template_id: string | null;
  issued_on: string;
  expires_on: string | null;
  issued_at: string | Date;
  issued_by_id: string | null;
  issued_by_name: string | null;
  source: CertificateDto['source'];
  honorary_reason: string | null;
  certificate_request_id: string | null;
  status: CertificateStatus;
  revoked_at: string | Date | null;
  revoked_reason: string | null;
  replaced_by_id: string | null;
  replaced_by_public_id: string | null;
  replaces_id: string | null;
  replaces_public_id: string | null;
  delivered_at: string | Date | null;
};

const isoOf = (value: string | Date) => new Date(value).toISOString();

export function toCertificateDto(row: CertificateRow, baseUrl: string): CertificateDto {
  return {
    id: row.id,
    publicId: row.public_id,
    memberId: row.member_id,
    memberName: row.member_name,
    memberEmail: row.member_email,
    courseId: row.course_id,
    courseTitle: row.course_title,
    cohortId: row.cohort_id,
    cohortName: row.cohort_name,
    templateId: row.template_id,
    issuedOn: row.issued_on,
    expiresOn: row.expires_on,
    issuedAt: isoOf(row.issued_at),
    issuedBy: row.issued_by_id ? { id: row.issued_by_id, name: row.issued_by_name ?? '' } : null,
    source: row.source,
    honoraryReason: row.honorary_reason,
    certificateRequestId: row.certificate_request_id,
    status: row.status,
    revokedAt: row.revoked_at ? isoOf(row.revoked_at) : null,
    revokedReason: row.revoked_reason,
    replacedBy: row.replaced_by_id ? { id: row.replaced_by_id, publicId: row.replaced_by_public_id! } : null,
    replaces: row.replaces_id ? { id: row.replaces_id, publicId: row.replaces_public_id! } : null,
    ...certificateUrls(baseUrl, row.public_id),
    deliveredAt: row.delivered_at ? isoOf(row.delivered_at) : null,
  };
}

/**
 * The select list and joins of every certificate read (alias `ct`; `u` member, `c` course, `co` cohort).
 * Cohort, course and user names are read here, read-only, as the training module's lists read them:
 * lists and the streamed export need them joined, one row per certificate.
 */
export function certificateSelect(today: string): SQL {
  return sql`
    select ct.id, ct.public_id, ct.member_id, u.name as member_name, u.email as member_email,
      ct.course_id, c.title as course_title, ct.cohort_id, co.title as cohort_name, ct.template_id,
      ct.issued_on::text as issued_on, ct.expires_on::text as expires_on, ct.issued_at,
      ct.issued_by as issued_by_id, ib.name as issued_by_name, ct.source, ct.honorary_reason, ct.certificate_request_id,
      ${statusSql(today)} as status, ct.revoked_at, ct.revoked_reason,
      ct.replaced_by_id, rb.public_id as replaced_by_public_id, ct.replaces_id, rp.public_id as replaces_public_id, ct.delivered_at
    from certificates ct
    join users u on u.id = ct.member_id
    join courses c on c.id = ct.course_id
    left join cohorts co on co.id = ct.cohort_id
    left join users ib on ib.id = ct.issued_by
    left join certificates rb on rb.id = ct.replaced_by_id
    left join certificates rp on rp.id = ct.replaces_id`;
}

async function selectCertificates(db: Executor, input: { where: SQL; tail?: SQL; today: string; baseUrl: string }): Promise<CertificateDto[]> {
  const rows = await db.execute<CertificateRow>(sql`${certificateSelect(input.today)} where ${input.where} ${input.tail ?? sql``}`);
  return Array.from(rows, (row) => toCertificateDto(row, input.baseUrl));
}

export interface ReadContext {
  baseUrl: string;
  now: Date;
}

/** Certificates as DTOs, in the order of `ids`. */
export async function loadCertificates(db: Executor, ids: readonly string[], context: ReadContext): Promise<CertificateDto[]> {
  if (!ids.length) return [];
  const today = await organisationDay(db, context.now);
  const found = await selectCertificates(db, { where: sql`ct.id = any(${sql.param([...ids])}::uuid[])`, today, baseUrl: context.baseUrl });
  const byId = new Map(found.map((c) => [c.id, c]));
  return ids.map((id) => byId.get(id)).filter((c): c is CertificateDto => c !== undefined);
}

export async function loadCertificate(db: Executor, id: string, context: ReadContext): Promise<CertificateDto> {
  const [certificate] = await loadCertificates(db, [id], context);
  if (!certificate) throw new AppError('not_found', 'No such certificate.');
  return certificate;
}

/** By public id; null when there is none (public endpoints answer 404). */
export async function findByPublicId(db: Executor, publicId: string, context: ReadContext): Promise<CertificateDto | null> {
  const today = await organisationDay(db, context.now);
  const [certificate] = await selectCertificates(db, { where: sql`ct.public_id = ${publicId}`, today, baseUrl: context.baseUrl });
  return certificate ?? null;
}

/** The member's current (unrevoked, not replaced) certificate for a course, if any. */
export async function currentCertificateId(db: Executor, input: { memberId: string; courseId: string }): Promise<string | null> {
  const [row] = await db.execute<{ id: string }>(sql`
    select id from certificates where member_id = ${input.memberId} and course_id = ${input.courseId} and revoked_at is null and replaced_by_id is null`);
  return row?.id ?? null;
}

/** A member's certificates, newest first (revoked and replaced ones included: they show why). */
export async function memberCertificates(db: Executor, memberId: string, context: ReadContext): Promise<CertificateDto[]> {
  const today = await organisationDay(db, context.now);
  return selectCertificates(db, { where: sql`ct.member_id = ${memberId}`, tail: sql`order by ct.issued_at desc, ct.id`, today, baseUrl: context.baseUrl });
}

/** The WHERE of staff lists and exports over alias `ct`, `u`, `c`. */
export function listFilter(filters: CertificateListFilters, today: string): SQL {
  const parts: SQL[] = [sql`true`];
  if (filters.courseId) parts.push(sql`ct.course_id = ${filters.courseId}`);
  if (filters.cohortId) parts.push(sql`ct.cohort_id = ${filters.cohortId}`);
  if (filters.memberId) parts.push(sql`ct.member_id = ${filters.memberId}`);
  if (filters.status) parts.push(sql`${statusSql(today)} = ${filters.status}`);
  if (filters.issuedFrom) parts.push(sql`ct.issued_on >= ${filters.issuedFrom}::date`);
  if (filters.issuedTo) parts.push(sql`ct.issued_on <= ${filters.issuedTo}::date`);
  if (filters.q) {
    const pattern = `%${filters.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    parts.push(sql`(u.name ilike ${pattern} or u.email ilike ${pattern} or c.title ilike ${pattern} or ct.public_id = ${filters.q})`);
  }
  return sql.join(parts, sql` and `);
}

/** A page of certificates, newest first, and how many match. */
export async function listCertificatePage(
  db: Executor,
  input: CertificateListFilters & { limit: number; offset: number } & ReadContext,
): Promise<{ certificates: CertificateDto[]; total: number }> {
  const today = await organisationDay(db, input.now);
  const where = listFilter(input, today);
  const certificates = await selectCertificates(db, { where, tail: sql`order by ct.issued_at desc, ct.id limit ${input.limit} offset ${input.offset}`, today, baseUrl: input.baseUrl });
  const [counted] = await db.execute<{ total: number }>(sql`
    select count(*)::int as total from certificates ct join users u on u.id = ct.member_id join courses c on c.id = ct.course_id where ${where}`);
  return { certificates, total: counted.total };
}
