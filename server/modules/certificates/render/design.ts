import { z } from 'zod';

/** A template's look, as stored in certificate_templates.design (jsonb) and edited by moderators. */
export interface CertificateDesign {
  heading: string;
  body: string;
  primaryColor: string;
  accentColor: string;
  backgroundColor: string;
  logoDataUrl: string | null;
  signatoryName: string;
  signatoryTitle: string;
  orientation: 'landscape' | 'portrait';
}

/** What a certificate states; rendering is a pure function of these facts and a design. */
export interface CertificateFacts {
  certificateId: string;
  memberName: string;
  courseTitle: string;
  issuedOn: string;
  expiresOn: string | null;
  issuerName: string;
  verifyUrl: string;
  status?: 'valid' | 'revoked' | 'expired' | 'replaced';
}

/** A logo larger than this (decoded) would bloat every PDF and email attachment. */
export const MAX_LOGO_BYTES = 200 * 1024;

const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Use a colour like #1A2B3C.');

const logoDataUrl = z
  .string()
  .regex(/^data:image\/(png|jpeg|svg\+xml);base64,[A-Za-z0-9+/]+={0,2}$/, 'The logo must be a PNG, JPEG or SVG image as a base64 data URL.')
  .refine((url) => decodedLength(url) <= MAX_LOGO_BYTES, `The logo must be at most ${MAX_LOGO_BYTES / 1024} KB.`)
  .refine(isReadableImage, 'The logo is not a readable PNG, JPEG or SVG image.');

export const certificateDesignSchema: z.ZodType<CertificateDesign> = z
  .object({
    heading: z.string().trim().min(1).max(120),
    body: z.string().trim().min(1).max(1000),
    primaryColor: colour,
    accentColor: colour,
    backgroundColor: colour,
    logoDataUrl: logoDataUrl.nullable(),
    signatoryName: z.string().trim().max(120),
    signatoryTitle: z.string().trim().max(120),
    orientation: z.enum(['landscape', 'portrait']),
  })
  .meta({ id: 'CertificateDesign' });

export const defaultCertificateDesign: CertificateDesign = {
  heading: 'Certificate of Completion',
  body: 'has successfully completed {{course_title}} on {{issue_date}}.',
  primaryColor: '#1F3A5F',
  accentColor: '#C8A24A',
  backgroundColor: '#FFFDF7',
  logoDataUrl: null,
  signatoryName: '',
  signatoryTitle: '',
  orientation: 'landscape',
};

/** Merge fields a template's wording may use, e.g. "{{member_name}}". */
export const mergeFieldNames = ['member_name', 'course_title', 'issue_date', 'expiry_date', 'certificate_id', 'issuer_name'] as const;

/**
 * Fills `{{field}}` placeholders (spaces inside the braces allowed); unknown fields stay as written.
 * fillMergeFields('{{member_name}} on {{issue_date}}', facts) === 'Zoë Łukasiewicz on 3 March 2026'
 */
export function fillMergeFields(text: string, facts: CertificateFacts): string {
  const values: Record<string, string> = {
    member_name: facts.memberName,
    course_title: facts.courseTitle,
    issue_date: formatCertificateDate(facts.issuedOn),
    expiry_date: facts.expiresOn ? formatCertificateDate(facts.expiresOn) : 'no expiry',
    certificate_id: facts.certificateId,
    issuer_name: facts.issuerName,
  };
  return text.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** '2026-03-03' -> '3 March 2026'. Written out so no locale or timezone can shift the day. */
export function formatCertificateDate(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return date;
  return `${Number(match[3])} ${MONTHS[Number(match[2]) - 1]} ${match[1]}`;
}

function decodedLength(dataUrl: string): number {
  const base64 = dataUrl.slice(dataUrl.indexOf(',') + 1);
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length * 3) / 4 - padding;
}

/**
 * The bytes match the declared kind, so a renamed or truncated file is refused when saved, not
 * when a certificate is rendered. Uses atob, not Buffer: the template editor runs this in the browser.
 */
function isReadableImage(dataUrl: string): boolean {
  if (decodedLength(dataUrl) > MAX_LOGO_BYTES) return true; // the size rule reports it
  const base64 = dataUrl.slice(dataUrl.indexOf(',') + 1);
  const kind = dataUrl.slice('data:image/'.length, dataUrl.indexOf(';'));
  try {
    if (kind === 'svg+xml') return /<svg[\s>]/.test(atob(base64));
    const head = atob(base64.slice(0, 32));
    if (kind === 'png') return head.startsWith('\x89PNG\r\n\x1a\n') && head.slice(12, 16) === 'IHDR';
    return head.startsWith('\xff\xd8\xff');
  } catch {
    return false;
  }
}
