// Certificates: the learner's certification of a course, staff issuance, revocation and reissue,
// templates, and the public verification record. Re-exported by `$lib/api/client`, so pages
// import these like every other API function.
import type { z } from 'zod';
import { apiUrl, errorFromResponse, request, ApiError } from '$lib/api/client';
import type {
  CertificateBatchProgressDto,
  CertificateDto,
  CertificateListFilters,
  CertificateTemplateDto,
  CertificationStateDto,
  PublicCertificateDto,
  bulkIssueInput,
  bulkIssueResultSchema,
  certificateListSchema,
  issueCertificateInput,
  reissueInput,
} from '$server/modules/certificates/dto.ts';

export type { CertificateBatchProgressDto, CertificateSource, CertificateStatus, CertificationBlocker } from '$server/modules/certificates/dto.ts';
/** One certificate as its member and staff see it. */
export type CertificateView = CertificateDto;
/** The signed-in learner's standing towards one course's certificate. */
export type CertificationState = CertificationStateDto;
/** What anyone may read about a certificate at its public address. */
export type PublicCertificate = PublicCertificateDto;
export type CertificateTemplateView = CertificateTemplateDto;
export type CertificateDesign = CertificateTemplateDto['design'];
export type CertificateFilters = CertificateListFilters;
export type CertificateListQuery = CertificateFilters & { limit?: number; offset?: number };
export type CertificateListDto = z.infer<typeof certificateListSchema>;
export type ManualIssueBody = z.input<typeof issueCertificateInput>;
export type BulkIssueBody = z.input<typeof bulkIssueInput>;
export type BulkIssueResultDto = z.infer<typeof bulkIssueResultSchema>;
export type ReissueBody = z.input<typeof reissueInput>;

const certificateUrl = (id: string) => `/certificates/${encodeURIComponent(id)}`;
const templateUrl = (id: string) => `/certificate-templates/${encodeURIComponent(id)}`;
const certificationUrl = (courseId: string) => `/courses/${encodeURIComponent(courseId)}/certification`;

// ---------- Learner ----------

export const getCertification = (courseId: string, signal?: AbortSignal) => request<CertificationState>(certificationUrl(courseId), { signal });

/** Get Certified: answers at once with `pending`; the certificate arrives by `certification.updated`. */
export const requestCertification = (courseId: string) => request<CertificationState>(certificationUrl(courseId), { method: 'POST' });

export const listMyCertificates = (signal?: AbortSignal) => request<{ certificates: CertificateView[] }>('/me/certificates', { signal });

// ---------- Staff ----------

export const listCertificates = (query: CertificateListQuery = {}, signal?: AbortSignal) =>
  request<CertificateListDto>('/certificates', { query: { ...query }, signal });

/** Where the browser downloads the filtered list as CSV (a plain link: the server streams it). */
export const certificatesCsvUrl = (filters: CertificateFilters = {}) => apiUrl('/certificates/export.csv', { ...filters });

export const getCertificate = (id: string, signal?: AbortSignal) => request<CertificateView>(certificateUrl(id), { signal });

export const issueCertificate = (body: ManualIssueBody) => request<CertificateView>('/certificates', { method: 'POST', body });

export const bulkIssueCertificates = (body: BulkIssueBody) =>
  request<BulkIssueResultDto>('/certificates/bulk', { method: 'POST', body });

export const revokeCertificate = (id: string, reason: string) =>
  request<CertificateView>(`${certificateUrl(id)}/revoke`, { method: 'POST', body: { reason } });

export const reissueCertificate = (id: string, body: ReissueBody = {}) =>
  request<CertificateView>(`${certificateUrl(id)}/reissue`, { method: 'POST', body });

// ---------- Templates ----------

export const listCertificateTemplates = (signal?: AbortSignal) => request<{ templates: CertificateTemplateView[] }>('/certificate-templates', { signal });

export const createCertificateTemplate = (body: { name: string; design: CertificateDesign }) =>
  request<CertificateTemplateView>('/certificate-templates', { method: 'POST', body });

export const updateCertificateTemplate = (id: string, body: { name?: string; design?: CertificateDesign }) =>
  request<CertificateTemplateView>(templateUrl(id), { method: 'PATCH', body });

export const setDefaultCertificateTemplate = (id: string) => request<CertificateTemplateView>(`${templateUrl(id)}/default`, { method: 'POST' });

/**
 * A PNG of `design` filled with sample facts, for the template editor's live preview.
 * @example const png = await previewCertificateTemplate(design, signal); img.src = URL.createObjectURL(png);
 */
export async function previewCertificateTemplate(design: CertificateDesign, signal?: AbortSignal): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(apiUrl('/certificate-templates/preview'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'image/png' },
      body: JSON.stringify({ design }),
      signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError({ code: 'network_error', message: 'Could not reach the server. Check your connection.', status: 0 });
  }
  if (!response.ok) throw await errorFromResponse(response);
  return response.blob();
}

// ---------- Public (no sign-in) ----------

export const getPublicCertificate = (publicId: string, signal?: AbortSignal) =>
  request<PublicCertificate>(`/public/certificates/${encodeURIComponent(publicId)}`, { signal });

/** The organisation's public signing keys, for verifying downloaded credentials. */
export const jwksUrl = '/.well-known/jwks.json';
