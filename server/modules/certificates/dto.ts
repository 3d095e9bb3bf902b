import { z } from 'zod';
import { certificateDesignSchema } from './design.ts';

export const certificateStatuses = ['valid', 'expired', 'revoked', 'replaced'] as const;
export const certificateStatusSchema = z.enum(certificateStatuses);
export type CertificateStatus = z.infer<typeof certificateStatusSchema>;

export const certificateSources = ['automatic', 'manual', 'evaluation', 'bulk', 'reissue'] as const;
export const certificateSourceSchema = z.enum(certificateSources);
export type CertificateSource = z.infer<typeof certificateSourceSchema>;

/** A calendar day, YYYY-MM-DD (issue and expiry dates are days in the organisation's timezone). */
const daySchema = z.iso.date();
const certificateLink = z.object({ id: z.uuid(), publicId: z.string() });

/** One certificate as staff and its member see it, and as `certificate.updated` carries it. */
export const certificateSchema = z
  .object({
    id: z.uuid(),
    /** Unguessable; the verification page is /certificate/<publicId>. */
    publicId: z.string(),
    memberId: z.uuid(),
    memberName: z.string(),
    memberEmail: z.string(),
    courseId: z.uuid(),
    courseTitle: z.string(),
    cohortId: z.uuid().nullable(),
    cohortName: z.string().nullable(),
    templateId: z.uuid().nullable(),
    issuedOn: daySchema,
    expiresOn: daySchema.nullable(),
    issuedAt: z.string(),
    issuedBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    source: certificateSourceSchema,
    honoraryReason: z.string().nullable(),
    certificateRequestId: z.uuid().nullable(),
    /** revoked > replaced > expired (in the organisation's timezone) > valid. */
    status: certificateStatusSchema,
    revokedAt: z.string().nullable(),
    revokedReason: z.string().nullable(),
    /** The newer certificate after a reissue. */
    replacedBy: certificateLink.nullable(),
    replaces: certificateLink.nullable(),
    verifyUrl: z.string(),
    pdfUrl: z.string(),
    pngUrl: z.string(),
    credentialUrl: z.string(),
    /** When the congratulation with the PDF went out (null until the delivery job has sent it). */
    deliveredAt: z.string().nullable(),
  })
  .meta({ id: 'Certificate' });
export type CertificateDto = z.infer<typeof certificateSchema>;

export const blockerCodes = ['not_enrolled', 'progress_incomplete', 'quiz_not_passed', 'evaluation_required', 'already_certified'] as const;
export const blockerSchema = z.object({ code: z.enum(blockerCodes), message: z.string() });
export type CertificationBlocker = z.infer<typeof blockerSchema>;

/** The learner's view of one course's certification. */
export const certificationStateSchema = z
  .object({
    courseId: z.uuid(),
    certificationEnabled: z.boolean(),
    evaluationRequired: z.boolean(),
    eligible: z.boolean(),
    blockers: z.array(blockerSchema),
    /** A Get Certified request is queued and not yet issued. */
    pending: z.boolean(),
    /** The current unrevoked one. */
    certificate: certificateSchema.nullable(),
  })
  .meta({ id: 'CertificationState' });
export type CertificationStateDto = z.infer<typeof certificationStateSchema>;

export const publicCertificateSchema = z
  .object({
    publicId: z.string(),
    status: certificateStatusSchema,
    memberName: z.string(),
    courseTitle: z.string(),
    issuerName: z.string(),
    issuedOn: daySchema,
    expiresOn: daySchema.nullable(),
    revokedAt: z.string().nullable(),
    revokedReason: z.string().nullable(),
    replacedBy: z.object({ publicId: z.string(), verifyUrl: z.string() }).nullable(),
    verifyUrl: z.string(),
    pdfUrl: z.string(),
    pngUrl: z.string(),
    credentialUrl: z.string(),
    /** "Add to profile" on LinkedIn, prefilled. */
    linkedInUrl: z.string(),
  })
  .meta({ id: 'PublicCertificate' });
export type PublicCertificateDto = z.infer<typeof publicCertificateSchema>;

export const certificateTemplateSchema = z
  .object({ id: z.uuid(), name: z.string(), isDefault: z.boolean(), design: certificateDesignSchema, updatedAt: z.string() })
  .meta({ id: 'CertificateTemplate' });
export type CertificateTemplateDto = z.infer<typeof certificateTemplateSchema>;

export const batchProgressSchema = z.object({
  batchId: z.uuid(),
  cohortId: z.uuid(),
  courseId: z.uuid(),
  total: z.number().int(),
  done: z.number().int(),
  issued: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  finished: z.boolean(),
  /** Who started it: the event goes to their room. */
  requestedBy: z.uuid().nullable(),
});
export type CertificateBatchProgressDto = z.infer<typeof batchProgressSchema>;

// Inputs.
export const idParam = z.object({ id: z.uuid() });
export const courseParam = z.object({ courseId: z.uuid() });
/** Public ids are base64url; anything else is a 404 rather than a validation error. */
export const publicIdParam = z.object({ publicId: z.string().max(100) });

export const certificateListFilters = z.object({
  courseId: z.uuid().optional(),
  cohortId: z.uuid().optional(),
  memberId: z.uuid().optional(),
  status: certificateStatusSchema.optional(),
  issuedFrom: daySchema.optional(),
  issuedTo: daySchema.optional(),
  /** Member name or email, course title, or public id. */
  q: z.string().trim().max(200).optional(),
});
export type CertificateListFilters = z.infer<typeof certificateListFilters>;
export const certificateListQuery = certificateListFilters.extend({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type CertificateListQuery = z.infer<typeof certificateListQuery>;
export const certificateListSchema = z.object({ certificates: z.array(certificateSchema), total: z.number().int() }).meta({ id: 'CertificateList' });
export const myCertificatesSchema = z.object({ certificates: z.array(certificateSchema) }).meta({ id: 'MyCertificates' });

const reasonSchema = z.string().trim().min(3, 'Give a reason (at least 3 characters)').max(1000);

export const issueCertificateInput = z
  .object({
    memberId: z.uuid(),
    courseId: z.uuid(),
    cohortId: z.uuid().optional(),
    templateId: z.uuid().optional(),
    /** Past dates allowed (historical credentials); not in the future. Default: today. */
    issuedOn: daySchema.optional(),
    /** Present = honorary override of eligibility, recorded in the audit log. */
    honoraryReason: reasonSchema.optional(),
  })
  .meta({ id: 'IssueCertificateInput' });
export type IssueCertificateInput = z.infer<typeof issueCertificateInput>;

export const bulkIssueInput = z.object({ cohortId: z.uuid(), courseId: z.uuid(), templateId: z.uuid().optional() }).meta({ id: 'BulkIssueInput' });
export type BulkIssueInput = z.infer<typeof bulkIssueInput>;
export const bulkIssueResultSchema = z
  .object({ batchId: z.uuid(), eligible: z.number().int(), skipped: z.number().int() })
  .meta({ id: 'BulkIssueResult' });

export const revokeInput = z.object({ reason: reasonSchema }).meta({ id: 'RevokeCertificateInput' });
export const reissueInput = z.object({ templateId: z.uuid().optional(), reason: reasonSchema.optional() }).meta({ id: 'ReissueCertificateInput' });

export const templateListSchema = z.object({ templates: z.array(certificateTemplateSchema) }).meta({ id: 'CertificateTemplateList' });
export const createTemplateInput = z.object({ name: z.string().trim().min(1).max(120), design: certificateDesignSchema }).meta({ id: 'CertificateTemplateInput' });
// Built from fields without defaults: zod 4 keeps inner defaults in `.partial()`.
export const updateTemplateInput = z
  .object({ name: z.string().trim().min(1).max(120).optional(), design: certificateDesignSchema.optional() })
  .meta({ id: 'CertificateTemplateUpdate' });
export const previewInput = z.object({ design: certificateDesignSchema }).meta({ id: 'CertificatePreviewInput' });

export const credentialQuery = z.object({ format: z.enum(['jwt', 'json']).default('jwt') });
