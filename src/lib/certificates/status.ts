import type { CertificateSource, CertificateStatus } from '$lib/api/client';

export const certificateStatusLabels: Record<CertificateStatus, string> = {
  valid: 'Valid',
  expired: 'Expired',
  revoked: 'Revoked',
  replaced: 'Replaced',
};

/** The badge colour of each status (classes from styles/data.css). */
export const certificateStatusTone: Record<CertificateStatus, string> = {
  valid: 'success',
  expired: 'warning',
  revoked: 'danger',
  replaced: '',
};

export const certificateSourceLabels: Record<CertificateSource, string> = {
  automatic: 'On completion',
  manual: 'Issued by staff',
  evaluation: 'After evaluation',
  bulk: 'Cohort graduation',
  reissue: 'Reissued',
};

export const certificateStatuses: readonly CertificateStatus[] = ['valid', 'expired', 'revoked', 'replaced'];
