import { sql } from 'drizzle-orm';
import { boolean, check, date, type AnyPgColumn, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { cohorts } from '../cohorts/schema.ts';
import { courses } from '../courses/schema.ts';
import { certificateRequests } from '../scheduling/schema.ts';
import { users } from '../users/schema.ts';
import type { CertificateDesign } from './design.ts';

export const certificateSourceEnum = pgEnum('certificate_source', ['automatic', 'manual', 'evaluation', 'bulk', 'reissue']);
export const certificateClaimStatusEnum = pgEnum('certificate_claim_status', ['queued', 'issued', 'refused']);

/** A certificate's look. At most one is the site default (partial unique index). */
export const certificateTemplates = pgTable(
  'certificate_templates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    design: jsonb('design').$type<CertificateDesign>().notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('certificate_templates_one_default_key').on(t.isDefault).where(sql`${t.isDefault}`),
    check('certificate_templates_name_not_blank', sql`length(trim(${t.name})) > 0`),
  ],
);

/**
 * An issued certificate; never deleted. At most one current (not revoked, not replaced)
 * certificate per member and course: a partial unique index, which every issuing path inserts
 * against with ON CONFLICT, so a race or a retried job can never make a second one. A reissue
 * sets the old row's `replaced_by_id` and the new row's `replaces_id` in one transaction.
 */
export const certificates = pgTable(
  'certificates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Unguessable (160 random bits, base64url): the verification URL's id. */
    publicId: text('public_id').notNull(),
    memberId: uuid('member_id').notNull().references(() => users.id, { onDelete: 'restrict' }),
    courseId: uuid('course_id').notNull().references(() => courses.id, { onDelete: 'restrict' }),
    cohortId: uuid('cohort_id').references(() => cohorts.id, { onDelete: 'set null' }),
    templateId: uuid('template_id').references(() => certificateTemplates.id, { onDelete: 'set null' }),
    /** The evaluation it was issued after (at most one certificate per request). */
    certificateRequestId: uuid('certificate_request_id').references(() => certificateRequests.id, { onDelete: 'set null' }),
    source: certificateSourceEnum('source').notNull(),
    issuedOn: date('issued_on', { mode: 'string' }).notNull(),
    /** issued_on + the course's validity days; null: never expires. */
    expiresOn: date('expires_on', { mode: 'string' }),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
    /** Null when the platform issued it (Get Certified, after an evaluation). */
    issuedBy: uuid('issued_by').references(() => users.id, { onDelete: 'set null' }),
    /** Set when staff overrode eligibility: why. */
    honoraryReason: text('honorary_reason'),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: uuid('revoked_by').references(() => users.id, { onDelete: 'set null' }),
    revokedReason: text('revoked_reason'),
    replacedById: uuid('replaced_by_id').references((): AnyPgColumn => certificates.id, { onDelete: 'restrict' }),
    replacesId: uuid('replaces_id').references((): AnyPgColumn => certificates.id, { onDelete: 'restrict' }),
    /** The bulk issuance it came from. */
    batchId: uuid('batch_id'),
    /** When the congratulation (with the PDF) was accepted by the mail server or outbox. */
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('certificates_public_id_key').on(t.publicId),
    uniqueIndex('certificates_one_current_key').on(t.memberId, t.courseId).where(sql`${t.revokedAt} is null and ${t.replacedById} is null`),
    uniqueIndex('certificates_request_key').on(t.certificateRequestId),
    uniqueIndex('certificates_replaces_key').on(t.replacesId),
    index('certificates_course_idx').on(t.courseId, t.issuedOn),
    index('certificates_cohort_idx').on(t.cohortId),
    index('certificates_issued_on_idx').on(t.issuedOn),
    // Certificates issued per week (statistics) count a week at a time from this index.
    index('certificates_issued_at_idx').on(t.issuedAt),
    index('certificates_batch_idx').on(t.batchId),
    index('certificates_undelivered_idx').on(t.issuedAt).where(sql`${t.deliveredAt} is null`),
    check('certificates_public_id_long', sql`length(${t.publicId}) >= 26`),
    check('certificates_revoked_has_reason', sql`(${t.revokedAt} is null) = (${t.revokedReason} is null)`),
    check('certificates_revoked_reason_not_blank', sql`${t.revokedReason} is null or length(trim(${t.revokedReason})) > 0`),
    check('certificates_honorary_reason_not_blank', sql`${t.honoraryReason} is null or length(trim(${t.honoraryReason})) > 0`),
    check('certificates_expires_after_issue', sql`${t.expiresOn} is null or ${t.expiresOn} > ${t.issuedOn}`),
    check('certificates_not_replacing_itself', sql`${t.replacedById} <> ${t.id} and ${t.replacesId} <> ${t.id}`),
    check('certificates_evaluation_has_request', sql`${t.source} <> 'evaluation' or ${t.certificateRequestId} is not null`),
    // A reissue replaces an earlier certificate; a new recertification cycle's may too (migration certificate_renewal).
    check('certificates_reissue_replaces', sql`${t.source} <> 'reissue' or ${t.replacesId} is not null`),
  ],
);

/**
 * A learner's Get Certified click. One queued claim per member and course (partial unique
 * index): twenty parallel clicks insert one row and enqueue one job; the rest see it queued.
 */
export const certificateClaims = pgTable(
  'certificate_claims',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    memberId: uuid('member_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    courseId: uuid('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    status: certificateClaimStatusEnum('status').notNull().default('queued'),
    certificateId: uuid('certificate_id').references(() => certificates.id, { onDelete: 'set null' }),
    /** Why the job refused it (eligibility changed after the click). */
    refusal: text('refusal'),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    settledAt: timestamp('settled_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('certificate_claims_one_queued_key').on(t.memberId, t.courseId).where(sql`${t.status} = 'queued'`),
    check('certificate_claims_settled', sql`(${t.status} = 'queued') = (${t.settledAt} is null)`),
  ],
);

/** A staff bulk issuance for a cohort's eligible members; counters move as its job works. */
export const certificateBatches = pgTable(
  'certificate_batches',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    cohortId: uuid('cohort_id').notNull().references(() => cohorts.id, { onDelete: 'cascade' }),
    courseId: uuid('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    templateId: uuid('template_id').references(() => certificateTemplates.id, { onDelete: 'set null' }),
    requestedBy: uuid('requested_by').references(() => users.id, { onDelete: 'set null' }),
    /** The eligible members when it was requested (they are certified by the job). */
    memberIds: jsonb('member_ids').$type<string[]>().notNull(),
    total: integer('total').notNull(),
    /** Cohort members left out when it was requested (not eligible or already certified). */
    skippedAtStart: integer('skipped_at_start').notNull().default(0),
    issued: integer('issued').notNull().default(0),
    /** Issued certificates whose congratulation (with the PDF) went out: the slow part, so progress counts it. */
    delivered: integer('delivered').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    /** Chunks (by index) whose members were certified or skipped: a retried chunk job counts nobody twice. */
    settledChunks: integer('settled_chunks').array().notNull().default(sql`'{}'::integer[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [check('certificate_batches_counts', sql`${t.issued} + ${t.skipped} + ${t.failed} <= ${t.total} and ${t.delivered} <= ${t.issued}`)],
);
